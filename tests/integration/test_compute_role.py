"""The compute role end to end on the emulator: the molecule scenario, blue/green deployments (a healthy one moves
traffic, a failing one is rolled back with traffic left where it was), and refused input."""

import json
import urllib.request

import pytest

from aws_harness import play_calls

PREFIX = "1001-stories-local"


@pytest.fixture(scope="module")
def compute_platform(emulator, run):
    """create (reset), prepare (network, zone), converge, idempotence, verify; the state stays for the deploy tests."""
    return run("molecule", "test", "--scenario-name", "compute")


def test_molecule_compute_scenario(compute_platform):
    assert compute_platform.rc == 0, compute_platform.output[-8000:]
    for step in ("prepare", "converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in compute_platform.output, step


def serving(boto):
    """(image that the production rule's live target group serves, that group's name, its target health states)."""
    elbv2, ecs = boto("elbv2"), boto("ecs")
    lb = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0]
    https = next(item for item in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"] if item["Port"] == 443)
    rule = next(item for item in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if item["Priority"] == "1")
    groups = rule["Actions"][0]["ForwardConfig"]["TargetGroups"]
    live = max(groups, key=lambda group: group["Weight"])["TargetGroupArn"]
    health = elbv2.describe_target_health(TargetGroupArn=live)["TargetHealthDescriptions"]
    service = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-app"])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    image = definition["containerDefinitions"][0]["image"]
    return image.rsplit(":", 1)[-1], live.split("/")[-2], sorted({item["TargetHealth"]["State"] for item in health}), len(health)


# The app's secret values as the scenario's converge gives them (an inventory would hold them in Vault).
APP_SECRETS = {"OPENAI_API_KEY": "sk-local-not-a-real-key"}


def deploy(run, tag, *options):
    return run("ansible-playbook", "playbooks/deploy_app.yml", *options, extra_vars={"compute_image_tag": tag, "compute_app_secrets": APP_SECRETS})


def test_deploying_a_then_b_moves_traffic_to_b(compute_platform, run, boto):
    assert compute_platform.rc == 0
    first = deploy(run, "2026.11.2")
    assert first.rc == 0, first.output[-4000:]
    tag, group_a, states, count = serving(boto)
    assert (tag, states, count) == ("2026.11.2", ["healthy"], 3)

    second = deploy(run, "2026.11.3")
    assert second.rc == 0, second.output[-4000:]
    tag, group_b, states, count = serving(boto)
    assert (tag, states, count) == ("2026.11.3", ["healthy"], 3)
    assert group_b != group_a, "blue/green: the new version serves from the other target group"

    again = deploy(run, "2026.11.3", "-vvv")
    assert again.rc == 0 and again.recap()["us-east-1"]["changed"] == 0, again.output[-4000:]
    assert serving(boto)[:2] == ("2026.11.3", group_b)
    # The same run under -vvv: no secret value reached the output.
    stored = json.loads(boto("secretsmanager").get_secret_value(SecretId=f"{PREFIX}/app/runtime")["SecretString"])
    assert set(stored) == {"NEXTAUTH_SECRET", "OPENAI_API_KEY"}
    for value in stored.values():
        assert value not in again.output


def test_a_version_failing_its_health_checks_is_rolled_back_and_traffic_stays(compute_platform, run, boto, emulator):
    assert compute_platform.rc == 0
    good = deploy(run, "2026.11.4")
    assert good.rc == 0, good.output[-4000:]
    before = serving(boto)

    repository = boto("ecr").describe_repositories(repositoryNames=[f"{PREFIX}/app"])["repositories"][0]["repositoryUri"]
    mark = urllib.request.Request(
        f"{emulator.url}/_stories/app-health",
        data=json.dumps({"image": f"{repository}:2026.11.5-broken", "healthy": False}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(mark, timeout=10) as answer:
        assert answer.status == 200

    broken = deploy(run, "2026.11.5-broken")
    assert broken.rc != 0
    assert "rolled back" in " ".join(broken.output.split()), broken.output[-4000:]
    assert serving(boto) == before, "traffic stays on the version that ran, in the same target group"


BAD_INPUT = {
    "a CPU and memory pair Fargate does not offer": (
        {"compute_cpu": 1024, "compute_memory": 1024},
        "compute_memory: 1024 MiB is not offered by Fargate with compute_cpu 1024 (allowed: 2048 to 8192 in steps of 1024)",
    ),
    "a CPU size Fargate does not offer": ({"compute_cpu": 3000}, "compute_cpu: 3000 is not a Fargate CPU size"),
    "min capacity above max": (
        {"compute_min_capacity": 20, "compute_max_capacity": 15},
        "compute_min_capacity: 20 is above compute_max_capacity 15",
    ),
    "a certificate from another region": (
        {"compute_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666"},
        "compute_certificate_arn: the certificate is in eu-west-1, but a load balancer in us-east-1 can only use a certificate from us-east-1",
    ),
    "a secret as a plain environment value": (
        {"compute_container_environment": {"NODE_ENV": "production", "NEXTAUTH_SECRET": "plain"}},
        "compute_container_environment: NEXTAUTH_SECRET must not be plain environment values",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_compute_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []
