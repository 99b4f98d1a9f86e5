"""What exists in the emulator, per region and VPC, as a compact table (default VPCs left out)."""

from collections import Counter, defaultdict
from collections.abc import Iterable

import boto3

_WIDTH = 22


def report(url: str, regions: Iterable[str]) -> str:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    lines = []
    for region in regions:
        lines.append(region)
        vpcs = _region(session, url, region)
        if not vpcs:
            lines.append("  (no VPCs)")
        for title, rows in vpcs + [("services", _services(session, url, region)), ("operations", _operations(session, url, region))]:
            if rows:
                lines.append(f"  {title}")
                lines.extend(f"    {label:<{_WIDTH}}{text}" for label, text in rows)
    return "\n".join(lines)


def _services(session: boto3.session.Session, url: str, region: str) -> list[tuple[str, str]]:
    """What lives outside a VPC's listings: databases, proxies, secrets, keys."""
    rds = session.client("rds", region_name=region, endpoint_url=url)
    instances = _all(rds, "describe_db_instances", "DBInstances")
    rows = []
    for cluster in _all(rds, "describe_db_clusters", "DBClusters"):
        members = [i for i in instances if i.get("DBClusterIdentifier") == cluster["DBClusterIdentifier"]]
        writer = "writer" if any(m.get("IsClusterWriter") for m in cluster.get("DBClusterMembers", [])) else "no writer"
        classes = _count_by(members, lambda instance: instance["DBInstanceClass"])
        encrypted = "encrypted" if cluster.get("StorageEncrypted") else "NOT encrypted"
        global_id = f", global {cluster['GlobalClusterIdentifier']}" if cluster.get("GlobalClusterIdentifier") else ""
        rows.append(("Aurora cluster", f"{cluster['DBClusterIdentifier']} ({writer}; {classes}; {encrypted}{global_id})"))
    for instance in instances:
        if not instance.get("DBClusterIdentifier"):
            rows.append(("RDS instance", f"{instance['DBInstanceIdentifier']} ({instance['DBInstanceClass']}, Multi-AZ {instance.get('MultiAZ')})"))
    for proxy in _all(rds, "describe_db_proxies", "DBProxies"):
        rows.append(("RDS proxy", f"{proxy['DBProxyName']} ({proxy['Status']})"))
    if region == "us-east-1":
        for global_cluster in _all(rds, "describe_global_clusters", "GlobalClusters"):
            writers = [m["DBClusterArn"].split(":")[3] for m in global_cluster.get("GlobalClusterMembers", []) if m.get("IsWriter")]
            members = len(global_cluster.get("GlobalClusterMembers", []))
            rows.append(("global database", f"{global_cluster['GlobalClusterIdentifier']} (writer in {', '.join(writers) or 'none'}, {members} members)"))
    elasticache = session.client("elasticache", region_name=region, endpoint_url=url)
    for group in _all(elasticache, "describe_replication_groups", "ReplicationGroups"):
        nodes = len(group.get("MemberClusters", []))
        shards = len(group.get("NodeGroups", []))
        encrypted = "encrypted" if group.get("AtRestEncryptionEnabled") and group.get("TransitEncryptionEnabled") else "NOT fully encrypted"
        member = (group.get("GlobalReplicationGroupInfo") or {}).get("GlobalReplicationGroupMemberRole")
        role = f", global {member.lower()}" if member else ""
        rows.append(("cache", f"{group['ReplicationGroupId']} ({shards} shard(s), {nodes} nodes, Multi-AZ {group.get('MultiAZ')}; {encrypted}{role})"))
    rows.extend(_compute(session, url, region))
    secrets = _all(session.client("secretsmanager", region_name=region, endpoint_url=url), "list_secrets", "SecretList")
    if secrets:
        rows.append(("secrets", _names(secrets, lambda secret: secret["Name"])))
    kms = session.client("kms", region_name=region, endpoint_url=url)
    aliases = [alias for alias in _all(kms, "list_aliases", "Aliases") if not alias["AliasName"].startswith("alias/aws/")]
    if aliases:
        rows.append(("KMS keys", _names(aliases, lambda alias: alias["AliasName"])))
    return rows


