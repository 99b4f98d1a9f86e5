# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""elasticache_parameter_group driven through main() against a real botocore ElastiCache client with a
Stubber: every request is validated against the ElastiCache service model, and any call not queued fails."""

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.module_utils import _elasticache
from ansible_collections.stories1001.infra.plugins.modules import elasticache_parameter_group as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

NAME = "stories1001-production-redis-cluster-redis7"
ARN = f"arn:aws:elasticache:us-east-1:123456789012:parametergroup:{NAME}"
DESCRIPTION = "1001 Stories app cache, Redis 7"
BY_NAME = {"CacheParameterGroupName": NAME}


def parameter(name, value, source="engine-default", allowed=None, data_type="string", modifiable=True, change_type="immediate"):
    entry = {
        "ParameterName": name,
        "Source": source,
        "DataType": data_type,
        "IsModifiable": modifiable,
        "MinimumEngineVersion": "7.0.0",
        "ChangeType": change_type,
    }
    if value is not None:
        entry["ParameterValue"] = value
    if allowed is not None:
        entry["AllowedValues"] = allowed
    return entry


def defaults():
    """Some of what AWS lists for redis7, as it lists it."""
    return [
        parameter("activerehashing", "yes", allowed="yes,no"),
        parameter("appendonly", "no", allowed="yes,no", change_type="requires-reboot"),
        parameter("cluster-enabled", "no", allowed="yes,no", change_type="requires-reboot"),
        parameter(
            "maxmemory-policy",
            "volatile-lru",
            allowed="volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction",
        ),
        parameter("notify-keyspace-events", None),
        parameter("timeout", "0", allowed="0,20-", data_type="integer"),
        parameter("tcp-keepalive", "300", allowed="0-", data_type="integer"),
        parameter("databases", "16", allowed="1-1200000", data_type="integer", change_type="requires-reboot"),
        parameter("lua-time-limit", "5000", allowed="5000", data_type="integer", modifiable=False),
    ]


SPECIFIC = [
    {
        "ParameterName": "maxmemory",
        "Source": "system",
        "DataType": "integer",
        "IsModifiable": False,
        "CacheNodeTypeSpecificValues": [{"CacheNodeType": "cache.r6g.2xlarge", "Value": "56358856458"}],
    }
]


def with_values(parameters, **values):
    """The parameters with some set by a user (keyword names with _ for -)."""
    result = []
    for entry in parameters:
        key = entry["ParameterName"].replace("-", "_")
        if key in values:
            entry = dict(entry, ParameterValue=values[key], Source="user")
        result.append(entry)
    return result


def aws_group(family="redis7", description=DESCRIPTION):
    return {
        "CacheParameterGroupName": NAME,
        "CacheParameterGroupFamily": family,
        "Description": description,
        "IsGlobal": False,
        "ARN": ARN,
    }


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr(_elasticache, "WAIT_DELAY", 0)
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubber = stubber_fixture("elasticache")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run the module's main() with the given options; returns its JSON result, with the operations sent
    in result["_sent"]. Also checks that every operation went through the client's retry decorator."""
    stubbed = StubbedModule(
        module_under_test.main, "elasticache", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys, outside_waiters=True
    )

    def _run(args, check_mode=False):
        module_args = aws_args(name=NAME, family="redis7")
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_missing(stub):
    stub.add_client_error("describe_cache_parameter_groups", "CacheParameterGroupNotFound", "not found", 404, expected_params=BY_NAME)


