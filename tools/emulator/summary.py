"""One row per region of what the platform has there, as a text table and as a Markdown report file."""

from __future__ import annotations

from collections.abc import Iterable

import boto3

COLUMNS = ("region", "role", "VPC", "database", "cache", "app", "load balancer", "alarms", "canaries", "security")


def region_rows(url: str, regions: dict[str, str]) -> list[dict[str, str]]:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    return [_row(session, url, region, role) for region, role in regions.items()]


def _row(session, url: str, region: str, role: str) -> dict[str, str]:
    def client(service):
        return session.client(service, region_name=region, endpoint_url=url)

    vpcs = [vpc["CidrBlock"] for vpc in client("ec2").describe_vpcs()["Vpcs"] if not vpc.get("IsDefault")]
    rds = client("rds")
    writers = {
        member["DBClusterArn"]: member["IsWriter"]
        for cluster in rds.describe_global_clusters().get("GlobalClusters", [])
        for member in cluster.get("GlobalClusterMembers", [])
    }
    databases = [
        f"{cluster['DBClusterIdentifier']} ({'writer' if writers.get(cluster['DBClusterArn'], True) else 'reader'}"
        f"{', global' if cluster['DBClusterArn'] in writers else ''})"
        for cluster in rds.describe_db_clusters()["DBClusters"]
    ]
    caches = []
    for group in client("elasticache").describe_replication_groups()["ReplicationGroups"]:
        glob = group.get("GlobalReplicationGroupInfo") or {}
        role_text = f", global {glob['GlobalReplicationGroupMemberRole'].lower()}" if glob.get("GlobalReplicationGroupMemberRole") else ""
        caches.append(f"{group['ReplicationGroupId']} ({len(group.get('NodeGroups', []))} shard(s){role_text})")
    ecs = client("ecs")
    apps = []
    for cluster in ecs.list_clusters()["clusterArns"]:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        for service in ecs.describe_services(cluster=cluster, services=arns)["services"] if arns else []:
            apps.append(f"{service['serviceName']} {service['runningCount']}/{service['desiredCount']} tasks")
    balancers = [lb["DNSName"] for lb in client("elbv2").describe_load_balancers()["LoadBalancers"]]
    alarms = len(client("cloudwatch").describe_alarms()["MetricAlarms"])
    canaries = [canary["Name"] for canary in client("synthetics").describe_canaries().get("Canaries", [])]
    detectors = client("guardduty").list_detectors().get("DetectorIds", [])
    try:
        standards = len(client("securityhub").get_enabled_standards().get("StandardsSubscriptions", []))
    except Exception:  # pylint: disable=broad-except  # Security Hub not enabled in the region
        standards = 0
    security = f"GuardDuty, {standards} standard(s)" if detectors else "-"
    return {
        "region": region,
        "role": role,
        "VPC": ", ".join(vpcs) or "-",
        "database": "; ".join(databases) or "-",
        "cache": "; ".join(caches) or "-",
        "app": "; ".join(apps) or "-",
        "load balancer": "; ".join(balancers) or "-",
        "alarms": str(alarms),
        "canaries": ", ".join(canaries) or "-",
        "security": security,
    }


def text_table(rows: Iterable[dict[str, str]]) -> str:
    rows = list(rows)
    widths = {column: max([len(column)] + [len(row[column]) for row in rows]) for column in COLUMNS}
    lines = ["  ".join(column.upper().ljust(widths[column]) for column in COLUMNS)]
    lines += ["  ".join(row[column].ljust(widths[column]) for column in COLUMNS) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def markdown(rows: Iterable[dict[str, str]], title: str, sections: Iterable[tuple[str, str]] = ()) -> str:
    rows = list(rows)
    out = [f"# {title}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(row[column].replace("|", "\\|") for column in COLUMNS) + " |" for row in rows]
    for heading, body in sections:
        out += ["", f"## {heading}", "", "```", body.rstrip(), "```"]
    return "\n".join(out) + "\n"
