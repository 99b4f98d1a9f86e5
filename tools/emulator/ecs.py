"""ECS services on Fargate behind an Application Load Balancer, run as AWS runs them; patches.py installs the patches below.

A service runs tasks. moto runs none, so here a service with a task definition in awsvpc mode gets ``desiredCount``
``ServiceTask`` objects, kept where moto keeps tasks (ListTasks, DescribeTasks): RUNNING, ``group`` ``service:NAME``,
``startedBy`` the id of the deployment that started them, each with its own ENI whose address is the first free one of
the service's subnets (taken in turn). The address is the task's target, ``containerPort`` its port, in the target group
of the service's first load balancer: DescribeTargetHealth lists exactly the service's running tasks, and so a test
ties a target to a task, and through the task's ``taskDefinitionArn`` to a revision.

The application-health oracle stands in for the application's health check (its /api/health, as the target group probes
it): the emulator runs no containers, so whether a task's application is healthy is told to it through the control
endpoint ``/_stories/app-health`` (control.py): an image URI marked ``healthy: false`` makes every task whose task
definition has a container with exactly that image unhealthy; unmarked images are healthy. An unhealthy task's target
reports ``unhealthy`` (Target.ResponseCodeMismatch), always from the marks in force, and ECS deployments judge with it.
``/moto-api/reset`` clears the marks.

Deployments complete inside the call that starts them (CreateService, UpdateService), so the first DescribeServices after
it shows the final state: AWS takes minutes, and a test polling until the PRIMARY deployment leaves IN_PROGRESS stops at
once. UpdateService starts a deployment when it changes the task definition, the network configuration, the load
balancers, the capacity provider strategy or the platform version, or with forceNewDeployment; a desiredCount change
alone scales the current deployment. A deployment starts the new revision's tasks, judges them with the oracle, then:

- healthy: the old tasks stop (their targets are deregistered); with the BLUE_GREEN strategy and an
  ``advancedConfiguration``, the new tasks went to the target group not serving production, and the production
  listener rule's forward action now gives that group weight 100 and the other 0, as ECS shifts traffic
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html). The next
  deployment goes the other way. The service's ``loadBalancers`` stay as configured, as in AWS: which target group a
  revision serves from is told by DescribeServiceRevisions' ``resolvedConfiguration.loadBalancers`` (the ECS API
  reference: "the actual resources your service revision uses, such as which target groups serve traffic") and by the
  listener rule's weights.
- unhealthy, deploymentCircuitBreaker enable and rollback: the new tasks stop, the listener rule is untouched, the
  service's taskDefinition is the last completed deployment's again. DescribeServices lists a new PRIMARY deployment of
  that revision, COMPLETED, with rolloutStateReason "ECS deployment circuit breaker: rolling back to deploymentId ...",
  and the failed one, FAILED, "ECS deployment circuit breaker: tasks failed to start.", as AWS shows them while it rolls
  back; the failed one is kept (INACTIVE, no tasks) until the next deployment, where AWS drops it once it has drained.
- unhealthy, circuit breaker without rollback: the new deployment is FAILED and stays PRIMARY with its unhealthy tasks
  (and targets); the previous deployment's tasks keep running (ACTIVE), and traffic is not shifted.
- unhealthy, no circuit breaker: the deployment stays IN_PROGRESS, as AWS keeps replacing failing tasks for ever.

Each deployment is also a service deployment (ListServiceDeployments, newest first; DescribeServiceDeployments:
SUCCESSFUL, ROLLBACK_SUCCESSFUL, STOPPED, IN_PROGRESS) of a service revision (DescribeServiceRevisions). Only services
with the ECS deployment controller deploy; a task definition not in awsvpc mode runs no tasks here.
"""

import copy
import functools
import ipaddress
import itertools
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import SimpleNamespace

from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

# Image URI -> healthy, as marked through /_stories/app-health. Read by target health and deployments.
APP_HEALTH: dict[str, bool] = {}

CIRCUIT_BREAKER_FAILED = "ECS deployment circuit breaker: tasks failed to start."
UNHEALTHY_DESCRIPTION = "Health checks failed with these codes: [500]"
SERVICE_LINKED_ROLE = "arn:aws:iam::{account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
# UpdateService parameters whose change starts a new deployment (besides taskDefinition and forceNewDeployment).
DEPLOYING_ATTRIBUTES = ("network_configuration", "load_balancers", "capacity_provider_strategy", "platform_version")
# CreateService parameters moto's CreateService drops; kept as the service's attributes (snake_case) and returned.
KEPT_CREATE_PARAMETERS = (
    "healthCheckGracePeriodSeconds",
    "enableExecuteCommand",
    "enableECSManagedTags",
    "capacityProviderStrategy",
    "placementConstraints",
    "placementStrategy",
    "availabilityZoneRebalancing",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "vpcLatticeConfigurations",
)
CREATE_DEFAULTS = {
    "healthCheckGracePeriodSeconds": 0,
    "enableExecuteCommand": False,
    "enableECSManagedTags": False,
    "placementConstraints": [],
    "placementStrategy": [],
}
# WAFv2 ResourceType -> a fragment of the ARNs of that type.
WAF_RESOURCE_TYPES = {
    "APPLICATION_LOAD_BALANCER": ":loadbalancer/app/",
    "API_GATEWAY": ":apigateway:",
    "APPSYNC": ":appsync:",
    "COGNITO_USER_POOL": ":cognito-idp:",
    "APP_RUNNER_SERVICE": ":apprunner:",
    "VERIFIED_ACCESS_INSTANCE": ":verified-access-instance/",
    "AMPLIFY": ":amplify:",
}