def expect_read(stub, group=None, parameters=None, tags=None, pages=1):
    """The calls that read a group: the group, its parameters (in pages), its tags."""
    group = group or aws_group()
    stub.add_response("describe_cache_parameter_groups", {"CacheParameterGroups": [group]}, BY_NAME)
    parameters = defaults() if parameters is None else parameters
    size = -(-len(parameters) // pages) if parameters else 1
    for page in range(pages):
        answer = {"Parameters": parameters[page * size:(page + 1) * size]}
        if page == pages - 1:
            answer["CacheNodeTypeSpecificParameters"] = SPECIFIC
        else:
            answer["Marker"] = f"page-{page + 1}"
        request = dict(BY_NAME, Marker=f"page-{page}") if page else BY_NAME
        stub.add_response("describe_cache_parameters", answer, request)
    stub.add_response("list_tags_for_resource", {"TagList": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}, {"ResourceName": ARN})


def expect_engine_defaults(stub, parameters=None, family="redis7"):
    stub.add_response(
        "describe_engine_default_parameters",
        {
            "EngineDefaults": {
                "CacheParameterGroupFamily": family,
                "Parameters": defaults() if parameters is None else parameters,
                "CacheNodeTypeSpecificParameters": SPECIFIC,
            }
        },
        {"CacheParameterGroupFamily": family},
    )


def expect_modify(stub, values):
    stub.add_response(
        "modify_cache_parameter_group",
        {"CacheParameterGroupName": NAME},
        {"CacheParameterGroupName": NAME, "ParameterNameValues": [{"ParameterName": k, "ParameterValue": v} for k, v in values]},
    )


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, allowed, expected",
    [
        (True, "yes,no", "yes"),
        (False, "yes,no", "no"),
        (True, "true,false", "true"),
        (False, None, "no"),
        (300, "0-", "300"),
        (1.0, None, "1"),
        (0.5, None, "0.5"),
        ("allkeys-lru", None, "allkeys-lru"),
        ("", None, ""),
    ],
)
def test_aws_value(value, allowed, expected):
    assert module_under_test.aws_value(value, {"AllowedValues": allowed} if allowed else None) == expected


@pytest.mark.parametrize(
    "value, entry, problem",
    [
        ("yes", parameter("activerehashing", "yes", allowed="yes,no"), None),
        ("maybe", parameter("activerehashing", "yes", allowed="yes,no"), "allowed: yes,no"),
        ("300", parameter("tcp-keepalive", "300", allowed="0-", data_type="integer"), None),
        ("-1", parameter("tcp-keepalive", "300", allowed="0-", data_type="integer"), "allowed: 0-"),
        ("ten", parameter("tcp-keepalive", "300", allowed="0-", data_type="integer"), "allowed: 0-"),
        ("2000000", parameter("databases", "16", allowed="1-1200000", data_type="integer"), "allowed: 1-1200000"),
        ("Ex", parameter("notify-keyspace-events", None), None),
        ("30", parameter("timeout", "0", allowed="0,20-", data_type="integer"), None),
        ("0", parameter("timeout", "0", allowed="0,20-", data_type="integer"), None),
        ("10", parameter("timeout", "0", allowed="0,20-", data_type="integer"), "allowed: 0,20-"),
        ("anything", parameter("free-text", None, allowed="Any combination of K, E, g"), None),
    ],
)
def test_value_errors(value, entry, problem):
    errors = module_under_test.value_errors(entry["ParameterName"], value, entry)
    if problem:
        assert problem in errors[0]
    else:
        assert errors == []


@pytest.mark.parametrize(
    "current, wanted, purge, to_set, to_reset, problem",
    [
        (defaults(), {}, False, {}, [], None),
        (defaults(), {"activerehashing": True, "timeout": 0}, False, {}, [], None),
        (
            defaults(),
            {"maxmemory-policy": "noeviction", "cluster-enabled": True},
            False,
            {"maxmemory-policy": "noeviction", "cluster-enabled": "yes"},
            [],
            None,
        ),
        (with_values(defaults(), timeout="300"), {"timeout": None}, False, {}, ["timeout"], None),
        (defaults(), {"timeout": None}, False, {}, [], None),
        (with_values(defaults(), timeout="300", appendonly="yes"), {"appendonly": "yes"}, True, {}, ["timeout"], None),
        (defaults(), {"no-such-thing": 1}, False, {}, [], "not a parameter of this family"),
        (defaults(), {"maxmemory": 1}, False, {}, [], "set by AWS for each node type"),
        (defaults(), {"lua-time-limit": 1000}, False, {}, [], "cannot be modified"),
        (defaults(), {"lua-time-limit": 5000}, False, {}, [], None),
        (defaults(), {"maxmemory-policy": "lru"}, False, {}, [], "allowed: volatile-lru"),
    ],
)
def test_plan_parameters(current, wanted, purge, to_set, to_reset, problem):
    planned_set, planned_reset, errors = module_under_test.plan_parameters(current, SPECIFIC, wanted, purge)
    assert planned_set == to_set
    assert planned_reset == to_reset
    if problem:
        assert problem in errors[0]
    else:
        assert errors == []


