import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.stories1001.infra.plugins.filter.network import network_plan, network_plan_errors, nth_subnets

SEED_000 = {
    "public": ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
    "private": ["10.0.10.0/24", "10.0.20.0/24", "10.0.30.0/24"],
    "database": ["10.0.100.0/24", "10.0.200.0/24", "10.0.250.0/24"],
}
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
REGIONS = {"us-east-1": "10.0.0.0/16", "eu-west-1": "10.1.0.0/16", "ap-southeast-1": "10.2.0.0/16", "us-west-2": "10.3.0.0/16"}


@pytest.mark.parametrize(
    "cidr, prefix, indexes, expected",
    [
        ("10.0.0.0/16", 24, [1, 2, 3], ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]),
        ("10.1.0.0/16", 24, [100, 200, 250], ["10.1.100.0/24", "10.1.200.0/24", "10.1.250.0/24"]),
        ("172.16.0.0/20", 26, [0, 63], ["172.16.0.0/26", "172.16.15.192/26"]),
        ("not-a-cidr", 24, [1], []),
        ("10.0.0.1/16", 24, [1], []),  # host bits set: not a network
    ],
)
def test_nth_subnets(cidr, prefix, indexes, expected):
    assert nth_subnets(cidr, prefix, indexes) == expected


@pytest.mark.parametrize("prefix, indexes", [(24, [256]), (24, [-1]), (15, [0]), (29, [0])])
def test_nth_subnets_refuses_what_does_not_fit(prefix, indexes):
    with pytest.raises(AnsibleFilterError):
        nth_subnets("10.0.0.0/16", prefix, indexes)


def test_seed_plan_is_valid_in_every_region():
    for region, cidr in REGIONS.items():
        zones = [region + z for z in "abc"]
        subnets = {tier: nth_subnets(cidr, 24, idx) for tier, idx in (("public", [1, 2, 3]), ("private", [10, 20, 30]), ("database", [100, 200, 250]))}
        assert network_plan_errors(cidr, zones, subnets, region, REGIONS) == []


def test_plan_puts_nth_subnet_of_each_tier_in_nth_zone():
    plan = network_plan("10.0.0.0/16", ZONES, SEED_000)
    assert len(plan) == 9
    assert [p["az"] for p in plan if p["tier"] == "private"] == ZONES
    assert {"tier": "database", "az": "us-east-1c", "cidr": "10.0.250.0/24", "index": 2} in plan


def _errors(**change):
    args = {"vpc_cidr": "10.0.0.0/16", "availability_zones": ZONES, "subnets": dict(SEED_000), "region": "us-east-1", "other_vpc_cidrs": REGIONS}
    subnets = change.pop("subnets", {})
    args["subnets"].update(subnets)
    args.update(change)
    return network_plan_errors(**args)


@pytest.mark.parametrize(
    "change, variable, words",
    [
        ({"subnets": {"database": ["10.0.100.0/24", "10.0.200.0/24", "10.0.300.0/24"]}}, "network_database_subnet_cidrs", "not an IPv4 network"),
        ({"subnets": {"public": ["10.0.1.0/24", "10.0.1.128/25"]}}, "network_public_subnet_cidrs", "overlaps 10.0.1.0/24"),
        ({"subnets": {"private": ["10.0.1.0/24"]}}, "network_private_subnet_cidrs", "overlaps 10.0.1.0/24 in network_public_subnet_cidrs"),
        ({"subnets": {"private": ["10.9.10.0/24"]}}, "network_private_subnet_cidrs", "outside network_vpc_cidr"),
        ({"subnets": {"public": ["10.0.1.0/29"]}}, "network_public_subnet_cidrs", "/29"),
        ({"subnets": {"public": []}}, "network_public_subnet_cidrs", "at least one"),
        ({"subnets": {"public": ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24"]}}, "network_public_subnet_cidrs", "at most one per zone"),
        (
            {"availability_zones": ["us-east-1a", "eu-west-1b", "us-east-1c"]},
            "network_availability_zones",
            "'eu-west-1b' is not an availability zone of region us-east-1",
        ),
        ({"availability_zones": ["us-east-1a", "us-east-1a", "us-east-1c"]}, "network_availability_zones", "twice"),
        ({"availability_zones": []}, "network_availability_zones", "at least one"),
        ({"vpc_cidr": "10.0.0.0/33"}, "network_vpc_cidr", "not an IPv4 network"),
        ({"vpc_cidr": "10.0.0.0/8"}, "network_vpc_cidr", "/16 to /28"),
        ({"vpc_cidr": "8.8.0.0/16"}, "network_vpc_cidr", "private range"),
        ({"vpc_cidr": "10.1.0.0/16"}, "network_vpc_cidr", "overlaps the VPC of region eu-west-1"),
    ],
)
def test_each_bad_input_names_its_variable(change, variable, words):
    errors = _errors(**change)
    assert any(e.startswith(variable + ":") and words in e for e in errors), errors


def test_own_region_in_other_cidrs_is_not_an_overlap():
    assert _errors(other_vpc_cidrs={"us-east-1": "10.0.0.0/16"}) == []
