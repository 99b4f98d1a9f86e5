# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_compose: interpolation, env files, precedence, volumes and ports as docker compose reads them."""

import os

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _compose as compose
from ansible_collections.stories1001.infra.plugins.module_utils._compose import ComposeError

VARIABLES = {"SET": "value", "EMPTY": "", "OTHER": "other"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain", "plain"),
        ("$SET", "value"),
        ("${SET}", "value"),
        ("x${SET}y", "xvaluey"),
        ("$SET-suffix", "value-suffix"),
        ("${SET:-default}", "value"),
        ("${EMPTY:-default}", "default"),
        ("${UNSET:-default}", "default"),
        ("${SET-default}", "value"),
        ("${EMPTY-default}", ""),
        ("${UNSET-default}", "default"),
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${UNSET:+alt}", ""),
        ("${SET+alt}", "alt"),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${SET:?must be set}", "value"),
        ("${EMPTY?must be set}", ""),
        ("$$", "$"),
        ("$$SET", "$SET"),
        ("$${SET}", "${SET}"),
        ("a $$ b $SET", "a $ b value"),
        ("${UNSET:-${SET}}", "value"),
        ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
        ("${UNSET:-pre-${OTHER}-post}", "pre-other-post"),
        ("${SET:-${UNSET}}", "value"),
        ("${UNSET:-}", ""),
        ("${UNSET:-a:b}", "a:b"),
        ("${UNSET:-$$literal}", "$literal"),
        ("sleep 6h & wait $${!}", "sleep 6h & wait ${!}"),
    ],
)
def test_interpolation(text, expected):
    missing = set()
    assert compose.interpolate(text, VARIABLES, missing) == expected
    assert missing == set()


@pytest.mark.parametrize("text, expected", [("$UNSET", ""), ("${UNSET}", ""), ("a${UNSET}b", "ab"), ("${UNSET:+x}${UNSET}", "")])
def test_unset_variable_is_empty_and_reported(text, expected):
    missing = set()
    assert compose.interpolate(text, VARIABLES, missing) == expected
    assert missing == {"UNSET"}


def test_default_not_evaluated_when_variable_is_set():
    missing = set()
    assert compose.interpolate("${SET:-${UNSET}}", VARIABLES, missing) == "value"
    assert missing == set()


def test_lookup_may_be_a_function():
    def lookup(name):
        return {"A": "a"}.get(name)

    assert compose.interpolate("${A}-${B:-b}", lookup) == "a-b"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("${UNSET:?DB_PASSWORD must be set}", "required variable UNSET is missing a value: DB_PASSWORD must be set"),
        ("${EMPTY:?is empty}", "required variable EMPTY is missing a value: is empty"),
        ("${UNSET?gone}", "required variable UNSET is missing a value: gone"),
        ("${UNSET:?}", "required variable UNSET is missing a value: empty or unset"),
        ("${UNSET?}", "required variable UNSET is missing a value: unset"),
    ],
)
def test_required_variable_errors_name_it(text, expected):
    with pytest.raises(ComposeError) as error:
        compose.interpolate(text, VARIABLES, where="services.postgres.environment[1]")
    assert str(error.value) == "services.postgres.environment[1]: " + expected


@pytest.mark.parametrize("text", ["${", "${SET", "${}", "${1A}", "${SET:x}", "$", "cost: 5$", "$!", "${SET:-${OTHER}"])
def test_malformed_expressions_are_errors(text):
    with pytest.raises(ComposeError, match="invalid interpolation format"):
        compose.interpolate(text, VARIABLES)


def test_error_message_carries_no_value():
    secret = {"DB_PASSWORD": "hunter2"}
    with pytest.raises(ComposeError) as error:
        compose.interpolate("${DB_PASSWORD}$!", secret, where="x")
    assert "hunter2" not in str(error.value)


def test_interpolate_tree_keeps_keys_and_non_strings():
    tree = {"${SET}": ["$SET", 5, True, None, {"k": "${UNSET:-d}"}]}
    assert compose.interpolate_tree(tree, VARIABLES) == {"${SET}": ["value", 5, True, None, {"k": "d"}]}


def test_interpolate_tree_error_says_where():
    with pytest.raises(ComposeError, match=r"^services\.db\.environment\[0\]: required variable X"):
        compose.interpolate_tree({"services": {"db": {"environment": ["P=${X:?}"]}}}, {})


def test_variables_in():
    assert compose.variables_in("${DB_PASSWORD}") == ["DB_PASSWORD"]
    assert compose.variables_in("$$NOT ${A:-${B}} $A") == ["A", "B"]
    assert compose.variables_in("literal") == []


# ---------------------------------------------------------------------------------------------------------------------
# Env files