@pytest.mark.parametrize(
    "options, message",
    [
        ({"name": "default.redis7", "family": "redis7"}, "must be letters, digits and hyphens"),
        ({"name": "x" * 256, "family": "redis7"}, "has 256 characters"),
        ({"name": NAME, "family": "memcached1.6"}, "family 'memcached1.6'"),
        ({"name": NAME, "family": "redis"}, "family 'redis'"),
        ({"name": NAME, "family": "valkey-8"}, "family 'valkey-8'"),
        ({"name": NAME, "state": "present"}, "family is required"),
        ({"name": NAME, "family": "redis7", "parameters": {"timeout": [1]}}, "parameters.timeout must be a string"),
    ],
)
def test_validation_errors(options, message):
    errors = module_under_test.validation_errors(options)
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize("family", ["redis7", "redis6.x", "redis5.0", "redis2.8", "valkey7", "valkey8", "valkey9"])
def test_validation_accepts_families(family):
    assert module_under_test.validation_errors({"name": NAME, "family": family, "state": "present"}) == []


# --- create -------------------------------------------------------------------------------------


def test_create_with_parameters_and_tags(stubber, run):
    expect_missing(stubber)
    expect_engine_defaults(stubber)
    stubber.add_response(
        "create_cache_parameter_group",
        {"CacheParameterGroup": aws_group()},
        {
            "CacheParameterGroupName": NAME,
            "CacheParameterGroupFamily": "redis7",
            "Description": DESCRIPTION,
            "Tags": [{"Key": "Component", "Value": "cache"}],
        },
    )
    expect_modify(stubber, [("cluster-enabled", "yes"), ("maxmemory-policy", "noeviction"), ("timeout", "300")])
    expect_read(stubber, parameters=with_values(defaults(), cluster_enabled="yes", maxmemory_policy="noeviction", timeout="300"), tags={"Component": "cache"})

    result = run(
        dict(
            description=DESCRIPTION,
            parameters={"cluster-enabled": True, "maxmemory-policy": "noeviction", "timeout": 300, "activerehashing": "yes"},
            tags={"Component": "cache"},
        )
    )

    assert result["changed"] is True
    group = result["cache_parameter_group"]
    assert group["cache_parameter_group_name"] == NAME
    assert group["cache_parameter_group_family"] == "redis7"
    assert group["parameters"] == {"activerehashing": "yes", "cluster-enabled": "yes", "maxmemory-policy": "noeviction", "timeout": "300"}
    assert group["tags"] == {"Component": "cache"}
    assert result["changed_parameters"] == ["cluster-enabled", "maxmemory-policy", "timeout"]
    assert result["requires_reboot"] == ["cluster-enabled"]
    assert result["diff"]["before"] == {}


def test_create_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)
    expect_engine_defaults(stubber)

    result = run(dict(parameters={"maxmemory-policy": "noeviction"}, tags={"Phase": 1}), check_mode=True)

    assert result["changed"] is True
    assert result["cache_parameter_group"] == {
        "cache_parameter_group_name": NAME,
        "cache_parameter_group_family": "redis7",
        "description": f"redis7 parameters of {NAME}",
        "parameters": {"maxmemory-policy": "noeviction"},
        "tags": {"Phase": "1"},
    }
    assert result["diff"]["after"] == result["cache_parameter_group"]
    assert result["_sent"] == ["describe_cache_parameter_groups", "describe_engine_default_parameters"]


