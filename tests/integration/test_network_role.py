"""The network role end to end on the emulator: molecule's full sequence, --check, and refused input.

The plan on an empty emulator and the move from phase 1 to phase 2 are AWX jobs (awx_jobs.Job) of the phase job
templates: the Phase 1 (plan) template as it is, the phase and site templates launched with the tag network and a limit."""

import pytest

from aws_harness import changing_calls, play_calls


def test_molecule_network_scenario(aws, run):
    """create (reset), converge, idempotence (changed=0), verify (real properties), destroy (nothing left)."""
    result = run("molecule", "test", "--scenario-name", "network")
    assert result.rc == 0, result.output[-6000:]
    for step in ("converge", "idempotence", "verify", "destroy"):
        assert f"network ➜ {step}: Executed: Successful" in result.output or f"{step}: Executed: Successful" in result.output, step


def test_check_mode_on_empty_emulator_creates_nothing(aws, launch, boto):
    result = launch("1001 Stories - Phase 1 (plan)")
    assert result.succeeded(), result.output[-6000:]
    assert "--check" in result.result.config.command and "--diff" in result.result.config.command
    recap = result.recap()["us-east-1"]
    assert recap["failed"] == 0 and recap["changed"] > 10, recap

    calls = aws.calls()
    assert calls, "the check run made no AWS call at all"
    assert changing_calls(calls) == []
    assert boto("ec2").describe_vpcs(Filters=[{"Name": "tag:ManagedBy", "Values": ["stories1001.infra"]}])["Vpcs"] == []
    assert boto("iam").list_roles()["Roles"] == [] or all("flow-logs" not in r["RoleName"] for r in boto("iam").list_roles()["Roles"])


BAD_INPUT = {
    "overlapping subnets": (
        {"network_public_subnet_cidrs": ["10.0.1.0/24", "10.0.1.128/25", "10.0.3.0/24"]},
        "network_public_subnet_cidrs: 10.0.1.128/25 overlaps 10.0.1.0/24",
    ),
    "subnet outside the VPC": (
        {"network_private_subnet_cidrs": ["10.0.10.0/24", "10.9.20.0/24", "10.0.30.0/24"]},
        "network_private_subnet_cidrs: 10.9.20.0/24 is outside network_vpc_cidr 10.0.0.0/16",
    ),
    "unknown availability zone": (
        {"network_availability_zones": ["us-east-1a", "eu-west-1b", "us-east-1c"]},
        "network_availability_zones: 'eu-west-1b' is not an availability zone of region us-east-1",
    ),
    "malformed CIDR (seed 000's 10.0.300.0/24)": (
        {"network_database_subnet_cidrs": ["10.0.100.0/24", "10.0.200.0/24", "10.0.300.0/24"]},
        "network_database_subnet_cidrs: '10.0.300.0/24' is not an IPv4 network",
    ),
    "VPC overlapping another region": (
        {"network_vpc_cidr": "10.2.0.0/16"},
        "network_vpc_cidr: 10.2.0.0/16 overlaps the VPC of region ap-southeast-1",
    ),
    "unknown NAT mode": (
        {"network_nat_gateway_mode": "two"},
        "network_nat_gateway_mode",
    ),
    "removal without confirmation": (
        {"network_state": "absent"},
        "set network_confirm_absent=1001-stories-local to confirm",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []


def test_the_next_phase_keeps_the_route_tables_and_their_subnets(aws, launch, boto):
    """The Phase tag changes from one phase to the next: the route tables are the same ones, retagged, and a plan of
    the phase after the last run changes nothing (they were looked up by all their tags, so each phase made new ones)."""

    def tables():
        found = boto("ec2").describe_route_tables(Filters=[{"Name": "tag:ManagedBy", "Values": ["stories1001.infra"]}])["RouteTables"]
        return {table["RouteTableId"]: ({t["Key"]: t["Value"] for t in table["Tags"]}["Phase"], len(table["Associations"])) for table in found}

    first = launch("1001 Stories - Phase 1", tags="network")
    assert first.succeeded(), first.output[-4000:]
    phase1 = tables()
    assert len(phase1) == 5 and {phase for phase, _count in phase1.values()} == {"1"}, phase1

    # The plan before the apply: the retagging shows, nothing is called that changes AWS.
    plan = launch("1001 Stories - Phase 2 (plan)", tags="network", limit="us-east-1")
    assert plan.succeeded(), plan.output[-4000:]
    assert plan.recap()["us-east-1"]["changed"] > 0, plan.recap()
    assert plan.calls and changing_calls(plan.calls) == []
    assert tables() == phase1

    nxt = launch("1001 Stories - Phase 2", tags="network", limit="us-east-1")
    assert nxt.succeeded(), nxt.output[-4000:]
    assert tables() == {table: ("2", count) for table, (_phase, count) in phase1.items()}

    # On to phase 3 through site.yml (phase 3 in inventories/local): its plan shows the retagging and calls nothing that
    # changes AWS, the run retags the same tables, and phase 3's plan after it has nothing left to change (tables
    # looked up by their Phase tag would be planned anew here).
    site_plan = launch("1001 Stories - Site (plan)", tags="network", limit="us-east-1")
    assert site_plan.succeeded(), site_plan.output[-4000:]
    assert site_plan.recap()["us-east-1"]["changed"] > 0, site_plan.recap()
    assert site_plan.calls and changing_calls(site_plan.calls) == []
    assert tables() == {table: ("2", count) for table, (_phase, count) in phase1.items()}

    site = launch("1001 Stories - Site", tags="network", limit="us-east-1")
    assert site.succeeded(), site.output[-4000:]
    assert tables() == {table: ("3", count) for table, (_phase, count) in phase1.items()}

    plan = launch("1001 Stories - Phase 3 (plan)", tags="network", limit="us-east-1")
    assert plan.succeeded(), plan.output[-4000:]
    assert plan.recap()["us-east-1"]["changed"] == 0, plan.output[-4000:]
    assert plan.calls and changing_calls(plan.calls) == []