def mark_app_health(image: str, healthy: bool) -> None:
    APP_HEALTH[image] = healthy


def clear_app_health() -> None:
    APP_HEALTH.clear()


def image_healthy(image: str) -> bool:
    return APP_HEALTH.get(image, True)


# --- the service model ---------------------------------------------------------------------------------------------


@dataclass
class Rollout:
    """One ECS deployment of a service: a Deployment in DescribeServices and a service deployment."""

    id: str
    arn: str
    revision: dict
    target_group: str | None
    created: datetime
    source_revisions: list = field(default_factory=list)
    status: str = "PRIMARY"  # PRIMARY, ACTIVE, INACTIVE (Deployment.status)
    visible: bool = True  # listed in DescribeServices' deployments
    listed: bool = True  # a service deployment of its own (a rollback is part of the failed one)
    rollout_state: str = "IN_PROGRESS"
    rollout_state_reason: str = ""
    failed_tasks: int = 0
    deployment_status: str = "IN_PROGRESS"  # ServiceDeployment.status
    status_reason: str | None = None
    updated: datetime | None = None
    finished: datetime | None = None
    stopped: datetime | None = None
    rollback: dict | None = None

    @property
    def task_definition(self) -> str:
        return self.revision["taskDefinition"]


def _ecs_backend(account_id: str, region_name: str):
    from moto.ecs.models import ecs_backends

    return ecs_backends[account_id][region_name]


def _ec2_backend(account_id: str, region_name: str):
    from moto.ec2 import ec2_backends

    return ec2_backends[account_id][region_name]


def _elbv2_backend(account_id: str, region_name: str):
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends[account_id][region_name]


def _arn(service, kind: str, resource_id: str) -> str:
    return f"arn:aws:ecs:{service.region_name}:{service._account_id}:{kind}/{service.cluster_name}/{service.name}/{resource_id}"


def _state(service) -> dict:
    """The deployment state kept on a moto Service: rollouts (oldest first), revisions, the live target group."""
    if "_emulator" not in service.__dict__:
        service._emulator = {"rollouts": [], "revisions": {}, "live": None, "completed": None}
    return service._emulator


def load_balancer_of(service) -> dict | None:
    return next((lb for lb in service.load_balancers or [] if lb.get("targetGroupArn")), None)


def is_fargate(service) -> bool:
    if service.launch_type:
        return service.launch_type == "FARGATE"
    return any(item.get("capacityProvider", "").startswith("FARGATE") for item in service.capacity_provider_strategy or [])


def deployment_configuration(given: dict | None) -> dict:
    """DeploymentConfiguration as AWS returns it: the given fields, with the documented defaults for the others."""
    config = copy.deepcopy(given or {})
    config.setdefault("deploymentCircuitBreaker", {"enable": False, "rollback": False})
    config.setdefault("maximumPercent", 200)
    config.setdefault("minimumHealthyPercent", 100)
    return config


def _launch(service) -> dict:
    launch = {"capacityProviderStrategy": service.capacity_provider_strategy} if service.capacity_provider_strategy else {"launchType": service.launch_type}
    if is_fargate(service):
        launch.update(platformVersion=service.platform_version or "LATEST", platformFamily="Linux")
    return launch


def _new_revision(service, task_definition, target_group: str | None) -> dict:
    state = _state(service)
    now = utcnow()
    revision = {
        "serviceRevisionArn": _arn(service, "service-revision", str(mock_random.randint(10**18, 10**19 - 1))),
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "taskDefinition": task_definition.arn,
        **_launch(service),
        "loadBalancers": copy.deepcopy(service.load_balancers or []),
        "serviceRegistries": copy.deepcopy(service.service_registries or []),
        "containerImages": [{"containerName": c.get("name"), "image": c.get("image")} for c in task_definition.container_definitions],
        "createdAt": now,
    }
    if service.network_configuration:
        revision["networkConfiguration"] = copy.deepcopy(service.network_configuration)
    lb = load_balancer_of(service)
    if lb and target_group:
        resolved = {"targetGroupArn": target_group}
        rule = (lb.get("advancedConfiguration") or {}).get("productionListenerRule")
        if rule:
            resolved["productionListenerRule"] = rule
        revision["resolvedConfiguration"] = {"loadBalancers": [resolved]}
    state["revisions"][revision["serviceRevisionArn"]] = revision
    return revision


def _new_rollout(service, revision: dict, target_group: str | None, sources: list) -> Rollout:
    deployment_id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    now = utcnow()
    rollout = Rollout(
        id=deployment_id,
        arn=_arn(service, "service-deployment", mock_random.get_random_string(length=21)),
        revision=revision,
        target_group=target_group,
        created=now,
        updated=now,
        source_revisions=sources,
    )
    _state(service)["rollouts"].append(rollout)
    return rollout


def _event(service, message: str) -> None:
    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"})


# --- tasks and targets -----------------------------------------------------------------------------------------------


