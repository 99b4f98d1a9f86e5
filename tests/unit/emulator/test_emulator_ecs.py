"""ECS services on Fargate behind an ALB in the emulator: configuration round trips, tasks as targets, blue/green and rollback."""

import ipaddress
import json
import urllib.error
import urllib.request

import botocore.exceptions
import pytest

ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"
NO_RETRIES = {"retries": {"max_attempts": 1, "mode": "standard"}}


def control(emulator, method, body=None):
    """Call /_stories/app-health; returns (status, JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{emulator.url}/_stories/app-health", data=data, method=method, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def mark(emulator, image, healthy):
    status, body = control(emulator, "POST", {"image": image, "healthy": healthy})
    assert status == 200, body


class Stack:
    """A VPC with two private subnets, an ALB, two ip target groups, a listener rule forwarding 100/0, a cluster and
    task definitions web:1 (image :a), web:2 (:b), web:3 (:bad)."""

    def __init__(self, aws):
        self.ec2, self.elbv2, self.ecs = aws("ec2"), aws("elbv2"), aws("ecs")
        vpc = self.ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        self.subnets = {}
        for zone, cidr in (("us-east-1a", "10.20.1.0/24"), ("us-east-1b", "10.20.2.0/24")):
            self.subnets[self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]] = cidr
        self.security_group = self.ec2.create_security_group(GroupName="web", Description="web tasks", VpcId=vpc)["GroupId"]
        load_balancer = self.elbv2.create_load_balancer(Name="web", Subnets=list(self.subnets), SecurityGroups=[self.security_group])
        self.blue, self.green = (
            self.elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip", HealthCheckPath="/api/health")["TargetGroups"][0][
                "TargetGroupArn"
            ]
            for name in ("web-blue", "web-green")
        )
        listener = self.elbv2.create_listener(
            LoadBalancerArn=load_balancer["LoadBalancers"][0]["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )
        self.rule = self.elbv2.create_rule(
            ListenerArn=listener["Listeners"][0]["ListenerArn"],
            Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
            Actions=[self.forward(100, 0)],
        )["Rules"][0]["RuleArn"]
        self.ecs.create_cluster(clusterName="app", capacityProviders=["FARGATE", "FARGATE_SPOT"])
        self.revisions = {}
        for tag in ("a", "b", "bad"):
            self.revisions[tag] = self.ecs.register_task_definition(
                family="web",
                networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"],
                cpu="256",
                memory="512",
                containerDefinitions=[{"name": "web", "image": f"registry.example/web:{tag}", "portMappings": [{"containerPort": 8080}]}],
            )["taskDefinition"]["taskDefinitionArn"]

    def forward(self, blue_weight, green_weight):
        return {
            "Type": "forward",
            "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": self.blue, "Weight": blue_weight}, {"TargetGroupArn": self.green, "Weight": green_weight}]},
        }

    def create_service(self, strategy="BLUE_GREEN", rollback=True, desired=2, **extra):
        load_balancer = {"targetGroupArn": self.blue, "containerName": "web", "containerPort": 8080}
        deployment = {"deploymentCircuitBreaker": {"enable": True, "rollback": rollback}, "maximumPercent": 200, "minimumHealthyPercent": 100}
        if strategy == "BLUE_GREEN":
            load_balancer["advancedConfiguration"] = {"alternateTargetGroupArn": self.green, "productionListenerRule": self.rule, "roleArn": ROLE}
            deployment.update(strategy="BLUE_GREEN", bakeTimeInMinutes=0)
        return self.ecs.create_service(
            cluster="app",
            serviceName="web",
            taskDefinition=self.revisions["a"],
            desiredCount=desired,
            capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}],
            platformVersion="1.4.0",
            networkConfiguration={
                "awsvpcConfiguration": {"subnets": list(self.subnets), "securityGroups": [self.security_group], "assignPublicIp": "DISABLED"}
            },
            loadBalancers=[load_balancer],
            deploymentConfiguration=deployment,
            deploymentController={"type": "ECS"},
            healthCheckGracePeriodSeconds=60,
            enableExecuteCommand=True,
            propagateTags="SERVICE",
            tags=[{"key": "app", "value": "web"}],
            **extra,
        )["service"]

    def service(self):
        return self.ecs.describe_services(cluster="app", services=["web"], include=["TAGS"])["services"][0]

    def deploy(self, tag):
        self.ecs.update_service(cluster="app", service="web", taskDefinition=self.revisions[tag])
        return self.service()

    def weights(self):
        action = self.elbv2.describe_rules(RuleArns=[self.rule])["Rules"][0]["Actions"][0]
        return {group["TargetGroupArn"]: group["Weight"] for group in action["ForwardConfig"]["TargetGroups"]}

    def targets(self, group):
        descriptions = self.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
        return {(d["Target"]["Id"], d["Target"]["Port"]): d["TargetHealth"] for d in descriptions}

    def tasks(self):
        """Running tasks of the service: IP address -> task definition ARN."""
        arns = self.ecs.list_tasks(cluster="app", serviceName="web")["taskArns"]
        if not arns:
            return {}
        tasks = self.ecs.describe_tasks(cluster="app", tasks=arns)["tasks"]
        assert all(task["lastStatus"] == "RUNNING" and task["group"] == "service:web" for task in tasks)
        return {next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "privateIPv4Address"): task["taskDefinitionArn"] for task in tasks}


@pytest.fixture
def stack(aws):
    return Stack(aws)


def test_weighted_forward_rule_round_trips(stack):
    rule = stack.elbv2.describe_rules(RuleArns=[stack.rule])["Rules"][0]
    assert rule["Actions"] == [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [{"TargetGroupArn": stack.blue, "Weight": 100}, {"TargetGroupArn": stack.green, "Weight": 0}],
                "TargetGroupStickinessConfig": {"Enabled": False},
            },
        }
    ]
    stack.elbv2.modify_rule(RuleArn=stack.rule, Actions=[stack.forward(20, 80)])
    assert stack.weights() == {stack.blue: 20, stack.green: 80}


def test_cluster_fields_round_trip(aws):
    ecs = aws("ecs")
    execute_command = {
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "logging": "OVERRIDE",
        "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": True},
    }
    created = ecs.create_cluster(
        clusterName="app",
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration={"executeCommandConfiguration": execute_command},
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 1}],
        tags=[{"key": "app", "value": "stories"}],
    )["cluster"]
    assert created["settings"] == [{"name": "containerInsights", "value": "enhanced"}]

    plain = ecs.describe_clusters(clusters=["app"])["clusters"][0]
    assert "settings" not in plain and "configuration" not in plain and "tags" not in plain
    assert plain["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]

    ecs.update_cluster_settings(cluster="app", settings=[{"name": "containerInsights", "value": "disabled"}])
    ecs.update_cluster(cluster="app", configuration={"executeCommandConfiguration": {**execute_command, "logging": "DEFAULT"}})
    ecs.put_cluster_capacity_providers(
        cluster="app", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 2, "base": 0}]
    )
    full = ecs.describe_clusters(clusters=["app"], include=["SETTINGS", "CONFIGURATIONS", "TAGS"])["clusters"][0]
    assert full["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert full["configuration"]["executeCommandConfiguration"] == {**execute_command, "logging": "DEFAULT"}
    assert full["capacityProviders"] == ["FARGATE"]
    assert full["defaultCapacityProviderStrategy"] == [{"capacityProvider": "FARGATE", "weight": 2, "base": 0}]
    assert full["tags"] == [{"key": "app", "value": "stories"}]


def test_service_fields_round_trip_and_updates_are_stored(stack):
    created = stack.create_service()
    service = stack.service()
    for shown in (created, service):
        assert "launchType" not in shown
        assert [(item["capacityProvider"], item["weight"]) for item in shown["capacityProviderStrategy"]] == [("FARGATE", 1), ("FARGATE_SPOT", 3)]
        assert shown["deploymentConfiguration"] == {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 0,
        }
        assert shown["loadBalancers"][0]["advancedConfiguration"] == {
            "alternateTargetGroupArn": stack.green,
            "productionListenerRule": stack.rule,
            "roleArn": ROLE,
        }
        assert shown["healthCheckGracePeriodSeconds"] == 60
        assert shown["enableExecuteCommand"] is True
        assert shown["propagateTags"] == "SERVICE"
        assert shown["platformVersion"] == "1.4.0"
        assert shown["deploymentController"] == {"type": "ECS"}
        assert shown["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
        assert shown["taskDefinition"] == stack.revisions["a"]
    assert service["tags"] == [{"key": "app", "value": "web"}]
    [deployment] = service["deployments"]
    assert (deployment["status"], deployment["rolloutState"], deployment["runningCount"]) == ("PRIMARY", "COMPLETED", 2)

    stack.ecs.update_service(
        cluster="app",
        service="web",
        healthCheckGracePeriodSeconds=120,
        enableExecuteCommand=False,
        deploymentConfiguration={
            "strategy": "ROLLING",
            "deploymentCircuitBreaker": {"enable": True, "rollback": False},
            "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": True},
        },
    )
    updated = stack.service()
    assert updated["healthCheckGracePeriodSeconds"] == 120
    assert updated["enableExecuteCommand"] is False
    assert updated["deploymentConfiguration"]["strategy"] == "ROLLING"
    assert updated["deploymentConfiguration"]["alarms"] == {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}
    assert updated["deploymentConfiguration"]["maximumPercent"] == 200
    # None of these starts a deployment.
    assert [d["id"] for d in updated["deployments"]] == [deployment["id"]]


def test_create_service_again_is_refused(stack):
    stack.create_service()
    with pytest.raises(botocore.exceptions.ClientError, match="not idempotent"):
        stack.create_service()


def test_targets_follow_desired_count(stack):
    stack.create_service(desired=2)
    targets = stack.targets(stack.blue)
    assert {health["State"] for health in targets.values()} == {"healthy"}
    assert {port for _ip, port in targets} == {8080}
    networks = [ipaddress.ip_network(cidr) for cidr in stack.subnets.values()]
    # One task in each subnet, each at an address of its subnet.
    assert sorted(any(ipaddress.ip_address(ip) in network for ip, _port in targets) for network in networks) == [True, True]
    assert set(stack.tasks()) == {ip for ip, _port in targets}

    stack.ecs.update_service(cluster="app", service="web", desiredCount=3)
    assert len(stack.targets(stack.blue)) == 3
    assert len(stack.tasks()) == 3
    assert stack.service()["runningCount"] == 3

    stack.ecs.update_service(cluster="app", service="web", desiredCount=0)
    assert not stack.targets(stack.blue)
    assert not stack.tasks()
    assert stack.targets(stack.green) == {}


def test_blue_green_deploy_shifts_traffic(stack):
    stack.create_service()
    first = stack.service()["deployments"][0]["id"]
    service = stack.deploy("b")

    assert stack.weights() == {stack.blue: 0, stack.green: 100}
    assert stack.targets(stack.blue) == {}
    green = stack.targets(stack.green)
    assert len(green) == 2 and {health["State"] for health in green.values()} == {"healthy"}
    assert stack.tasks() == {ip: stack.revisions["b"] for ip, _port in green}
    [deployment] = service["deployments"]
    assert deployment["id"] != first
    assert (deployment["taskDefinition"], deployment["rolloutState"]) == (stack.revisions["b"], "COMPLETED")
    assert service["taskDefinition"] == stack.revisions["b"]
    # The service keeps its configuration; the revision tells which target group serves.
    assert service["loadBalancers"][0]["targetGroupArn"] == stack.blue
    deployments = stack.ecs.list_service_deployments(cluster="app", service="web")["serviceDeployments"]
    assert [d["status"] for d in deployments] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert stack.ecs.list_service_deployments(cluster="app", service="web", status=["ROLLBACK_SUCCESSFUL"])["serviceDeployments"] == []
    later = stack.ecs.list_service_deployments(cluster="app", service="web", createdAt={"after": deployments[0]["createdAt"]})["serviceDeployments"]
    assert [d["serviceDeploymentArn"] for d in later] == [deployments[0]["serviceDeploymentArn"]]
    revision = stack.ecs.describe_service_revisions(serviceRevisionArns=[deployments[0]["targetServiceRevisionArn"]])["serviceRevisions"][0]
    assert revision["taskDefinition"] == stack.revisions["b"]
    assert revision["resolvedConfiguration"]["loadBalancers"] == [{"targetGroupArn": stack.green, "productionListenerRule": stack.rule}]

    # The next deployment goes the other way.
    stack.deploy("a")
    assert stack.weights() == {stack.blue: 100, stack.green: 0}
    assert stack.targets(stack.green) == {}
    assert set(stack.tasks().values()) == {stack.revisions["a"]}
    assert {ip for ip, _port in stack.targets(stack.blue)} == set(stack.tasks())


def test_unhealthy_blue_green_deploy_rolls_back(stack, emulator):
    stack.create_service()
    stack.deploy("b")
    mark(emulator, "registry.example/web:bad", False)
    service = stack.deploy("bad")

    assert service["taskDefinition"] == stack.revisions["b"]
    assert stack.weights() == {stack.blue: 0, stack.green: 100}
    assert stack.targets(stack.blue) == {}
    assert set(stack.tasks().values()) == {stack.revisions["b"]}
    assert {ip for ip, _port in stack.targets(stack.green)} == set(stack.tasks())
    restored, failed = service["deployments"]
    assert (restored["status"], restored["taskDefinition"], restored["rolloutState"]) == ("PRIMARY", stack.revisions["b"], "COMPLETED")
    assert restored["rolloutStateReason"].startswith("ECS deployment circuit breaker: rolling back to deploymentId ")
    assert (failed["taskDefinition"], failed["rolloutState"], failed["runningCount"]) == (stack.revisions["bad"], "FAILED", 0)
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert any("deployment failed: tasks failed to start" in event["message"] for event in service["events"])
    latest = stack.ecs.list_service_deployments(cluster="app", service="web")["serviceDeployments"][0]
    assert latest["status"] == "ROLLBACK_SUCCESSFUL"
    described = stack.ecs.describe_service_deployments(
        serviceDeploymentArns=[latest["serviceDeploymentArn"], "arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/x"]
    )
    assert described["serviceDeployments"][0]["rollback"]["reason"]
    assert described["failures"] == [{"arn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/x", "reason": "MISSING"}]


def test_circuit_breaker_without_rollback_stays_failed(stack, emulator):
    stack.create_service(rollback=False)
    mark(emulator, "registry.example/web:bad", False)
    service = stack.deploy("bad")

    assert service["taskDefinition"] == stack.revisions["bad"]
    primary, active = service["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["taskDefinition"]) == ("PRIMARY", "FAILED", stack.revisions["bad"])
    assert (active["status"], active["runningCount"]) == ("ACTIVE", 2)
    assert stack.weights() == {stack.blue: 100, stack.green: 0}
    green = stack.targets(stack.green)
    assert len(green) == 2
    assert {(h["State"], h["Reason"]) for h in green.values()} == {("unhealthy", "Target.ResponseCodeMismatch")}
    assert {h["State"] for h in stack.targets(stack.blue).values()} == {"healthy"}


def test_rolling_deploy_with_circuit_breaker(stack, emulator):
    stack.create_service(strategy="ROLLING")
    service = stack.deploy("b")
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    assert stack.weights() == {stack.blue: 100, stack.green: 0}
    assert {ip for ip, _port in stack.targets(stack.blue)} == set(stack.tasks())
    assert set(stack.tasks().values()) == {stack.revisions["b"]}

    mark(emulator, "registry.example/web:bad", False)
    service = stack.deploy("bad")
    assert service["taskDefinition"] == stack.revisions["b"]
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED", "FAILED"]
    assert set(stack.tasks().values()) == {stack.revisions["b"]}
    assert {h["State"] for h in stack.targets(stack.blue).values()} == {"healthy"}
    assert len(stack.targets(stack.blue)) == 2


def test_marking_a_running_image_makes_its_targets_unhealthy(stack, emulator):
    stack.create_service()
    mark(emulator, "registry.example/web:a", False)
    assert {h["State"] for h in stack.targets(stack.blue).values()} == {"unhealthy"}
    mark(emulator, "registry.example/web:a", True)
    assert {h["State"] for h in stack.targets(stack.blue).values()} == {"healthy"}


def test_app_health_endpoints_and_reset(emulator, aws):
    assert control(emulator, "GET") == (200, {"marks": {}})
    mark(emulator, "registry.example/web:bad", False)
    assert control(emulator, "GET") == (200, {"marks": {"registry.example/web:bad": False}})
    assert control(emulator, "POST", {"image": "registry.example/web:bad"})[0] == 400
    assert control(emulator, "POST", {"image": "", "healthy": False})[0] == 400
    assert control(emulator, "DELETE") == (200, {"marks": {}})

    mark(emulator, "registry.example/web:bad", False)
    emulator.reset()
    assert control(emulator, "GET") == (200, {"marks": {}})
    assert aws("ecs").list_clusters()["clusterArns"] == []


def test_list_tasks_by_unknown_service_fails(stack):
    stack.create_service()
    with pytest.raises(stack.ecs.exceptions.ServiceNotFoundException):
        stack.ecs.list_tasks(cluster="app", serviceName="nope")


def test_delete_service_stops_its_tasks(stack):
    stack.create_service()
    stack.ecs.delete_service(cluster="app", service="web", force=True)
    assert stack.targets(stack.blue) == {}
    assert stack.ecs.list_tasks(cluster="app")["taskArns"] == []
    assert len(stack.ecs.list_tasks(cluster="app", desiredStatus="STOPPED")["taskArns"]) == 2


def test_wafv2_list_resources_for_web_acl(stack, aws):
    wafv2 = aws("wafv2")
    load_balancer = stack.elbv2.describe_load_balancers()["LoadBalancers"][0]["LoadBalancerArn"]
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}
    acls = [
        wafv2.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility)["Summary"]["ARN"] for name in ("one", "two")
    ]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acls[0])["ResourceArns"] == []
    wafv2.associate_web_acl(WebACLArn=acls[0], ResourceArn=load_balancer)
    wafv2.associate_web_acl(WebACLArn=acls[0], ResourceArn=load_balancer)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acls[0])["ResourceArns"] == [load_balancer]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acls[0], ResourceType="API_GATEWAY")["ResourceArns"] == []
    # A resource has one web ACL: associating another moves it.
    wafv2.associate_web_acl(WebACLArn=acls[1], ResourceArn=load_balancer)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acls[0])["ResourceArns"] == []
    assert wafv2.list_resources_for_web_acl(WebACLArn=acls[1])["ResourceArns"] == [load_balancer]
    with pytest.raises(wafv2.exceptions.WAFNonexistentItemException):
        aws("wafv2", **NO_RETRIES).list_resources_for_web_acl(WebACLArn=acls[0].replace("one", "three"))