def test_create_without_parameters(stubber, run):
    expect_missing(stubber)
    stubber.add_response(
        "create_cache_parameter_group",
        {"CacheParameterGroup": aws_group(family="valkey8")},
        {"CacheParameterGroupName": NAME, "CacheParameterGroupFamily": "valkey8", "Description": DESCRIPTION},
    )
    expect_read(stubber, group=aws_group(family="valkey8"))

    result = run(dict(family="valkey8", description=DESCRIPTION))

    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {}
    assert result["changed_parameters"] == []


def test_create_with_a_bad_parameter_creates_nothing(stubber, run):
    expect_missing(stubber)
    expect_engine_defaults(stubber)

    result = run(dict(parameters={"maxmemory-policy": "lru", "no-such-thing": 1}))

    assert result["failed"] is True
    assert "parameters.maxmemory-policy is 'lru'" in result["msg"]
    assert "parameters.no-such-thing is not a parameter" in result["msg"]
    assert "create_cache_parameter_group" not in result["_sent"]


def test_name_is_sent_in_lower_case(stubber, run):
    expect_read(stubber)

    result = run(dict(name=NAME.upper(), description=DESCRIPTION))

    assert result["changed"] is False
    assert result["cache_parameter_group"]["cache_parameter_group_name"] == NAME


# --- existing -----------------------------------------------------------------------------------


def test_unchanged_is_no_change(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), maxmemory_policy="noeviction"), tags={"Component": "cache"})

    wanted = {"maxmemory-policy": "noeviction", "activerehashing": True, "timeout": 0}
    result = run(dict(description=DESCRIPTION, parameters=wanted, tags={"Component": "cache"}))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["cache_parameter_group"]["parameters"] == {"maxmemory-policy": "noeviction", "activerehashing": "yes", "timeout": "0"}
    assert not warnings_of(result)


def test_parameters_read_across_pages(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), timeout="300"), pages=3)

    result = run(dict(parameters={"timeout": 300}))

    assert result["changed"] is False
    assert result["cache_parameter_group"]["parameters"] == {"timeout": "300"}


def test_modify_only_what_differs(stubber, run):
    current = with_values(defaults(), maxmemory_policy="noeviction", timeout="300")
    expect_read(stubber, parameters=current)
    expect_modify(stubber, [("appendonly", "yes"), ("timeout", "600")])
    expect_read(stubber, parameters=with_values(current, appendonly="yes", timeout="600"))

    result = run(dict(parameters={"maxmemory-policy": "noeviction", "timeout": 600, "appendonly": True}))

    assert result["changed"] is True
    assert result["changed_parameters"] == ["appendonly", "timeout"]
    assert result["requires_reboot"] == ["appendonly"]
    assert "appendonly take effect" in warnings_of(result)[0]
    assert result["diff"]["before"]["parameters"]["timeout"] == "300"
    assert result["diff"]["after"]["parameters"]["timeout"] == "600"


def test_modify_check_mode_touches_nothing(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), timeout="300"))

    result = run(dict(parameters={"timeout": 600}), check_mode=True)

    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"timeout": "600"}
    assert result["_sent"] == ["describe_cache_parameter_groups", "describe_cache_parameters", "list_tags_for_resource"]


def test_more_than_20_parameters_are_sent_in_batches(stubber, run):
    many = [parameter(f"param-{index:02d}", "0", data_type="integer", allowed="0-") for index in range(45)]
    expect_read(stubber, parameters=many, pages=2)
    wanted = {f"param-{index:02d}": index + 1 for index in range(45)}
    ordered = sorted((key, str(value)) for key, value in wanted.items())
    expect_modify(stubber, ordered[0:20])
    expect_modify(stubber, ordered[20:40])
    expect_modify(stubber, ordered[40:45])
    expect_read(stubber, parameters=[dict(entry, ParameterValue=str(wanted[entry["ParameterName"]]), Source="user") for entry in many])

    result = run(dict(parameters=wanted))

    assert result["changed"] is True
    assert len(result["changed_parameters"]) == 45
    assert result["_sent"].count("modify_cache_parameter_group") == 3