@functools.cache
def _task_class():
    from moto.ecs.models import Task

    class ServiceTask(Task):
        """A task a service runs: RUNNING until the service stops it (moto's own tasks read STOPPED at once)."""

        def __init__(self, backend, service, task_definition, rollout: Rollout, subnet_id: str):
            cluster = backend._get_cluster(service.cluster_name)
            tags = []
            if service.propagate_tags == "SERVICE":
                tags = copy.deepcopy(service.tags)
            elif service.propagate_tags == "TASK_DEFINITION":
                tags = copy.deepcopy(task_definition.tags)
            # moto's awsvpc branch fails (its ENI has no private_dns_name): the ENI is attached here instead.
            definition = SimpleNamespace(arn=task_definition.arn, container_definitions=task_definition.container_definitions, network_mode=None)
            super().__init__(
                cluster,
                definition,
                None,
                None,
                backend,
                group=f"service:{service.name}",
                launch_type="FARGATE" if is_fargate(service) else service.launch_type or "",
                started_by=rollout.id,
                tags=tags,
                platform_version=service.platform_version if is_fargate(service) else None,
                capacity_provider_name=(service.capacity_provider_strategy or [{}])[0].get("capacityProvider"),
            )
            self.network_configuration = copy.deepcopy(service.network_configuration)
            self.service_name = service.name
            self.rollout_id = rollout.id
            self.images = [c.get("image") for c in task_definition.container_definitions]
            self.target_group_arn = None
            self.ip = _attach_eni(self, subnet_id, service.network_configuration["awsvpcConfiguration"].get("securityGroups", []))

        @property
        def status(self):
            return self._status

        @status.setter
        def status(self, value):
            self._status = value

        @property
        def healthy(self) -> bool:
            return all(image_healthy(image) for image in self.images)

    return ServiceTask


def _attach_eni(task, subnet_id: str, security_groups: list) -> str:
    """Give the task an ENI at the first free address of the subnet, as its ElasticNetworkInterface attachment."""
    ec2 = _ec2_backend(task._account_id, task.region_name)
    subnet = ec2.get_subnet(subnet_id)
    taken = {eni.private_ip_address for eni in ec2.enis.values() if getattr(eni.subnet, "id", None) == subnet_id}
    # AWS reserves the first four addresses and the last one of every subnet; hosts() leaves out the first and last.
    ip = next(str(host) for host in itertools.islice(ipaddress.ip_network(subnet.cidr_block).hosts(), 3, None) if str(host) not in taken)
    eni = ec2.create_network_interface(
        subnet=subnet_id, private_ip_address=ip, group_ids=security_groups, description=f"arn:aws:ecs:{task.region_name}:attachment"
    )
    eni.status = "in-use"
    eni.device_index = 0
    dns_suffix = "ec2.internal" if task.region_name == "us-east-1" else f"{task.region_name}.compute.internal"
    task.attachments = [
        {
            "id": str(mock_random.uuid4()),
            "type": "ElasticNetworkInterface",
            "status": "ATTACHED",
            "details": [
                {"name": "subnetId", "value": subnet_id},
                {"name": "networkInterfaceId", "value": eni.id},
                {"name": "macAddress", "value": eni.mac_address},
                {"name": "privateDnsName", "value": f"ip-{ip.replace('.', '-')}.{dns_suffix}"},
                {"name": "privateIPv4Address", "value": ip},
            ],
        }
    ]
    return ip


def service_tasks(backend, service, running: bool = True) -> list:
    return [
        task
        for task in backend.tasks.get(service.cluster_name, {}).values()
        if getattr(task, "service_name", None) == service.name and (not running or task.desired_status == "RUNNING")
    ]


def _start_tasks(backend, service, rollout: Rollout, count: int) -> list:
    task_definition = backend.describe_task_definition(rollout.task_definition)
    if count <= 0 or task_definition.network_mode != "awsvpc" or not service.network_configuration:
        return []
    subnets = service.network_configuration["awsvpcConfiguration"]["subnets"]
    lb = load_balancer_of(service)
    task_class = _task_class()
    started = []
    for _index in range(count):
        # Spread over the subnets (their zones): the one with the fewest of the service's running tasks, first listed first.
        placed = [task.attachments[0]["details"][0]["value"] for task in service_tasks(backend, service)]
        subnet_id = min(subnets, key=placed.count)
        task = task_class(backend, service, task_definition, rollout, subnet_id)
        backend.tasks.setdefault(service.cluster_name, {})[task.task_arn] = task
        if lb and rollout.target_group:
            target_group = _elbv2_backend(service._account_id, service.region_name).target_groups.get(rollout.target_group)
            if target_group is not None:
                target_group.register([{"Id": task.ip, "Port": lb.get("containerPort")}])
                task.target_group_arn = rollout.target_group
        started.append(task)
    return started


def _stop_tasks(service, tasks: list, reason: str) -> None:
    for task in tasks:
        if task.target_group_arn:
            target_group = _elbv2_backend(service._account_id, service.region_name).target_groups.get(task.target_group_arn)
            if target_group is not None and task.ip in target_group.targets:
                target_group.deregister([{"Id": task.ip}])
        ec2 = _ec2_backend(service._account_id, service.region_name)
        for detail in task.attachments[0]["details"] if task.attachments else []:
            if detail["name"] == "networkInterfaceId":
                ec2.enis.pop(detail["value"], None)
        task.status = "STOPPED"
        task.desired_status = "STOPPED"
        task.stopped_reason = reason


