# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_task_definition driven through main() against a real botocore ECS client with a Stubber: every request is
validated against the ECS service model, and any call not queued fails (so a test that expects no write fails
on any write)."""

import copy
import datetime

import boto3
import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.modules import ecs_task_definition as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

FAMILY = "stories1001-production-app"
ACCOUNT = "123456789012"
CLUSTER = "stories1001-production"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/stories1001-app:2024.06.1"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/stories1001-production-app-execution"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/stories1001-production-app-task"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:stories1001-production/app/database-url"
DESCRIBE = {"taskDefinition": FAMILY, "include": ["TAGS"]}
LIST_ACTIVE = {"familyPrefix": FAMILY, "status": "ACTIVE", "sort": "DESC"}


def arn(revision, family=FAMILY):
    return f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:{revision}"


def app_container(**changes):
    """The app container as a playbook gives it (camelCase, only what matters)."""
    container = {
        "name": "app",
        "image": IMAGE,
        "portMappings": [{"containerPort": 3000}],
        "environment": [{"name": "NODE_ENV", "value": "production"}, {"name": "LOG_LEVEL", "value": "info"}],
        "secrets": [{"name": "DATABASE_URL", "valueFrom": SECRET}],
        "dockerLabels": {"com.stories1001.Component": "app"},
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/stories1001/production/app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"},
        },
        "healthCheck": {"command": ["CMD-SHELL", "wget -qO- http://localhost:3000/health || exit 1"]},
    }
    container.update(changes)
    return container


def options(**changes):
    args = dict(
        family=FAMILY,
        containers=[app_container()],
        cpu="1024",
        memory="2048",
        execution_role_arn=EXECUTION_ROLE,
        task_role_arn=TASK_ROLE,
        runtime_platform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        ephemeral_storage_gib=30,
    )
    args.update(changes)
    return args


def request(**changes):
    """The RegisterTaskDefinition arguments for options() (without changes: exactly what the module must send)."""
    sent = dict(
        family=FAMILY,
        containerDefinitions=[app_container()],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        executionRoleArn=EXECUTION_ROLE,
        taskRoleArn=TASK_ROLE,
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        cpu="1024",
        memory="2048",
        ephemeralStorage={"sizeInGiB": 30},
    )
    sent.update(changes)
    return sent


def as_aws_reports(container):
    """A container definition as DescribeTaskDefinition reports it: with what ECS adds, in another order."""
    reported = copy.deepcopy(container)
    reported.setdefault("cpu", 0)
    reported.setdefault("essential", True)
    reported.setdefault("mountPoints", [])
    reported.setdefault("volumesFrom", [])
    reported.setdefault("systemControls", [])
    reported.setdefault("environment", [])
    reported.setdefault("portMappings", [])
    reported["environment"] = list(reversed(reported["environment"]))
    reported["portMappings"] = [dict(item, hostPort=item["containerPort"], protocol="tcp") for item in reported["portMappings"]]
    if "logConfiguration" in reported:
        reported["logConfiguration"].setdefault("secretOptions", [])
    if "healthCheck" in reported:
        reported["healthCheck"] = dict({"interval": 30, "timeout": 5, "retries": 3}, **reported["healthCheck"])
    return reported


def aws_definition(revision, sent=None, status="ACTIVE"):
    """A revision as DescribeTaskDefinition / RegisterTaskDefinition report it, for the request sent."""
    sent = copy.deepcopy(sent or request())
    sent.pop("tags", None)
    definition = dict(
        sent,
        taskDefinitionArn=arn(revision),
        revision=revision,
        status=status,
        containerDefinitions=[as_aws_reports(item) for item in sent["containerDefinitions"]],
        volumes=sent.get("volumes", []),
        placementConstraints=[],
        compatibilities=["EC2", "FARGATE"],
        requiresAttributes=[
            {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
            {"name": "ecs.capability.secrets.asm.environment-variables"},
            {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.24"},
            {"name": "ecs.capability.task-eni"},
        ],
        registeredAt=datetime.datetime(2024, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc),
        registeredBy=f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ansible",
        enableFaultInjection=False,
    )
    return definition


def aws_tags(tags):
    return [{"key": key, "value": value} for key, value in tags.items()]


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


stubber = stubber_fixture("ecs")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run main() with the options; returns its JSON result with the operations sent in result["_sent"]."""
    stubbed = StubbedModule(module_under_test.main, "ecs", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        result = stubbed.run(aws_args(**args), check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = list(stubbed.clients)
        return result

    return _run


def expect_missing(stub):
    stub.add_client_error("describe_task_definition", "ClientException", "Unable to describe task definition.", 400, expected_params=DESCRIBE)


def expect_latest(stub, definition, tags=None):
    stub.add_response("describe_task_definition", {"taskDefinition": definition, "tags": aws_tags(tags or {})}, DESCRIBE)


def expect_register(stub, sent, revision, tags=None):
    answer = {"taskDefinition": aws_definition(revision, sent)}
    if tags:
        answer["tags"] = aws_tags(tags)
    stub.add_response("register_task_definition", answer, sent)


def expect_list_active(stub, revisions, pages=1):
    """ListTaskDefinitions (ACTIVE, newest first) answering the revisions, in pages."""
    arns = [arn(revision) for revision in sorted(revisions, reverse=True)]
    size = -(-len(arns) // pages) if arns else 1
    for page in range(pages):
        answer = {"taskDefinitionArns": arns[page * size:(page + 1) * size]}
        if page < pages - 1:
            answer["nextToken"] = f"page-{page + 1}"
        stub.add_response("list_task_definitions", answer, dict(LIST_ACTIVE, nextToken=f"page-{page}") if page else LIST_ACTIVE)


def expect_deregister(stub, revision):
    stub.add_response(
        "deregister_task_definition", {"taskDefinition": aws_definition(revision, status="INACTIVE")}, {"taskDefinition": f"{FAMILY}:{revision}"}
    )


def expect_services(stub, services):
    """ListServices and DescribeServices of CLUSTER; services: {name: (service revision, [deployment revisions], [task set revisions])}."""
    names = [f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{CLUSTER}/{name}" for name in services]
    stub.add_response("list_services", {"serviceArns": names}, {"cluster": CLUSTER})
    described = []
    for name, (revision, deployments, task_sets) in services.items():
        service = {"serviceName": name, "taskDefinition": arn(revision)}
        service["deployments"] = [{"id": f"ecs-svc/{index}", "taskDefinition": arn(item)} for index, item in enumerate(deployments)]
        service["taskSets"] = [{"id": f"ecs-svc/ts{index}", "taskDefinition": arn(item)} for index, item in enumerate(task_sets)]
        described.append(service)
    stub.add_response("describe_services", {"services": described, "failures": []}, {"cluster": CLUSTER, "services": names})


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("1024", "1024"), ("1 vCPU", "1024"), ("0.25 vcpu", "256"), ("2vCPU", "2048"), (" 512 ", "512"), (None, None)],
)
def test_cpu_units(value, expected):
    assert module_under_test.cpu_units(value) == expected


@pytest.mark.parametrize("value, expected", [("2048", "2048"), ("2 GB", "2048"), ("0.5GB", "512"), ("3 gb", "3072"), (None, None)])
def test_memory_mib(value, expected):
    assert module_under_test.memory_mib(value) == expected


def test_coerce_follows_the_api_model():
    service_model = boto3.client("ecs", region_name="us-east-1").meta.service_model
    shape = service_model.shape_for("ContainerDefinition")
    coerced = module_under_test.coerce(
        {
            "name": "app",
            "portMappings": [{"containerPort": "3000"}],
            "environment": [{"name": "PORT", "value": 3000}, {"name": "DEBUG", "value": False}],
            "essential": "yes",
            "dockerLabels": {"weight": 1.5},
            "unknownKey": "5",
        },
        shape,
    )
    assert coerced == {
        "name": "app",
        "portMappings": [{"containerPort": 3000}],
        "environment": [{"name": "PORT", "value": "3000"}, {"name": "DEBUG", "value": "false"}],
        "essential": True,
        "dockerLabels": {"weight": "1.5"},
        "unknownKey": "5",
    }


def test_normalize_sets_aside_what_ecs_adds():
    assert module_under_test.normalize(aws_definition(7)) == module_under_test.normalize(request())
    assert module_under_test.normalize(aws_definition(7))["containerDefinitions"][0]["environment"] == [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "NODE_ENV", "value": "production"},
    ]


@pytest.mark.parametrize(
    "active, keep, protected, expected",
    [
        ([5, 4, 3, 2, 1], 2, set(), [3, 2, 1]),
        ([5, 4, 3, 2, 1], 2, {2}, [3, 1]),
        ([5, 4, 3], 5, set(), []),
        ([5, 4, 3], 0, set(), [4, 3]),
        ([1], 1, set(), []),
    ],
)
def test_revisions_to_prune_never_the_newest(active, keep, protected, expected):
    assert module_under_test.revisions_to_prune(active, keep, protected) == expected


# --- first registration -----------------------------------------------------------------------------


def test_first_registration(stubber, run):
    expect_missing(stubber)
    tags = {"Project": "stories1001", "Component": "app"}
    expect_register(stubber, request(tags=aws_tags(tags)), 1, tags)

    result = run(options(tags=tags))

    assert result["changed"] is True
    assert result["revision"] == 1
    assert result["arn"] == arn(1)
    assert result["family_revision"] == f"{FAMILY}:1"
    definition = result["task_definition"]
    assert definition["task_definition_arn"] == arn(1)
    assert definition["cpu"] == "1024"
    assert definition["execution_role_arn"] == EXECUTION_ROLE
    assert definition["ephemeral_storage"] == {"size_in_gi_b": 30}
    assert definition["tags"] == tags
    container = definition["container_definitions"][0]
    assert container["port_mappings"] == [{"container_port": 3000, "host_port": 3000, "protocol": "tcp"}]
    # User-keyed maps keep their keys; values (environment names) are never touched.
    assert container["docker_labels"] == {"com.stories1001.Component": "app"}
    assert container["log_configuration"]["options"]["awslogs-stream-prefix"] == "app"
    assert {item["name"] for item in container["environment"]} == {"NODE_ENV", "LOG_LEVEL"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["cpu"] == "1024"
    assert result["diff"]["after"]["tags"] == tags
    assert result["deregistered_revisions"] == []
    assert result["_sent"] == ["describe_task_definition", "register_task_definition"]


def test_vcpu_and_gb_sizes_are_sent_as_units(stubber, run):
    expect_missing(stubber)
    expect_register(stubber, request(cpu="512", memory="1024"), 1)

    result = run(options(cpu="0.5 vCPU", memory="1 GB"))

    assert result["changed"] is True
    assert result["task_definition"]["memory"] == "1024"


def test_values_are_coerced_to_the_api_types(stubber, run):
    container = app_container(portMappings=[{"containerPort": "3000"}], environment=[{"name": "PORT", "value": 3000}])
    expect_missing(stubber)
    expect_register(
        stubber, request(containerDefinitions=[app_container(portMappings=[{"containerPort": 3000}], environment=[{"name": "PORT", "value": "3000"}])]), 1
    )

    result = run(options(containers=[container]))

    assert result["changed"] is True


# --- re-runs ----------------------------------------------------------------------------------------


def test_identical_rerun_makes_no_write(stubber, run):
    tags = {"Project": "stories1001"}
    expect_latest(stubber, aws_definition(7), tags)

    result = run(options(tags=tags))

    assert result["changed"] is False
    assert result["revision"] == 7
    assert result["family_revision"] == f"{FAMILY}:7"
    assert result["task_definition"]["tags"] == tags
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["_sent"] == ["describe_task_definition"]


def test_defaults_written_out_by_the_user_match_too(stubber, run):
    """A playbook may spell out what ECS adds (essential, cpu 0, tcp, hostPort, empty lists, health check defaults)."""
    expect_latest(stubber, aws_definition(7))
    explicit = app_container(
        essential=True,
        cpu=0,
        portMappings=[{"containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}],
        mountPoints=[],
        volumesFrom=[],
        systemControls=[],
        healthCheck=dict(app_container()["healthCheck"], interval=30, timeout=5, retries=3),
    )

    result = run(options(containers=[explicit], requires_compatibilities=["FARGATE"], network_mode="awsvpc"))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_task_definition"]


def test_environment_order_is_no_change(stubber, run):
    expect_latest(stubber, aws_definition(7))
    container = app_container()
    container["environment"] = list(reversed(container["environment"]))
    container["secrets"] = list(reversed(container["secrets"]))

    result = run(options(containers=[container]))

    assert result["changed"] is False


def test_sizes_given_in_vcpu_match_units(stubber, run):
    expect_latest(stubber, aws_definition(7))

    result = run(options(cpu="1 vCPU", memory="2 GB"))

    assert result["changed"] is False


CHANGES = {
    "cpu": (dict(cpu="2048"), dict(cpu="2048")),
    "memory": (dict(memory="4096"), dict(memory="4096")),
    "execution role": (dict(execution_role_arn=TASK_ROLE), dict(executionRoleArn=TASK_ROLE)),
    "task role": (dict(task_role_arn=EXECUTION_ROLE), dict(taskRoleArn=EXECUTION_ROLE)),
    "runtime platform": (
        dict(runtime_platform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}),
        dict(runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}),
    ),
    "ephemeral storage": (dict(ephemeral_storage_gib=40), dict(ephemeralStorage={"sizeInGiB": 40})),
    "image": (dict(containers=[app_container(image=IMAGE.replace("2024.06.1", "2024.06.2"))]),) * 2,
    "environment value": (
        dict(containers=[app_container(environment=[{"name": "NODE_ENV", "value": "staging"}, {"name": "LOG_LEVEL", "value": "info"}])]),
    ) * 2,
    "log option": (
        dict(containers=[app_container(logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/other"}})]),
    ) * 2,
    "a container essential false": (dict(containers=[app_container(essential=False)]),) * 2,
    "volumes": (dict(volumes=[{"name": "scratch"}]), dict(volumes=[{"name": "scratch"}])),
    "compatibilities": (dict(requires_compatibilities=["FARGATE", "EC2"]), dict(requiresCompatibilities=["FARGATE", "EC2"])),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_registers_a_revision(stubber, run, change):
    option_changes, request_changes = CHANGES[change]
    if "containers" in request_changes:
        request_changes = dict(containerDefinitions=request_changes["containers"])
    tags = {"Project": "stories1001"}
    expect_latest(stubber, aws_definition(7), tags)
    expect_register(stubber, request(tags=aws_tags(tags), **request_changes), 8, tags)

    result = run(options(tags=tags, **option_changes))

    assert result["changed"] is True
    assert result["revision"] == 8
    assert result["family_revision"] == f"{FAMILY}:8"
    assert result["diff"]["before"] != result["diff"]["after"]


def test_a_new_revision_keeps_the_tags_of_the_previous_one_when_tags_are_not_given(stubber, run):
    tags = {"Project": "stories1001", "Owner": "platform"}
    expect_latest(stubber, aws_definition(7), tags)
    expect_register(stubber, request(cpu="2048", tags=aws_tags(tags)), 8, tags)

    result = run(options(cpu="2048"))

    assert result["changed"] is True
    assert result["task_definition"]["tags"] == tags


def test_a_new_revision_does_not_ask_for_the_reserved_aws_tags(stubber, run):
    expect_latest(stubber, aws_definition(7), {"aws:cloudformation:stack-name": "old-stack", "Project": "stories1001"})
    expect_register(stubber, request(cpu="2048", tags=aws_tags({"Project": "stories1001"})), 8, {"Project": "stories1001"})

    result = run(options(cpu="2048"))

    assert result["changed"] is True
    assert result["task_definition"]["tags"] == {"Project": "stories1001"}


def test_settings_of_the_latest_revision_the_module_does_not_manage_register_a_clean_one(stubber, run):
    current = aws_definition(7)
    current["placementConstraints"] = [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]
    expect_latest(stubber, current)
    expect_register(stubber, request(), 8)

    result = run(options())

    assert result["changed"] is True
    assert "placementConstraints" in result["diff"]["before"]
    assert "placementConstraints" not in result["diff"]["after"]


def test_an_inactive_answer_counts_as_no_revision(stubber, run):
    """AWS describes the latest ACTIVE revision; an emulator may answer the latest one even when INACTIVE."""
    expect_latest(stubber, aws_definition(7, status="INACTIVE"))
    expect_register(stubber, request(), 8)

    result = run(options())

    assert result["changed"] is True
    assert result["diff"]["before"] == {}


# --- tags -------------------------------------------------------------------------------------------


def test_tags_on_a_match_are_synced_without_a_new_revision(stubber, run):
    expect_latest(stubber, aws_definition(7), {"Project": "stories1001", "Old": "yes"})
    stubber.add_response("untag_resource", {}, {"resourceArn": arn(7), "tagKeys": ["Old"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": arn(7), "tags": [{"key": "Component", "value": "app"}]})

    result = run(options(tags={"Project": "stories1001", "Component": "app"}))

    assert result["changed"] is True
    assert result["revision"] == 7
    assert result["task_definition"]["tags"] == {"Project": "stories1001", "Component": "app"}
    assert result["diff"]["before"]["tags"] == {"Project": "stories1001", "Old": "yes"}
    assert result["diff"]["after"]["tags"] == {"Project": "stories1001", "Component": "app"}
    assert "register_task_definition" not in result["_sent"]


def test_tags_without_purge_are_only_added(stubber, run):
    expect_latest(stubber, aws_definition(7), {"Old": "yes"})
    stubber.add_response("tag_resource", {}, {"resourceArn": arn(7), "tags": [{"key": "Component", "value": "app"}]})

    result = run(options(tags={"Component": "app"}, purge_tags=False))

    assert result["changed"] is True
    assert result["task_definition"]["tags"] == {"Old": "yes", "Component": "app"}


def test_tags_check_mode_touches_nothing(stubber, run):
    expect_latest(stubber, aws_definition(7), {"Old": "yes"})

    result = run(options(tags={"Component": "app"}), check_mode=True)

    assert result["changed"] is True
    assert result["task_definition"]["tags"] == {"Component": "app"}
    assert result["_sent"] == ["describe_task_definition"]


# --- check mode -------------------------------------------------------------------------------------


def test_check_mode_first_registration(stubber, run):
    expect_missing(stubber)

    result = run(options(tags={"Project": "stories1001"}), check_mode=True)

    assert result["changed"] is True
    assert result["revision"] is None
    assert result["arn"] is None
    assert result["family_revision"] is None
    definition = result["task_definition"]
    assert definition["revision"] is None
    assert definition["family"] == FAMILY
    assert definition["container_definitions"][0]["image"] == IMAGE
    assert definition["tags"] == {"Project": "stories1001"}
    assert result["_sent"] == ["describe_task_definition"]


def test_check_mode_change(stubber, run):
    expect_latest(stubber, aws_definition(7))

    result = run(options(cpu="2048"), check_mode=True)

    assert result["changed"] is True
    assert result["revision"] is None
    assert result["task_definition"]["cpu"] == "2048"
    assert result["diff"]["before"]["cpu"] == "1024"
    assert result["diff"]["after"]["cpu"] == "2048"
    assert result["_sent"] == ["describe_task_definition"]


def test_check_mode_no_change(stubber, run):
    expect_latest(stubber, aws_definition(7))

    result = run(options(), check_mode=True)

    assert result["changed"] is False
    assert result["revision"] == 7


# --- keep_revisions ----------------------------------------------------------------------------------


def test_keep_revisions_deregisters_the_old_ones_not_in_use(stubber, run):
    expect_latest(stubber, aws_definition(5))
    expect_register(stubber, request(cpu="2048"), 6)
    expect_list_active(stubber, [6, 5, 4, 3, 2, 1], pages=2)
    # The service runs 5, and 2 still drains from an earlier deployment; a blue/green task set holds 1.
    expect_services(stubber, {"app": (5, [5, 2], []), "worker": (6, [6], [1])})
    # Kept: 6 and 5 (the newest two); in use: 2 and 1. Left: 4 and 3.
    expect_deregister(stubber, 4)
    expect_deregister(stubber, 3)

    result = run(options(cpu="2048", keep_revisions=2, in_use_by_cluster=CLUSTER))

    assert result["changed"] is True
    assert result["revision"] == 6
    assert result["deregistered_revisions"] == [f"{FAMILY}:4", f"{FAMILY}:3"]


def test_keep_revisions_without_a_cluster(stubber, run):
    expect_latest(stubber, aws_definition(3))
    expect_register(stubber, request(cpu="2048"), 4)
    expect_list_active(stubber, [4, 3, 2, 1])
    expect_deregister(stubber, 2)
    expect_deregister(stubber, 1)

    result = run(options(cpu="2048", keep_revisions=2))

    assert result["deregistered_revisions"] == [f"{FAMILY}:2", f"{FAMILY}:1"]


def test_keep_revisions_prunes_nothing_when_nothing_is_registered(stubber, run):
    expect_latest(stubber, aws_definition(5))

    result = run(options(keep_revisions=1))

    assert result["changed"] is False
    assert result["deregistered_revisions"] == []
    assert result["_sent"] == ["describe_task_definition"]


def test_keep_revisions_check_mode_lists_what_would_go(stubber, run):
    expect_latest(stubber, aws_definition(3))
    expect_list_active(stubber, [3, 2, 1])

    result = run(options(cpu="2048", keep_revisions=2), check_mode=True)

    assert result["changed"] is True
    # The revision that would be registered is one of the 2 kept, with 3.
    assert result["deregistered_revisions"] == [f"{FAMILY}:2", f"{FAMILY}:1"]
    assert result["_sent"] == ["describe_task_definition", "list_task_definitions"]


def test_keep_revisions_with_a_missing_cluster_fails_clearly(stubber, run):
    expect_latest(stubber, aws_definition(1))
    expect_register(stubber, request(cpu="2048"), 2)
    expect_list_active(stubber, [2, 1])
    stubber.add_client_error("list_services", "ClusterNotFoundException", "Cluster not found.", 400, expected_params={"cluster": "nope"})

    result = run(options(cpu="2048", keep_revisions=1, in_use_by_cluster="nope"))

    assert result["failed"] is True
    assert "Cluster nope (in_use_by_cluster) does not exist" in result["msg"]
    assert "deregister_task_definition" not in result["_sent"]


# --- absent -----------------------------------------------------------------------------------------


def test_absent_deregisters_every_active_revision(stubber, run):
    expect_list_active(stubber, [3, 2, 1])
    for revision in (3, 2, 1):
        expect_deregister(stubber, revision)

    result = run(dict(family=FAMILY, state="absent"))

    assert result["changed"] is True
    assert result["deregistered_revisions"] == [f"{FAMILY}:3", f"{FAMILY}:2", f"{FAMILY}:1"]
    assert result["task_definition"] == {}
    assert result["revision"] is None
    assert result["diff"] == {"before": {"family": FAMILY, "activeRevisions": [3, 2, 1]}, "after": {}}


def test_absent_one_revision(stubber, run):
    expect_list_active(stubber, [3, 2, 1])
    expect_deregister(stubber, 2)

    result = run(dict(family=FAMILY, state="absent", revision=2))

    assert result["changed"] is True
    assert result["deregistered_revisions"] == [f"{FAMILY}:2"]
    assert result["diff"]["after"] == {"family": FAMILY, "activeRevisions": [3, 1]}


def test_absent_revision_already_inactive_is_no_change(stubber, run):
    expect_list_active(stubber, [3])

    result = run(dict(family=FAMILY, state="absent", revision=2))

    assert result["changed"] is False
    assert result["deregistered_revisions"] == []


def test_absent_when_nothing_is_active_is_no_change(stubber, run):
    expect_list_active(stubber, [])

    result = run(dict(family=FAMILY, state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_check_mode_touches_nothing(stubber, run):
    expect_list_active(stubber, [2, 1])

    result = run(dict(family=FAMILY, state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["deregistered_revisions"] == [f"{FAMILY}:2", f"{FAMILY}:1"]
    assert result["_sent"] == ["list_task_definitions"]


def test_absent_leaves_revisions_in_use(stubber, run):
    expect_list_active(stubber, [2, 1])
    expect_services(stubber, {"app": (2, [2], [])})
    expect_deregister(stubber, 1)

    result = run(dict(family=FAMILY, state="absent", in_use_by_cluster=CLUSTER))

    assert result["deregistered_revisions"] == [f"{FAMILY}:1"]
    assert f"{FAMILY}:2 is still run by a service of cluster {CLUSTER}" in warnings_of(result)[0]


# --- errors and bad input ---------------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_task_definition", "ThrottlingException", "Rate exceeded", 400, expected_params=DESCRIBE)
    expect_missing(stubber)
    stubber.add_client_error("register_task_definition", "ThrottlingException", "Rate exceeded", 400, expected_params=request())
    expect_register(stubber, request(), 1)

    result = run(options())

    assert result["changed"] is True
    assert result["revision"] == 1


def test_register_refused_by_aws_is_reported(stubber, run):
    expect_missing(stubber)
    stubber.add_client_error(
        "register_task_definition",
        "ClientException",
        "No Fargate configuration exists for given values: 1024 CPU, 512 memory.",
        400,
        expected_params=request(memory="512"),
    )

    result = run(options(memory="512"))

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to register task definition")
    assert result["error"]["code"] == "ClientException"


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(containers=[app_container(port_mappings=[{"containerPort": 3000}])]), 'Unknown parameter in containerDefinitions[0]: "port_mappings"'),
        (dict(containers=[{"name": "app"}]), "containers[0] has no image"),
        (dict(containers=[app_container(portMappings=[{"containerPort": "http"}])]), "containerDefinitions[0].portMappings[0].containerPort"),
        (dict(containers=[{"image": IMAGE}]), "containers[0] has no name"),
        (dict(containers=[]), "containers is required"),
        (dict(family="bad family"), "family 'bad family'"),
        (dict(keep_revisions=-1), "keep_revisions must be 0"),
        (dict(revision=3), "revision is used only with state absent"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubber, run, args, message):
    result = run(options(**args))

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []


def test_services_are_described_ten_at_a_time(stubber, run):
    names = [f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{CLUSTER}/svc-{index:02d}" for index in range(12)]
    expect_list_active(stubber, [3, 2, 1])
    stubber.add_response("list_services", {"serviceArns": names[:7], "nextToken": "more"}, {"cluster": CLUSTER})
    stubber.add_response("list_services", {"serviceArns": names[7:]}, {"cluster": CLUSTER, "nextToken": "more"})
    stubber.add_response(
        "describe_services", {"services": [{"serviceName": "svc-00", "taskDefinition": arn(1)}]}, {"cluster": CLUSTER, "services": names[:10]}
    )
    stubber.add_response(
        "describe_services",
        {"services": [{"serviceName": "svc-11", "taskDefinition": arn(9, family="another-family"), "deployments": [{"taskDefinition": arn(2)}]}]},
        {"cluster": CLUSTER, "services": names[10:]},
    )
    expect_deregister(stubber, 3)

    result = run(dict(family=FAMILY, state="absent", in_use_by_cluster=CLUSTER))

    assert result["deregistered_revisions"] == [f"{FAMILY}:3"]
    assert len(warnings_of(result)) == 2
