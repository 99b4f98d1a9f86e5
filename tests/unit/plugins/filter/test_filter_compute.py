import pytest

from ansible_collections.stories1001.infra.plugins.filter.compute import FARGATE_SIZES, compute_input_errors, ecs_secrets

PHASE_1 = {
    "compute_region": "us-east-1",
    "compute_cpu": 1024,
    "compute_memory": 2048,
    "compute_min_capacity": 2,
    "compute_max_capacity": 15,
    "compute_desired_count": 3,
    "compute_scaling_targets": {"cpu": 70, "memory": 80, "requests_per_target": 800},
    "compute_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 100, "base": 1}],
    "compute_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666",
    "compute_certificate_domain": "",
    "compute_health_check": {"path": "/api/health", "interval": 30, "timeout": 5, "healthy_threshold": 2, "unhealthy_threshold": 2},
    "compute_image_tag": "",
    "compute_container_port": 3000,
    "compute_target_group_names": ["1001-stories-production-blue", "1001-stories-production-green"],
    "compute_app_secret_names": ["DATABASE_URL", "REDIS_URL", "NEXTAUTH_SECRET", "OPENAI_API_KEY"],
    "compute_environment_names": ["NODE_ENV", "PORT", "HOSTNAME"],
}
PHASE_2 = dict(
    PHASE_1,
    compute_min_capacity=5,
    compute_max_capacity=40,
    compute_desired_count=5,
    compute_capacity_provider_strategy=[{"capacity_provider": "FARGATE", "weight": 60, "base": 1}, {"capacity_provider": "FARGATE_SPOT", "weight": 40}],
)
SEED_003 = dict(
    PHASE_1,
    compute_min_capacity=1,
    compute_max_capacity=4,
    compute_desired_count=2,
    compute_certificate_arn="",
    compute_certificate_domain="api.storymagic.example",
)


@pytest.mark.parametrize("settings", [PHASE_1, PHASE_2, SEED_003], ids=["phase 1", "phase 2", "seed 003"])
def test_seed_settings_are_valid(settings):
    assert compute_input_errors(settings) == []


@pytest.mark.parametrize("cpu, memory", [(cpu, memory) for cpu, sizes in FARGATE_SIZES.items() for memory in (sizes[0], sizes[-1])])
def test_every_fargate_size_is_accepted(cpu, memory):
    assert compute_input_errors(dict(PHASE_1, compute_cpu=cpu, compute_memory=memory)) == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"compute_memory": 1024}, "compute_memory: 1024 MiB is not offered by Fargate with compute_cpu 1024 (allowed: 2048 to 8192 in steps of 1024)"),
        ({"compute_cpu": 256, "compute_memory": 4096}, "compute_memory: 4096 MiB is not offered by Fargate with compute_cpu 256 (allowed: 512, 1024, 2048)"),
        ({"compute_cpu": 8192, "compute_memory": 18432}, "(allowed: 16384 to 61440 in steps of 4096)"),
        ({"compute_cpu": 3000}, "compute_cpu: 3000 is not a Fargate CPU size (allowed: 256, 512, 1024, 2048, 4096, 8192, 16384)"),
        ({"compute_cpu": "lots"}, "compute_cpu: 'lots' is not a whole number"),
        ({"compute_min_capacity": 20}, "compute_min_capacity: 20 is above compute_max_capacity 15"),
        ({"compute_min_capacity": -1}, "compute_min_capacity: -1 is below 0"),
        ({"compute_desired_count": 16}, "compute_desired_count: 16 is outside compute_min_capacity 2 to compute_max_capacity 15"),
        ({"compute_scaling_targets": {"cpu": 170}}, "compute_scaling_targets.cpu: 170 is not a percentage above 0 and at most 100"),
        ({"compute_scaling_targets": {"requests_per_target": -5}}, "compute_scaling_targets.requests_per_target: -5 must be above 0"),
        (
            {"compute_capacity_provider_strategy": [{"capacity_provider": "EC2", "weight": 1}]},
            "compute_capacity_provider_strategy: EC2 is not FARGATE or FARGATE_SPOT",
        ),
        ({"compute_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 0}]}, "at least one capacity provider needs a weight above 0"),
        (
            {
                "compute_capacity_provider_strategy": [
                    {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
                    {"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 1},
                ]
            },
            "only one capacity provider may have a base",
        ),
        (
            {"compute_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666"},
            "compute_certificate_arn: the certificate is in eu-west-1, but a load balancer in us-east-1 can only use a certificate from us-east-1",
        ),
        ({"compute_certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"}, "is not an ACM certificate ARN"),
        ({"compute_certificate_arn": ""}, "compute_certificate_arn: give an ACM certificate ARN for the HTTPS listener, or compute_certificate_domain"),
        ({"compute_health_check": dict(PHASE_1["compute_health_check"], path="api/health")}, "compute_health_check.path: 'api/health' must start with /"),
        (
            {"compute_health_check": dict(PHASE_1["compute_health_check"], timeout=30)},
            "compute_health_check.timeout: 30 must be less than compute_health_check.interval 30",
        ),
        ({"compute_health_check": dict(PHASE_1["compute_health_check"], interval=400)}, "compute_health_check.interval: 400 is outside 5 to 300 seconds"),
        ({"compute_health_check": dict(PHASE_1["compute_health_check"], healthy_threshold=1)}, "compute_health_check.healthy_threshold: 1 is outside 2 to 10"),
        ({"compute_image_tag": "-bad"}, "compute_image_tag: '-bad' is not an image tag"),
        ({"compute_image_tag": "x" * 129}, "is not an image tag"),
        ({"compute_container_port": 70000}, "compute_container_port: 70000 is outside 1 to 65535"),
        ({"compute_target_group_names": ["a-very-long-environment-name-of-the-platform-blue"]}, "shorten compute_name_prefix"),
        ({"compute_environment_names": ["NODE_ENV", "NEXTAUTH_SECRET"]}, "compute_container_environment: NEXTAUTH_SECRET must not be plain environment values"),
        ({"compute_environment_names": ["SMTP_PASSWORD", "STRIPE_API_KEY"]}, "SMTP_PASSWORD, STRIPE_API_KEY must not be plain environment values"),
    ],
)
def test_bad_input_names_the_variable(change, message):
    errors = compute_input_errors(dict(PHASE_1, **change))
    assert any(message in error for error in errors), errors


def test_each_problem_is_reported_once():
    errors = compute_input_errors(dict(PHASE_1, compute_memory=1024, compute_min_capacity=20, compute_container_port=0))
    assert len(errors) == 3, errors


def test_ecs_secrets_name_each_key_of_the_secret_once_in_order():
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"
    assert ecs_secrets(["REDIS_URL", "DATABASE_URL", "REDIS_URL"], arn) == [
        {"name": "DATABASE_URL", "valueFrom": f"{arn}:DATABASE_URL::"},
        {"name": "REDIS_URL", "valueFrom": f"{arn}:REDIS_URL::"},
    ]