def task_behind(target_group, target_id: str):
    """The running service task registered as ``target_id`` in this target group, if any."""
    backend = _ecs_backend(target_group.account_id, target_group.region_name)
    for tasks in backend.tasks.values():
        for task in tasks.values():
            if getattr(task, "target_group_arn", None) == target_group.arn and task.ip == target_id and task.desired_status == "RUNNING":
                return task
    return None


def _shift_traffic(service, lb: dict, to_group: str) -> None:
    """Make the production listener rule forward to ``to_group`` with weight 100 and to the other target group with 0."""
    advanced = lb["advancedConfiguration"]
    groups = [lb["targetGroupArn"], advanced["alternateTargetGroupArn"]]
    elbv2 = _elbv2_backend(service._account_id, service.region_name)
    rule = elbv2.describe_rules(listener_arn=None, rule_arns=[advanced["productionListenerRule"]])[0]
    actions = []
    for action in rule.actions:
        data = copy.deepcopy(action.data)
        if data.get("Type") == "forward":
            forward = data.get("ForwardConfig") or {}
            listed = [item["TargetGroupArn"] for item in forward.get("TargetGroups", [])] or [data.get("TargetGroupArn")]
            order = [arn for arn in listed if arn in groups] + [arn for arn in groups if arn not in listed]
            forward["TargetGroups"] = [{"TargetGroupArn": arn, "Weight": 100 if arn == to_group else 0} for arn in order]
            data.pop("TargetGroupArn", None)
            data["ForwardConfig"] = forward
        actions.append(data)
    elbv2.modify_rule(rule.arn, [], actions)


# --- deployments -----------------------------------------------------------------------------------------------------


def deploy(backend, service, first: bool = False) -> None:
    """Run one deployment of the service's current configuration to its end state (see the module docstring)."""
    if service.deployment_controller.get("type", "ECS") != "ECS" or not service.task_definition:
        return
    state = _state(service)
    lb = load_balancer_of(service)
    config = service.deployment_configuration or {}
    breaker = config.get("deploymentCircuitBreaker") or {}
    blue_green = config.get("strategy") == "BLUE_GREEN" and lb is not None and bool(lb.get("advancedConfiguration"))
    groups = [lb["targetGroupArn"], (lb.get("advancedConfiguration") or {}).get("alternateTargetGroupArn")] if lb else []
    if lb and (not blue_green or state["live"] not in [group for group in groups if group]):
        state["live"] = lb["targetGroupArn"]
    live = state["live"] if lb else None
    target_group = live
    if blue_green and not first:
        advanced = lb["advancedConfiguration"]
        target_group = advanced["alternateTargetGroupArn"] if live == lb["targetGroupArn"] else lb["targetGroupArn"]

    for rollout in state["rollouts"]:
        if rollout.status == "INACTIVE":
            rollout.visible = False
    previous: Rollout | None = state["completed"]
    old_tasks = service_tasks(backend, service)
    task_definition = backend.describe_task_definition(service.task_definition)
    sources = [
        {"arn": r.revision["serviceRevisionArn"], "requestedTaskCount": r.revision.get("requested", 0)} for r in state["rollouts"] if r.status != "INACTIVE"
    ]
    revision = _new_revision(service, task_definition, target_group)
    rollout = _new_rollout(service, revision, target_group, sources)
    revision["requested"] = service.desired_count
    for other in state["rollouts"][:-1]:
        if other.status == "PRIMARY":
            other.status = "ACTIVE"
    new_tasks = _start_tasks(backend, service, rollout, service.desired_count)
    now = utcnow()
    if new_tasks:
        _event(service, f"has started {len(new_tasks)} tasks: {' '.join(f'(task {t.id})' for t in new_tasks)}.")

    if all(task.healthy for task in new_tasks):
        if blue_green and not first and target_group != live:
            _shift_traffic(service, lb, target_group)
            state["live"] = target_group
        _stop_tasks(service, old_tasks, f"Scaling activity initiated by (deployment {rollout.id})")
        for other in state["rollouts"][:-1]:
            _retire(other, now)
        rollout.rollout_state, rollout.rollout_state_reason = "COMPLETED", f"ECS deployment {rollout.id} completed."
        rollout.deployment_status, rollout.finished = "SUCCESSFUL", now
        state["completed"] = rollout
        _event(service, f"(deployment {rollout.id}) deployment completed.")
        _event(service, "has reached a steady state.")
    elif breaker.get("enable") and breaker.get("rollback") and previous is not None:
        _stop_tasks(service, new_tasks, f"Task failed ELB health checks in (target-group {target_group})")
        rollout.failed_tasks = len(new_tasks)
        rollout.rollout_state, rollout.rollout_state_reason = "FAILED", CIRCUIT_BREAKER_FAILED
        rollout.deployment_status = "ROLLBACK_SUCCESSFUL"
        rollout.status_reason = "Service deployment rolled back because the circuit breaker threshold was exceeded."
        rollout.rollback = {
            "reason": "Service deployment rolled back because the circuit breaker threshold was exceeded.",
            "startedAt": now,
            "serviceRevisionArn": previous.revision["serviceRevisionArn"],
        }
        rollout.finished = now
        _event(service, f"(deployment {rollout.id}) deployment failed: tasks failed to start.")
        _event(service, f"rolling back to deployment {previous.id}.")
        restored = _new_rollout(service, previous.revision, previous.target_group, [])
        restored.listed = False
        for other in state["rollouts"]:
            if other is not restored:
                _retire(other, now)
        rollout.visible = True
        for task in service_tasks(backend, service):
            if task.task_definition_arn == previous.task_definition:
                task.rollout_id = restored.id
            else:
                _stop_tasks(service, [task], f"Scaling activity initiated by (deployment {restored.id})")
        restored.rollout_state = "COMPLETED"
        restored.rollout_state_reason = f"ECS deployment circuit breaker: rolling back to deploymentId {previous.id}."
        restored.deployment_status, restored.finished = "SUCCESSFUL", now
        service.task_definition = previous.task_definition
        state["completed"] = restored
        reconcile(backend, service)
        _event(service, "has reached a steady state.")
    elif breaker.get("enable"):
        rollout.failed_tasks = len(new_tasks)
        rollout.rollout_state, rollout.rollout_state_reason = "FAILED", CIRCUIT_BREAKER_FAILED
        rollout.deployment_status, rollout.stopped = "STOPPED", now
        rollout.status_reason = "Service deployment stopped because the circuit breaker threshold was exceeded."
        _event(service, f"(deployment {rollout.id}) deployment failed: tasks failed to start.")
    else:
        rollout.rollout_state_reason = f"ECS deployment {rollout.id} in progress."
        _event(service, f"(deployment {rollout.id}) deployment in progress: tasks are failing ELB health checks.")
    render(backend, service)