def test_reset_one_parameter_with_null(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), timeout="300"))
    stubber.add_response(
        "reset_cache_parameter_group",
        {"CacheParameterGroupName": NAME},
        {"CacheParameterGroupName": NAME, "ResetAllParameters": False, "ParameterNameValues": [{"ParameterName": "timeout"}]},
    )
    expect_read(stubber)

    result = run(dict(parameters={"timeout": None}))

    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"timeout": "0"}
    assert result["changed_parameters"] == ["timeout"]


def test_purge_parameters_resets_those_not_listed(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), timeout="300", appendonly="yes", maxmemory_policy="allkeys-lru"))
    stubber.add_response(
        "reset_cache_parameter_group",
        {"CacheParameterGroupName": NAME},
        {
            "CacheParameterGroupName": NAME,
            "ResetAllParameters": False,
            "ParameterNameValues": [{"ParameterName": "appendonly"}, {"ParameterName": "timeout"}],
        },
    )
    expect_read(stubber, parameters=with_values(defaults(), maxmemory_policy="allkeys-lru"))

    result = run(dict(parameters={"maxmemory-policy": "allkeys-lru"}, purge_parameters=True))

    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"maxmemory-policy": "allkeys-lru"}
    assert result["diff"]["before"]["parameters"] == {"appendonly": "yes", "maxmemory-policy": "allkeys-lru", "timeout": "300"}


def test_purge_parameters_check_mode_predicts_the_defaults(stubber, run):
    expect_read(stubber, parameters=with_values(defaults(), timeout="300"))
    expect_engine_defaults(stubber)

    result = run(dict(parameters={"timeout": None}), check_mode=True)

    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"timeout": "0"}
    assert "reset_cache_parameter_group" not in result["_sent"]


def test_tags(stubber, run):
    expect_read(stubber, tags={"Owner": "old", "Component": "cache"})
    stubber.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": ARN, "TagKeys": ["Owner"]})
    stubber.add_response("add_tags_to_resource", {"TagList": []}, {"ResourceName": ARN, "Tags": [{"Key": "Phase", "Value": "3"}]})
    expect_read(stubber, tags={"Component": "cache", "Phase": "3"})

    result = run(dict(tags={"Component": "cache", "Phase": "3"}))

    assert result["changed"] is True
    assert result["cache_parameter_group"]["tags"] == {"Component": "cache", "Phase": "3"}
    assert result["diff"]["before"]["tags"] == {"Owner": "old", "Component": "cache"}


def test_tags_check_mode_touches_nothing(stubber, run):
    expect_read(stubber, tags={"Owner": "old"})

    result = run(dict(tags={"Owner": "new"}, purge_tags=False), check_mode=True)

    assert result["changed"] is True
    assert result["cache_parameter_group"]["tags"] == {"Owner": "new"}


def test_family_change_is_refused(stubber, run):
    expect_read(stubber, group=aws_group(family="redis6.x"))

    result = run(dict(family="redis7", parameters={"timeout": 300}))

    assert result["failed"] is True
    assert "has family redis6.x, not redis7" in result["msg"]
    assert "cannot change the family" in result["msg"]
    assert result["cache_parameter_group"]["cache_parameter_group_family"] == "redis6.x"


def test_description_that_differs_warns(stubber, run):
    expect_read(stubber)

    result = run(dict(description="Another description"))

    assert result["changed"] is False
    assert "cannot change the description" in warnings_of(result)[0]


def test_bad_parameter_on_an_existing_group_changes_nothing(stubber, run):
    expect_read(stubber)

    result = run(dict(parameters={"lua-time-limit": 100, "timeout": 10}))

    assert result["failed"] is True
    assert "parameters.lua-time-limit cannot be modified" in result["msg"]
    assert "parameters.timeout is '10'; allowed: 0,20-" in result["msg"]
    assert "modify_cache_parameter_group" not in result["_sent"]