ENV_FILE = r"""
# a comment
PLAIN=value
SPACED = trimmed value
INLINE=kept # a comment
HASH=no#comment
DOUBLE="quoted # not a comment"
ESCAPES="line1\nline2\ttab \"q\" \\ \$HOME"
SINGLE='literal $PLAIN \n # here'
EXPANDED="${PLAIN}-x"
UNQUOTED_EXPANDED=$PLAIN/y
export EXPORTED=yes
YAML_STYLE: colon
EMPTY=
EMPTY_QUOTED=""
MULTI="first
second"
INHERITED
NOT_INHERITED
  INDENTED=ok
DUP=first
DUP=second
TRAILING="q" # comment after quotes
"""


def test_env_file_parsing():
    values = compose.parse_env_file(ENV_FILE, {"INHERITED": "from-shell"})
    assert values == {
        "PLAIN": "value",
        "SPACED": "trimmed value",
        "INLINE": "kept",
        "HASH": "no#comment",
        "DOUBLE": "quoted # not a comment",
        "ESCAPES": 'line1\nline2\ttab "q" \\ $HOME',
        "SINGLE": r"literal $PLAIN \n # here",
        "EXPANDED": "value-x",
        "UNQUOTED_EXPANDED": "value/y",
        "EXPORTED": "yes",
        "YAML_STYLE": "colon",
        "EMPTY": "",
        "EMPTY_QUOTED": "",
        "MULTI": "first\nsecond",
        "INHERITED": "from-shell",
        "INDENTED": "ok",
        "DUP": "second",
        "TRAILING": "q",
    }
    assert list(values)[:3] == ["PLAIN", "SPACED", "INLINE"]


def test_env_file_lookup_wins_over_earlier_keys():
    assert compose.parse_env_file("A=file\nB=${A}\n", {"A": "shell"}) == {"A": "file", "B": "shell"}


def test_env_file_reports_unset_variables():
    missing = set()
    assert compose.parse_env_file("A=${NOPE}x\n", {}, missing) == {"A": "x"}
    assert missing == {"NOPE"}


@pytest.mark.parametrize("text, message", [("A=\"open\n", "line 1: the value of A has no closing \""), ("BAD KEY=1\n", "line 1: invalid variable name"),
                                           ("A=1\n=2\n", "line 2: a key is missing"), ("A=${X:?needed}\n", "required variable X")])
def test_env_file_errors(text, message):
    with pytest.raises(ComposeError, match=message):
        compose.parse_env_file(text, {}, where="env file .env")


def test_env_file_error_carries_no_value():
    with pytest.raises(ComposeError) as error:
        compose.parse_env_file('PASSWORD="hunter2\n', {})
    assert "hunter2" not in str(error.value)


def test_real_fixture_env_file():
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "lightsail-host", "env.production.example")
    values = compose.read_env_file(path)
    assert values["POSTGRES_USER"] == "postgres"
    assert values["DATABASE_URL"] == "postgresql://postgres:YOUR_SECURE_PASSWORD@postgres:5432/stories_db"
    assert "SENTRY_DSN" not in values and "AWS_REGION" not in values
    assert len(values) == 21


# ---------------------------------------------------------------------------------------------------------------------
# Precedence


def test_shell_environment_wins_over_env_files_for_interpolation(tmp_path):
    first, second = tmp_path / "first.env", tmp_path / "second.env"
    first.write_text("A=first\nB=first\nC=first\n")
    second.write_text("B=second\nC=second\nD=${A}-${C}\n")
    variables = compose.interpolation_environment([str(first), str(second)], {"C": "shell", "E": None})
    assert variables == {"A": "first", "B": "second", "C": "shell", "D": "first-shell"}


def test_service_environment_precedence(tmp_path):
    (tmp_path / "one.env").write_text("POSTGRES_USER=postgres\nPOSTGRES_DB=one\nONLY_FILE=${INTERP}\nKEEP=file\n")
    (tmp_path / "two.env").write_text("POSTGRES_DB=two\n")
    service = {
        "env_file": ["one.env", {"path": "two.env", "required": True}, {"path": "missing.env", "required": False}],
        "environment": ["POSTGRES_USER=stories_user", "FROM_SHELL", "NOT_SET", "KEEP"],
    }
    environment, sources = compose.service_environment(service, str(tmp_path), {"INTERP": "interpolated", "FROM_SHELL": "shell"})
    assert environment == {"POSTGRES_USER": "stories_user", "POSTGRES_DB": "two", "ONLY_FILE": "interpolated", "KEEP": "file", "FROM_SHELL": "shell"}
    assert sources["POSTGRES_USER"] == "environment"
    assert sources["POSTGRES_DB"] == str(tmp_path / "two.env")