def _retire(rollout: Rollout, now: datetime) -> None:
    if rollout.status != "INACTIVE":
        rollout.status, rollout.visible, rollout.updated = "INACTIVE", False, now
    if rollout.deployment_status == "IN_PROGRESS":
        rollout.deployment_status, rollout.stopped = "STOPPED", now


def primary(service) -> Rollout | None:
    return next((r for r in reversed(_state(service)["rollouts"]) if r.status == "PRIMARY"), None)


def reconcile(backend, service) -> None:
    """Scale the PRIMARY deployment's tasks to the desired count: start tasks in its target group, or stop the newest."""
    rollout = primary(service)
    if rollout is None:
        return
    mine = [task for task in service_tasks(backend, service) if task.rollout_id == rollout.id]
    if len(mine) < service.desired_count:
        _start_tasks(backend, service, rollout, service.desired_count - len(mine))
    elif len(mine) > service.desired_count:
        _stop_tasks(service, mine[service.desired_count :], "Scaling activity initiated by (service)")
    rollout.revision["requested"] = service.desired_count
    rollout.updated = utcnow()


def render(backend, service) -> None:
    """Set what DescribeServices returns from the deployments and tasks."""
    state = _state(service)
    running = service_tasks(backend, service)
    deployments = []
    summaries = []
    for rollout in reversed(state["rollouts"]):
        if not rollout.visible:
            continue
        count = sum(1 for task in running if task.rollout_id == rollout.id)
        deployment = {
            "id": rollout.id,
            "status": rollout.status,
            "taskDefinition": rollout.task_definition,
            "desiredCount": service.desired_count if rollout.status == "PRIMARY" else count,
            "pendingCount": 0,
            "runningCount": count,
            "failedTasks": rollout.failed_tasks,
            "createdAt": rollout.created,
            "updatedAt": rollout.updated,
            **{
                key: rollout.revision[key] for key in ("capacityProviderStrategy", "launchType", "platformVersion", "platformFamily") if key in rollout.revision
            },
            "rolloutState": rollout.rollout_state,
            "rolloutStateReason": rollout.rollout_state_reason,
        }
        if "networkConfiguration" in rollout.revision:
            deployment["networkConfiguration"] = rollout.revision["networkConfiguration"]
        deployments.append(deployment)
        if rollout.status != "INACTIVE":
            summaries.append(
                {
                    "arn": rollout.revision["serviceRevisionArn"],
                    "requestedTaskCount": deployment["desiredCount"],
                    "runningTaskCount": count,
                    "pendingTaskCount": 0,
                }
            )
    service.deployments = deployments
    service.current_service_revisions = summaries
    listed = [r for r in state["rollouts"] if r.listed]
    service.current_service_deployment = listed[-1].arn if listed else None
    service.running_count = len(running)
    service.pending_count = 0
    if is_fargate(service):
        service.platform_family = "Linux"
    cluster = backend.clusters.get(service.cluster_name)
    if cluster is not None:
        cluster.running_tasks_count = sum(1 for task in backend.tasks.get(cluster.name, {}).values() if task.desired_status == "RUNNING")
        cluster.pending_tasks_count = 0
        cluster.active_services_count = sum(1 for s in backend.services.values() if s.cluster_name == cluster.name and s.status == "ACTIVE")