def _compute(session: boto3.session.Session, url: str, region: str) -> list[tuple[str, str]]:
    """ECS services (what they run, how they deploy) and load balancers (which target group takes the traffic)."""
    ecs = session.client("ecs", region_name=region, endpoint_url=url)
    elbv2 = session.client("elbv2", region_name=region, endpoint_url=url)
    rows = []
    for cluster_arn in ecs.list_clusters()["clusterArns"]:
        service_arns = ecs.list_services(cluster=cluster_arn)["serviceArns"]
        for service in ecs.describe_services(cluster=cluster_arn, services=service_arns)["services"] if service_arns else []:
            image = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]["image"]
            strategy = service.get("deploymentConfiguration", {}).get("strategy", "ROLLING")
            rows.append(
                (
                    "ECS service",
                    f"{service['serviceName']} ({service['runningCount']}/{service['desiredCount']} tasks of {image.rsplit('/', 1)[-1]}; {strategy})",
                )
            )
    for balancer in elbv2.describe_load_balancers()["LoadBalancers"]:
        ports = []
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            action = listener["DefaultActions"][0]
            live = ""
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                groups = rule["Actions"][0].get("ForwardConfig", {}).get("TargetGroups", []) if rule["Actions"] else []
                if groups:
                    live = " -> " + max(groups, key=lambda group: group.get("Weight", 0))["TargetGroupArn"].split("/")[-2]
            ports.append(f"{listener['Port']} {action['Type']}{live}")
        rows.append(("load balancer", f"{balancer['LoadBalancerName']} ({'; '.join(sorted(ports))})"))
    return rows + _edge(session, url, region)


def _edge(session: boto3.session.Session, url: str, region: str) -> list[tuple[str, str]]:
    """Buckets of this region, web ACLs, and (from us-east-1, where they are managed) CloudFront distributions."""
    s3 = session.client("s3", region_name=region, endpoint_url=url)
    rows = []
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"] if (s3.get_bucket_location(Bucket=b["Name"]).get("LocationConstraint") or "us-east-1") == region]
    if buckets:
        rows.append(("buckets", ", ".join(sorted(buckets))))
    wafv2 = session.client("wafv2", region_name=region, endpoint_url=url)
    scopes = ("REGIONAL", "CLOUDFRONT") if region == "us-east-1" else ("REGIONAL",)
    for scope in scopes:
        for acl in wafv2.list_web_acls(Scope=scope)["WebACLs"]:
            rules = wafv2.get_web_acl(Name=acl["Name"], Scope=scope, Id=acl["Id"])["WebACL"]["Rules"]
            rows.append(("web ACL", f"{acl['Name']} ({scope}, {len(rules)} rules)"))
    if region == "us-east-1":
        cloudfront = session.client("cloudfront", region_name=region, endpoint_url=url)
        for item in cloudfront.list_distributions().get("DistributionList", {}).get("Items", []):
            origins = ", ".join(origin["Id"] for origin in item["Origins"]["Items"])
            rows.append(("CloudFront", f"{item['Comment']} {item['DomainName']} (origins {origins}; {item['PriceClass']})"))
    return rows


def _operations(session: boto3.session.Session, url: str, region: str) -> list[tuple[str, str]]:
    """Backups, alert topics, alarms, dashboards, canaries, and (account-wide, from us-east-1) budgets."""

    def client(service):
        return session.client(service, region_name=region, endpoint_url=url)

    rows = []
    backup = client("backup")
    for vault in backup.list_backup_vaults()["BackupVaultList"]:
        lock = f"; locked {vault['MinRetentionDays']}-{vault['MaxRetentionDays']} days" if vault.get("Locked") else ""
        rows.append(("backup vault", f"{vault['BackupVaultName']} (KMS{lock})"))
    for plan in backup.list_backup_plans()["BackupPlansList"]:
        rules = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["BackupPlan"]["Rules"]
        described = [f"{rule['RuleName']} {rule['ScheduleExpression']}" + (" -> copy" if rule.get("CopyActions") else "") for rule in rules]
        selections = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
        rows.append(("backup plan", f"{plan['BackupPlanName']} ({'; '.join(described)}; {len(selections)} selection(s))"))
    sns = client("sns")
    for topic in sns.list_topics()["Topics"]:
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic["TopicArn"])["Subscriptions"]
        rows.append(("alert topic", f"{topic['TopicArn'].rsplit(':', 1)[-1]} ({len(subscriptions)} subscription(s))"))
    cloudwatch = client("cloudwatch")
    alarms = _all(cloudwatch, "describe_alarms", "MetricAlarms")
    if alarms:
        # Target-tracking alarms act on scaling policies, the platform's on its SNS topics.
        topics = Counter(action.rsplit(":", 1)[-1] if ":sns:" in action else "autoscaling" for alarm in alarms for action in alarm.get("AlarmActions", []))
        rows.append(("alarms", f"{len(alarms)} ({', '.join(f'{count} to {name}' for name, count in sorted(topics.items()))})"))
    dashboards = [item["DashboardName"] for item in cloudwatch.list_dashboards()["DashboardEntries"]]
    if dashboards:
        rows.append(("dashboards", ", ".join(sorted(dashboards))))
    for canary in client("synthetics").describe_canaries()["Canaries"]:
        rows.append(("canary", f"{canary['Name']} ({canary['Schedule']['Expression']}, {canary['Status']['State']})"))
    if region == "us-east-1":
        account = session.client("sts", region_name=region, endpoint_url=url).get_caller_identity()["Account"]
        for budget in client("budgets").describe_budgets(AccountId=account).get("Budgets", []):
            limit = budget["BudgetLimit"]
            rows.append(("budget", f"{budget['BudgetName']} ({float(limit['Amount']):,.0f} {limit['Unit']} {budget['TimeUnit'].lower()})"))
    return rows