def test_service_environment_as_mapping(tmp_path):
    (tmp_path / ".env.production").write_text("DEBUG=0\nPORT=1\n")
    service = {"env_file": ".env.production", "environment": {"DEBUG": True, "PORT": 3000, "UNSET": None}}
    environment = compose.service_environment(service, str(tmp_path), {})[0]
    assert environment == {"DEBUG": "true", "PORT": "3000"}


def test_missing_required_env_file_is_an_error(tmp_path):
    with pytest.raises(ComposeError, match=r"services\.app: env file .*/\.env\.production not found"):
        compose.service_environment({"env_file": [".env.production"]}, str(tmp_path), {}, where="services.app")


# ---------------------------------------------------------------------------------------------------------------------
# Volumes, ports, images

TOP_LEVEL = {
    "postgres_data": {"driver": "local", "driver_opts": {"type": "none", "o": "bind", "device": "/opt/1001-stories/data/postgres"}},
    "relative": {"driver_opts": {"type": "none", "o": "bind,rw", "device": "./data/rel"}},
    "nginx_cache": {"driver": "local"},
    "shared": {"external": True},
    "named": {"name": "explicit-name"},
    "empty": None,
}


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("./uploads:/app/uploads:rw", {"type": "bind", "source": "/srv/p/uploads", "target": "/app/uploads", "read_only": False, "volume": None}),
        ("./public/books:/app/public/books:ro",
         {"type": "bind", "source": "/srv/p/public/books", "target": "/app/public/books", "read_only": True, "volume": None}),
        ("/abs/dir/:/in", {"type": "bind", "source": "/abs/dir", "target": "/in", "read_only": False, "volume": None}),
        ("../up:/in:ro,z", {"type": "bind", "source": "/srv/up", "target": "/in", "read_only": True, "volume": None}),
        ("postgres_data:/var/lib/postgresql/data:rw",
         {"type": "volume", "source": "/opt/1001-stories/data/postgres", "target": "/var/lib/postgresql/data", "read_only": False,
          "volume": "p_postgres_data"}),
        ("relative:/r", {"type": "volume", "source": "/srv/p/data/rel", "target": "/r", "read_only": False, "volume": "p_relative"}),
        ("nginx_cache:/var/cache/nginx:ro", {"type": "volume", "source": None, "target": "/var/cache/nginx", "read_only": True, "volume": "p_nginx_cache"}),
        ("shared:/s", {"type": "volume", "source": None, "target": "/s", "read_only": False, "volume": "shared"}),
        ("named:/n", {"type": "volume", "source": None, "target": "/n", "read_only": False, "volume": "explicit-name"}),
        ("empty:/e", {"type": "volume", "source": None, "target": "/e", "read_only": False, "volume": "p_empty"}),
        ("/anonymous", {"type": "volume", "source": None, "target": "/anonymous", "read_only": False, "volume": None}),
        ({"type": "bind", "source": "./public/covers", "target": "/app/public/covers", "read_only": True},
         {"type": "bind", "source": "/srv/p/public/covers", "target": "/app/public/covers", "read_only": True, "volume": None}),
        ({"type": "volume", "source": "postgres_data", "target": "/data"},
         {"type": "volume", "source": "/opt/1001-stories/data/postgres", "target": "/data", "read_only": False, "volume": "p_postgres_data"}),
        ({"type": "tmpfs", "target": "/tmp"}, {"type": "tmpfs", "source": None, "target": "/tmp", "read_only": False, "volume": None}),
    ],
)
def test_parse_volume(spec, expected):
    assert compose.parse_volume(spec, "/srv/p", TOP_LEVEL, "p") == expected


def test_home_is_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/deploy")
    assert compose.parse_volume("~/data:/d", "/srv/p", {}, "p")["source"] == "/home/deploy/data"


@pytest.mark.parametrize("spec, message", [("undeclared:/x", "the volume undeclared is not declared"), ("a:b:c:d", "invalid volume specification"),
                                           ({"type": "bind", "target": "/x"}, "a bind mount has no source"), ({"type": "bind", "source": "./x"}, "no target")])
def test_bad_volumes(spec, message):
    with pytest.raises(ComposeError, match=message):
        compose.parse_volume(spec, "/srv/p", TOP_LEVEL, "p", where="services.app.volumes[0]")


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("3000:3000", [{"host_ip": None, "published": 3000, "target": 3000, "protocol": "tcp"}]),
        ("127.0.0.1:5432:5432", [{"host_ip": "127.0.0.1", "published": 5432, "target": 5432, "protocol": "tcp"}]),
        ("[::1]:8080:80/udp", [{"host_ip": "::1", "published": 8080, "target": 80, "protocol": "udp"}]),
        ("6379", [{"host_ip": None, "published": None, "target": 6379, "protocol": "tcp"}]),
        (9000, [{"host_ip": None, "published": None, "target": 9000, "protocol": "tcp"}]),
        ("8000-8001:80-81",
         [{"host_ip": None, "published": 8000, "target": 80, "protocol": "tcp"}, {"host_ip": None, "published": 8001, "target": 81, "protocol": "tcp"}]),
        ({"target": 3000, "published": "8080", "protocol": "tcp", "host_ip": "0.0.0.0"},
         [{"host_ip": "0.0.0.0", "published": 8080, "target": 3000, "protocol": "tcp"}]),  # nosec - a test value
    ],
)
def test_parse_ports(spec, expected):
    assert compose.parse_ports([spec]) == expected