def _service_deployment(service, rollout: Rollout) -> dict:
    breaker = (service.deployment_configuration or {}).get("deploymentCircuitBreaker") or {}
    body = {
        "serviceDeploymentArn": rollout.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": rollout.created,
        "startedAt": rollout.created,
        "updatedAt": rollout.updated,
        "sourceServiceRevisions": rollout.source_revisions,
        "targetServiceRevision": {"arn": rollout.revision["serviceRevisionArn"], "requestedTaskCount": rollout.revision.get("requested", 0)},
        "status": rollout.deployment_status,
        "deploymentConfiguration": service.deployment_configuration,
        "deploymentCircuitBreaker": {
            "status": ("TRIGGERED" if rollout.rollout_state == "FAILED" else "MONITORING_COMPLETE") if breaker.get("enable") else "DISABLED",
            "failureCount": rollout.failed_tasks,
            "threshold": 10,
        },
    }
    for key, value in (
        ("statusReason", rollout.status_reason),
        ("finishedAt", rollout.finished),
        ("stoppedAt", rollout.stopped),
        ("rollback", rollout.rollback),
    ):
        if value is not None:
            body[key] = value
    return body


def _services_of(backend):
    return [service for service in backend.services.values() if "_emulator" in service.__dict__]


def _service_by_resource_arn(backend, arn: str):
    """The service a service-deployment or service-revision ARN belongs to (…:kind/cluster/service/id)."""
    parts = arn.split(":", 5)[-1].split("/")
    if len(parts) != 4:
        return None
    return next((s for s in _services_of(backend) if s.cluster_name == parts[1] and s.name == parts[2]), None)


# --- patches ---------------------------------------------------------------------------------------------------------


def ecs_cluster_settings_and_configuration() -> None:
    """UpdateClusterSettings exists; DescribeClusters returns settings and configuration only when ``include`` asks.

    AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateClusterSettings.html): replaces the given
    settings (containerInsights: enhanced, enabled, disabled) and returns the cluster. DescribeClusters
    (.../API_DescribeClusters.html): "If SETTINGS is specified, the settings for the cluster are included", likewise
    CONFIGURATIONS for ``configuration`` (executeCommandConfiguration with kmsKeyId, logging, logConfiguration) and
    TAGS; without them those fields are left out. CreateCluster, UpdateCluster and PutClusterCapacityProviders return
    the whole cluster.
    moto: answers UpdateClusterSettings with HTTP 500 (NotImplementedError); DescribeClusters returns settings and
    configuration whatever ``include`` says (it handles TAGS only).
    """
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    from moto.core.responses import ActionResult

    original_describe = EC2ContainerServiceResponse.describe_clusters

    def update_cluster_settings(self, cluster_name: str, settings: list) -> object:
        cluster = self._get_cluster(cluster_name)
        given = {setting["name"]: setting["value"] for setting in settings}
        kept = [setting for setting in cluster.settings or [] if setting["name"] not in given]
        cluster.settings = kept + [{"name": name, "value": value} for name, value in given.items()]
        return cluster

    def update_cluster_settings_response(self):
        cluster = self.ecs_backend.update_cluster_settings(self._get_param("cluster"), self._get_param("settings", []))
        return ActionResult({"cluster": cluster})

    @functools.wraps(original_describe)
    def describe_clusters(self):
        include = self._get_param("include", [])
        for name, field_name in (("SETTINGS", "settings"), ("CONFIGURATIONS", "configuration")):
            path = f"DescribeClustersResponse.clusters.Cluster.{field_name}"
            if name in include:
                self._include_in_response(path)
            else:
                self._exclude_from_response(path)
        return original_describe(self)

    EC2ContainerServiceBackend.update_cluster_settings = update_cluster_settings
    EC2ContainerServiceResponse.update_cluster_settings = update_cluster_settings_response
    EC2ContainerServiceResponse.describe_clusters = describe_clusters