def test_modify_refused_by_aws_is_reported(stubber, run):
    expect_read(stubber)
    stubber.add_client_error(
        "modify_cache_parameter_group",
        "InvalidParameterValue",
        "Invalid value for parameter notify-keyspace-events",
        400,
        expected_params={"CacheParameterGroupName": NAME, "ParameterNameValues": [{"ParameterName": "notify-keyspace-events", "ParameterValue": "Zq"}]},
    )

    result = run(dict(parameters={"notify-keyspace-events": "Zq"}))

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to modify cache parameter group")
    assert result["error"]["code"] == "InvalidParameterValue"


# --- absent -------------------------------------------------------------------------------------


def test_delete(stubber, run):
    expect_read(stubber)
    stubber.add_response("delete_cache_parameter_group", {}, BY_NAME)

    result = run(dict(state="absent", family=None))

    assert result["changed"] is True
    assert result["cache_parameter_group"] == {}
    assert result["diff"]["before"]["cache_parameter_group_name"] == NAME


def test_delete_check_mode_touches_nothing(stubber, run):
    expect_read(stubber)

    result = run(dict(state="absent"), check_mode=True)

    assert result["changed"] is True
    assert "delete_cache_parameter_group" not in result["_sent"]


def test_delete_when_missing_is_no_change(stubber, run):
    expect_missing(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_delete_of_a_group_gone_meanwhile_is_no_change(stubber, run):
    expect_read(stubber)
    stubber.add_client_error("delete_cache_parameter_group", "CacheParameterGroupNotFound", "not found", 404, expected_params=BY_NAME)

    result = run(dict(state="absent"))

    assert result["changed"] is False


def test_delete_of_a_group_in_use_is_surfaced(stubber, run):
    expect_read(stubber)
    stubber.add_client_error(
        "delete_cache_parameter_group",
        "InvalidCacheParameterGroupState",
        "One or more cache clusters are still members of this parameter group",
        400,
        expected_params=BY_NAME,
    )

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert f"Cache parameter group {NAME} is in use" in result["msg"]
    assert result["error"]["code"] == "InvalidCacheParameterGroupState"


# --- throttling and bad input --------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_cache_parameter_groups", "Throttling", "Rate exceeded", 400, expected_params=BY_NAME)
    stubber.add_client_error("describe_cache_parameter_groups", "APICallRateForCustomerExceeded", "Slow down", 400, expected_params=BY_NAME)
    expect_read(stubber)
    stubber.add_client_error(
        "modify_cache_parameter_group",
        "Throttling",
        "Rate exceeded",
        400,
        expected_params={"CacheParameterGroupName": NAME, "ParameterNameValues": [{"ParameterName": "timeout", "ParameterValue": "300"}]},
    )
    expect_modify(stubber, [("timeout", "300")])
    expect_read(stubber, parameters=with_values(defaults(), timeout="300"))

    result = run(dict(parameters={"timeout": 300}))

    assert result["changed"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        ({"family": "memcached1.6"}, "family 'memcached1.6'"),
        ({"family": None}, "family is required with state present"),
        ({"name": "bad_name"}, "name 'bad_name'"),
        ({"parameters": {"timeout": {"value": 1}}}, "parameters.timeout must be"),
        ({"state": "gone"}, "value of state must be one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []


def test_tags_are_left_alone_without_an_arn(stubber, run):
    group = aws_group()
    del group["ARN"]
    stubber.add_response("describe_cache_parameter_groups", {"CacheParameterGroups": [group]}, BY_NAME)
    stubber.add_response("describe_cache_parameters", {"Parameters": defaults()}, BY_NAME)

    result = run(dict(tags={"Component": "cache"}))

    assert result["changed"] is False
    assert "tags are left alone" in warnings_of(result)[0]