def _region(session: boto3.session.Session, url: str, region: str) -> list[tuple[str, list[tuple[str, str]]]]:
    def client(service):
        return session.client(service, region_name=region, endpoint_url=url)

    ec2 = client("ec2")
    vpcs = [vpc for vpc in _all(ec2, "describe_vpcs", "Vpcs") if not vpc.get("IsDefault")]
    if not vpcs:
        return []
    by_vpc = defaultdict(lambda: defaultdict(list))
    listings = (
        ("subnets", _all(ec2, "describe_subnets", "Subnets"), "VpcId"),
        ("NAT gateways", [nat for nat in _all(ec2, "describe_nat_gateways", "NatGateways") if nat["State"] != "deleted"], "VpcId"),
        ("route tables", _all(ec2, "describe_route_tables", "RouteTables"), "VpcId"),
        ("network ACLs", _all(ec2, "describe_network_acls", "NetworkAcls"), "VpcId"),
        ("security groups", _all(ec2, "describe_security_groups", "SecurityGroups"), "VpcId"),
        ("VPC endpoints", _all(ec2, "describe_vpc_endpoints", "VpcEndpoints"), "VpcId"),
        ("flow logs", _all(ec2, "describe_flow_logs", "FlowLogs"), "ResourceId"),
        ("DB subnet groups", _all(client("rds"), "describe_db_subnet_groups", "DBSubnetGroups"), "VpcId"),
        ("cache subnet groups", _all(client("elasticache"), "describe_cache_subnet_groups", "CacheSubnetGroups"), "VpcId"),
    )
    for category, items, vpc_key in listings:
        for item in items:
            by_vpc[item.get(vpc_key)][category].append(item)
    for igw in _all(ec2, "describe_internet_gateways", "InternetGateways"):
        for attachment in igw.get("Attachments", []):
            by_vpc[attachment["VpcId"]]["internet gateway"].append(igw)
    return [(_vpc_title(vpc), _rows(by_vpc[vpc["VpcId"]])) for vpc in vpcs]


def _count_by(items: list[dict], key) -> str:
    return ", ".join(f"{value} {count}" for value, count in sorted(Counter(map(key, items)).items()))


def _names(items: list[dict], key) -> str:
    return ", ".join(sorted(map(key, items)))


# Row label, and how to sum up that category's items of one VPC; in display order.
_ROWS = {
    "subnets": lambda items: _count_by(items, lambda subnet: _tag(subnet, "Tier") or "untagged"),
    "internet gateway": lambda items: _names(items, lambda igw: igw["InternetGatewayId"]),
    "NAT gateways": lambda items: _count_by(items, lambda nat: nat["State"]),
    "route tables": len,
    "network ACLs": len,
    "security groups": lambda items: _names(items, lambda group: group["GroupName"]),
    "flow logs": lambda items: _names(items, lambda log: f"{log['TrafficType']} to {log['LogDestinationType']}"),
    "VPC endpoints": lambda items: _names(items, lambda endpoint: endpoint["ServiceName"].rsplit(".", 1)[-1]),
    "DB subnet groups": lambda items: _names(items, lambda group: group["DBSubnetGroupName"]),
    "cache subnet groups": lambda items: _names(items, lambda group: group["CacheSubnetGroupName"]),
}


def _rows(found: dict[str, list[dict]]) -> list[tuple[str, str]]:
    return [(label, str(summary(found[label]))) for label, summary in _ROWS.items() if found.get(label)]


def _vpc_title(vpc: dict) -> str:
    return f"VPC {_tag(vpc, 'Name') or '(no Name)'}  {vpc['VpcId']}  {vpc['CidrBlock']}"


def _tag(item: dict, key: str) -> str | None:
    return next((tag["Value"] for tag in item.get("Tags", []) if tag["Key"] == key), None)


def _all(client, operation: str, key: str) -> list[dict]:
    if client.can_paginate(operation):
        return [item for page in client.get_paginator(operation).paginate() for item in page.get(key, [])]
    return getattr(client, operation)().get(key, [])