def ecs_service_configuration() -> None:
    """A service keeps and returns all of its configuration; a second CreateService of an active service fails.

    AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html, .../API_Service.html):
    the service returns deploymentConfiguration whole (strategy, bakeTimeInMinutes, deploymentCircuitBreaker, alarms,
    maximumPercent 200 and minimumHealthyPercent 100 by default, the circuit breaker off), healthCheckGracePeriodSeconds
    (0 by default), enableExecuteCommand and enableECSManagedTags (false), capacityProviderStrategy, placement
    constraints and strategy, networkConfiguration, loadBalancers with advancedConfiguration, propagateTags,
    deploymentController, platformVersion (LATEST on Fargate), platformFamily, createdAt, tags, and the service-linked
    role as roleArn for a service behind a load balancer. A service with a capacity provider strategy, given or the
    cluster's default one, has no launchType. taskDefinition is always the full ARN. CreateService of a name that is
    ACTIVE in the cluster fails with InvalidParameterException "Creation of service was not idempotent."
    moto: drops every one of those CreateService fields but networkConfiguration, loadBalancers, propagateTags,
    deploymentController, platformVersion and tags; gives every service launchType EC2; stores UpdateService's
    taskDefinition as given (family:revision) and replaces an existing service on CreateService.
    """
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    from moto.ecs.models import Service

    original_response = EC2ContainerServiceResponse.create_service
    original_update = EC2ContainerServiceBackend.update_service
    # Defaults for services made otherwise (CloudFormation): what moto does not set, AWS does not return.
    for key in KEPT_CREATE_PARAMETERS + ("deploymentConfiguration", "createdAt", "platformFamily", "currentServiceDeployment", "currentServiceRevisions"):
        setattr(Service, camelcase_to_underscores(key), None)

    @functools.wraps(original_response)
    def create_service_response(self):
        backend = self.ecs_backend
        params = self._get_params()
        cluster = backend._get_cluster(params.get("cluster", "default"))
        existing = backend.services.get(f"{cluster.name}:{params.get('serviceName')}")
        if existing is not None and existing.status == "ACTIVE":
            raise InvalidParameterException("Creation of service was not idempotent.")
        result = original_response(self)
        service = result.result["service"]
        for key in KEPT_CREATE_PARAMETERS:
            value = params.get(key, copy.deepcopy(CREATE_DEFAULTS.get(key)))
            if value is not None:
                setattr(service, camelcase_to_underscores(key), value)
        service.deployment_configuration = deployment_configuration(params.get("deploymentConfiguration"))
        service.created_at = utcnow()
        if not params.get("launchType") and not service.capacity_provider_strategy and cluster.default_capacity_provider_strategy:
            service.capacity_provider_strategy = copy.deepcopy(cluster.default_capacity_provider_strategy)
        if service.capacity_provider_strategy:
            service.launch_type = None
        if is_fargate(service) and not service.platform_version:
            service.platform_version = "LATEST"
        if load_balancer_of(service) and not service.role_arn:
            service.role_arn = SERVICE_LINKED_ROLE.format(account=backend.account_id)
        deploy(backend, service, first=True)
        return result

    @functools.wraps(original_update)
    def update_service(self, service_properties):
        cluster = self._get_cluster(service_properties.get("cluster", "default"))
        service = self._get_service(cluster.name, service_properties["service"].split("/")[-1])
        before = {name: copy.deepcopy(getattr(service, name, None)) for name in DEPLOYING_ATTRIBUTES + ("task_definition",)}
        force = bool(service_properties.get("force_new_deployment"))
        if service_properties.get("task_definition"):
            service_properties["task_definition"] = self.describe_task_definition(service_properties["task_definition"]).arn
        if service_properties.get("deployment_configuration") is not None:
            service_properties["deployment_configuration"] = deployment_configuration(service_properties["deployment_configuration"])
        service = original_update(self, service_properties)
        if service.capacity_provider_strategy:
            service.launch_type = None
        if is_fargate(service) and not service.platform_version:
            service.platform_version = "LATEST"
        if force or any(getattr(service, name, None) != value for name, value in before.items()):
            deploy(self, service)
        else:
            reconcile(self, service)
            render(self, service)
        return service

    EC2ContainerServiceResponse.create_service = create_service_response
    EC2ContainerServiceBackend.update_service = update_service


