"""The call record says who called: the inventory plugin (its User-Agent mark) or anything else (a module)."""

from pathlib import Path

from tools.emulator.recorder import INVENTORY_MARK, caller

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "inventory" / "platform.py"


def test_a_call_with_the_inventory_mark_is_recorded_as_the_inventorys(aws, emulator):
    aws("ec2", region="eu-west-1").describe_vpcs()
    marked = aws("ec2", region="eu-west-1", user_agent_extra=INVENTORY_MARK)
    marked.describe_vpcs()
    aws("rds", region="eu-west-1", user_agent_extra="something-else").describe_db_clusters()

    assert [(call["operation"], call["client"]) for call in emulator.calls()] == [
        ("DescribeVpcs", "module"),
        ("DescribeVpcs", "inventory"),
        ("DescribeDBClusters", "module"),
    ]


def test_the_mark_must_be_a_whole_user_agent_word():
    assert caller({"HTTP_USER_AGENT": f"APN/1.0 Ansible/2.19 Botocore/1.44.5 {INVENTORY_MARK}"}) == "inventory"
    assert caller({"HTTP_USER_AGENT": f"Botocore/1.44.5 not-{INVENTORY_MARK}"}) == "module"
    assert caller({}) == "module"


def test_the_inventory_plugin_marks_its_clients_with_the_emulators_mark():
    # The plugin cannot import the emulator (it ships without it): the two spellings must agree.
    assert f'USER_AGENT_MARK = "{INVENTORY_MARK}"' in PLUGIN.read_text()