@pytest.mark.parametrize(
    "image, repository, tag, version",
    [
        ("postgres:15-alpine", "postgres", "15-alpine", "15"),
        ("redis:7-alpine", "redis", "7-alpine", "7"),
        ("postgres:15.4", "postgres", "15.4", "15"),
        ("postgres", "postgres", None, None),
        ("postgres:latest", "postgres", "latest", None),
        ("registry.example.org:5000/team/postgres:16", "registry.example.org:5000/team/postgres", "16", "16"),
        ("registry.example.org:5000/postgres", "registry.example.org:5000/postgres", None, None),
        ("postgres:14@sha256:abcd", "postgres", "14", "14"),
        ("valkey/valkey:8.0", "valkey/valkey", "8.0", "8"),
    ],
)
def test_image_versions(image, repository, tag, version):
    assert compose.parse_image(image)[:2] == (repository, tag)
    assert compose.major_version(tag) == version


@pytest.mark.parametrize(
    "name, value, secret",
    [
        ("POSTGRES_PASSWORD", "x", True),
        ("NEXTAUTH_SECRET", "x", True),
        ("OPENAI_API_KEY", "x", True),
        ("AWS_ACCESS_KEY_ID", "x", True),
        ("GITHUB_TOKEN", "x", True),
        ("SENTRY_DSN", "x", True),
        ("DATABASE_URL", "postgresql://postgres:pw@postgres:5432/db", True),
        ("REDIS_URL", "redis://:pw@redis:6379", True),
        ("NEXTAUTH_URL", "https://1001stories.seedsofempowerment.org", False),
        ("GOOGLE_CLIENT_ID", "x", False),
        ("POSTGRES_USER", "stories_user", False),
        ("KEYBOARD", "x", False),
    ],
)
def test_secret_names(name, value, secret):
    assert compose.is_secret(name, value) is secret


def test_directory_usage(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one").write_bytes(b"x" * 10)
    (tmp_path / "a" / "b" / "two").write_bytes(b"y" * 32)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "a" / "one")
    assert compose.directory_usage(str(tmp_path / "a")) == {"exists": True, "size_bytes": 42, "file_count": 2, "complete": True}
    assert compose.directory_usage(str(tmp_path / "a" / "one")) == {"exists": True, "size_bytes": 10, "file_count": 1, "complete": True}
    assert compose.directory_usage(str(tmp_path / "nope")) == {"exists": False, "size_bytes": 0, "file_count": 0, "complete": True}


def test_host_path_takes_the_longest_mount():
    mounts = [{"source": "/opt/data/pg", "target": "/var/lib/postgresql/data"}, {"source": "/srv/conf/pg.conf", "target": "/etc/postgresql/postgresql.conf"},
              {"source": "/srv/root", "target": "/var"}]
    assert compose.host_path("/var/lib/postgresql/data/pgdata", mounts) == "/opt/data/pg/pgdata"
    assert compose.host_path("/var/lib/postgresql/data", mounts) == "/opt/data/pg"
    assert compose.host_path("/var/log", mounts) == "/srv/root/log"
    assert compose.host_path("/etc/postgresql/postgresql.conf", mounts) == "/srv/conf/pg.conf"
    assert compose.host_path("/etc/other", mounts) is None


@pytest.mark.parametrize("text, expected", [("a: yes", {"a": "yes"}), ("a: on", {"a": "on"}), ("a: true", {"a": True}), ("p: 22:22", {"p": "22:22"}),
                                            ("m: 0755", {"m": 755}), ("m: 0o755", {"m": 493}), ("n: 5", {"n": 5}), ("f: 1.5", {"f": 1.5})])
def test_yaml_reads_scalars_as_compose_does(text, expected):
    assert compose.load_yaml(text, "test") == expected


def test_yaml_error_names_position_not_content():
    with pytest.raises(ComposeError) as error:
        compose.load_yaml("services:\n  db:\n    environment: [PASSWORD=hunter2\n", "compose file x.yml")
    assert str(error.value).startswith("compose file x.yml is not valid YAML: ")
    assert "line" in str(error.value) and "hunter2" not in str(error.value)