def ecs_service_tasks_and_deployments() -> None:
    """A service runs its tasks, in its target group, and deploys as ECS does: blue/green, rolling, circuit breaker.

    AWS (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html,
    .../deployment-type-blue-green.html, .../blue-green-deployment-how-it-works.html, .../deployment-circuit-breaker.html,
    .../service-deployment.html): a service keeps desiredCount tasks RUNNING (group service:NAME, startedBy the
    deployment id), each task's ENI address registered in the service's target group on containerPort; ListTasks'
    serviceName filter lists them, its default desiredStatus is RUNNING. A deployment ends COMPLETED, FAILED (circuit
    breaker) or rolls back; BLUE_GREEN shifts the production listener rule; DeleteService stops the tasks.
    ListServiceDeployments, DescribeServiceDeployments and DescribeServiceRevisions show the deployments and revisions.
    The module docstring says how the emulator runs this, synchronously.
    moto: runs no task for a service, registers no target, shows every deployment IN_PROGRESS for ever, ignores
    ListTasks' serviceName, and answers the three service-deployment operations with HTTP 500.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    original_list_tasks = EC2ContainerServiceBackend.list_tasks
    original_delete = EC2ContainerServiceBackend.delete_service

    @functools.wraps(original_list_tasks)
    def list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None, service_name=None, desiredStatus=None):  # noqa: N803
        tasks = original_list_tasks(self, cluster_str, container_instance, family, started_by, None, desiredStatus or "RUNNING")
        if service_name:
            self._get_service(cluster_str or "default", service_name.split("/")[-1])
            tasks = [task for task in tasks if task.group == f"service:{service_name.split('/')[-1]}"]
        return tasks

    @functools.wraps(original_delete)
    def delete_service(self, cluster_name, service_name, force):
        service = original_delete(self, cluster_name, service_name, force)
        _stop_tasks(service, service_tasks(self, service), "Service deleted")
        if "_emulator" in service.__dict__:
            render(self, service)
        return service

    def list_service_deployments_response(self):
        backend = self.ecs_backend
        service_name = self._get_param("service").split("/")[-1]
        service = backend._get_service(self._get_param("cluster", "default"), service_name)
        statuses = self._get_param("status") or []
        created = self._get_param("createdAt") or {}
        briefs = []
        for rollout in reversed(_state(service)["rollouts"]):
            if not rollout.listed or (statuses and rollout.deployment_status not in statuses):
                continue
            if (created.get("after") and rollout.created < _time(created["after"])) or (created.get("before") and rollout.created > _time(created["before"])):
                continue
            brief = {
                "serviceDeploymentArn": rollout.arn,
                "serviceArn": service.arn,
                "clusterArn": service.cluster_arn,
                "startedAt": rollout.created,
                "createdAt": rollout.created,
                "targetServiceRevisionArn": rollout.revision["serviceRevisionArn"],
                "status": rollout.deployment_status,
            }
            if rollout.finished:
                brief["finishedAt"] = rollout.finished
            if rollout.status_reason:
                brief["statusReason"] = rollout.status_reason
            briefs.append(brief)
        start = int(self._get_param("nextToken") or 0)
        size = self._get_param("maxResults") or 20
        page = briefs[start : start + size]
        result = {"serviceDeployments": page}
        if start + size < len(briefs):
            result["nextToken"] = str(start + size)
        return ActionResult(result)

    def describe_service_deployments_response(self):
        backend = self.ecs_backend
        found, failures = [], []
        for arn in self._get_param("serviceDeploymentArns", []):
            service = _service_by_resource_arn(backend, arn)
            rollout = next((r for r in _state(service)["rollouts"] if r.arn == arn and r.listed), None) if service else None
            if rollout is None:
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                found.append(_service_deployment(service, rollout))
        return ActionResult({"serviceDeployments": found, "failures": failures})

    def describe_service_revisions_response(self):
        backend = self.ecs_backend
        found, failures = [], []
        for arn in self._get_param("serviceRevisionArns", []):
            service = _service_by_resource_arn(backend, arn)
            revision = _state(service)["revisions"].get(arn) if service else None
            if revision is None:
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                found.append({key: value for key, value in revision.items() if key != "requested"})
        return ActionResult({"serviceRevisions": found, "failures": failures})

    EC2ContainerServiceBackend.list_tasks = list_tasks
    EC2ContainerServiceBackend.delete_service = delete_service
    EC2ContainerServiceResponse.list_service_deployments = list_service_deployments_response
    EC2ContainerServiceResponse.describe_service_deployments = describe_service_deployments_response
    EC2ContainerServiceResponse.describe_service_revisions = describe_service_revisions_response


def _time(value) -> datetime:
    """A request timestamp as moto keeps times: naive UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromtimestamp(float(value), tz=timezone.utc)
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def elbv2_app_health_oracle() -> None:
    """A target that is a service task of an image marked failing reports ``unhealthy``; /moto-api/reset clears the marks.

    AWS (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html): the load
    balancer probes each registered target's health check path; a target answering with a code outside the matcher is
    ``unhealthy`` with reason Target.ResponseCodeMismatch ("Health checks failed with these codes: [...]").
    moto: reports every registered target ``healthy``. Here the application-health oracle (module docstring; marks set
    through /_stories/app-health) answers for the probe.
    """
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
    from moto.moto_api._internal.models import MotoAPIBackend

    original_health_for = FakeTargetGroup.health_for
    original_reset = MotoAPIBackend.reset

    @functools.wraps(original_health_for)
    def health_for(self, target, ec2_backend):
        health = original_health_for(self, target, ec2_backend)
        if health.status == "healthy":
            task = task_behind(self, target["Id"])
            if task is not None and not task.healthy:
                return FakeHealthStatus(
                    health.instance_id, health.port, self.health_check_port, "unhealthy", "Target.ResponseCodeMismatch", UNHEALTHY_DESCRIPTION
                )
        return health

    @functools.wraps(original_reset)
    def reset(self):
        clear_app_health()
        original_reset(self)

    FakeTargetGroup.health_for = health_for
    MotoAPIBackend.reset = reset


def wafv2_list_resources_for_web_acl() -> None:
    """ListResourcesForWebACL exists, answered from AssociateWebACL; a resource is associated with one web ACL at most.

    AWS (https://docs.aws.amazon.com/waf/latest/APIReference/API_ListResourcesForWebACL.html): returns ResourceArns,
    the resources of ResourceType (APPLICATION_LOAD_BALANCER when not given) associated with the web ACL;
    WAFNonexistentItemException for an unknown web ACL. AssociateWebACL (.../API_AssociateWebACL.html) associates a
    resource with one web ACL: associating it again replaces its association.
    moto: answers ListResourcesForWebACL with HTTP 500, so community.aws.wafv2_resources fails; keeps a resource in the
    list of every web ACL it was ever associated with, once per call.
    """
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.models import WAFV2Backend
    from moto.wafv2.responses import WAFV2Response

    original_associate = WAFV2Backend.associate_web_acl

    @functools.wraps(original_associate)
    def associate_web_acl(self, web_acl_arn, resource_arn):
        if web_acl_arn not in self.wacls:
            raise WAFNonexistentItemException
        for web_acl in self.wacls.values():
            while resource_arn in web_acl.associated_resources:
                web_acl.associated_resources.remove(resource_arn)
        original_associate(self, web_acl_arn, resource_arn)

    def list_resources_for_web_acl(self, web_acl_arn, resource_type=None):
        web_acl = self.wacls.get(web_acl_arn)
        if web_acl is None:
            raise WAFNonexistentItemException
        fragment = WAF_RESOURCE_TYPES.get(resource_type or "APPLICATION_LOAD_BALANCER", "")
        return [arn for arn in web_acl.associated_resources if fragment in arn]

    def list_resources_for_web_acl_response(self):
        body = json.loads(self.body)
        arns = self.wafv2_backend.list_resources_for_web_acl(body["WebACLArn"], body.get("ResourceType"))
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    WAFV2Backend.associate_web_acl = associate_web_acl
    WAFV2Backend.list_resources_for_web_acl = list_resources_for_web_acl
    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl_response
