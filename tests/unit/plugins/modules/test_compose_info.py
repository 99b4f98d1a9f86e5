# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""compose_info driven through main() on the real Lightsail host's compose file and env file
(tests/fixtures/lightsail-host), copied into a project directory with some of its bind directories made."""

import json
import shutil
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.stories1001.infra.plugins.modules import compose_info as module_under_test

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "lightsail-host"
DB_PASSWORD = "n0t-in-any-message"  # nosec - a test value
SAVE = [[900, 1], [300, 10], [60, 10000]]


@pytest.fixture
def project(tmp_path):
    """The host's project directory: docker-compose.yml, .env.production (the services' env_file), .env (DB_PASSWORD for
    interpolation), uploads and public/books with files, public/images empty, public/covers and generated-images missing."""
    directory = tmp_path / "1001-stories"
    directory.mkdir()
    shutil.copy(FIXTURE / "docker-compose.yml", directory / "docker-compose.yml")
    shutil.copy(FIXTURE / "env.production.example", directory / ".env.production")
    (directory / ".env").write_text(f"# interpolation only\nDB_PASSWORD='{DB_PASSWORD}'\n")
    uploads = directory / "uploads" / "2026" / "11"
    uploads.mkdir(parents=True)
    for index in range(3):
        (uploads / f"photo-{index}.jpg").write_bytes(b"j" * (100 + index))
    (directory / "uploads" / "avatar.png").write_bytes(b"p" * 7)
    (directory / "public" / "books").mkdir(parents=True)
    (directory / "public" / "books" / "story.pdf").write_bytes(b"%PDF" + b"0" * 4996)
    (directory / "public" / "images").mkdir()
    (directory / "prisma").mkdir()
    (directory / "prisma" / "schema.prisma").write_text("datasource db {}\n")
    return directory


WARNINGS = "_warnings"


def run(args, capsys, check_mode=False):
    """main() with the options; returns its JSON result (failed ones included), the warnings in result["_warnings"] as
    module.warn() got them (once the controller's code is imported, as other tests do, ansible-core sends module warnings
    to its display instead of the result)."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    recorded = []
    original = module_under_test.AnsibleModule.warn

    def warn(module, warning):
        recorded.append(warning)
        original(module, warning)

    module_under_test.AnsibleModule.warn = warn
    try:
        with patch_module_args(args), pytest.raises(SystemExit):
            module_under_test.main()
    finally:
        module_under_test.AnsibleModule.warn = original
    result = json.loads(capsys.readouterr().out)
    result[WARNINGS] = recorded
    return result


def warnings(result):
    return result[WARNINGS]


def test_real_fixture(project, capsys):
    result = run({"path": str(project / "docker-compose.yml")}, capsys)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False
    assert result["project_directory"] == str(project)
    assert result["project_name"] == "1001-stories"
    assert result["env_files"] == [str(project / ".env")]
    assert result["services"] == ["app", "certbot", "nginx", "node-exporter", "postgres", "prometheus", "redis"]

    database = result["database"]
    assert database["service"] == "postgres"
    assert database["image"] == "postgres:15-alpine"
    assert database["engine"] == "postgresql"
    assert database["version"] == "15"
    # environment: POSTGRES_USER=stories_user wins over the env_file's POSTGRES_USER="postgres".
    assert database["user"] == "stories_user"
    assert database["database"] == "stories_db"
    assert database["password_variable"] == "DB_PASSWORD"
    assert database["password_source"] == "environment"
    assert database["password_set"] is True
    assert "password" not in database
    assert database["published_ports"] == []
    assert database["data_directory"] == "/opt/1001-stories/data/postgres"
    assert database["data_volume"] == "1001-stories_postgres_data"
    assert database["pgdata_directory"] == "/opt/1001-stories/data/postgres/pgdata"
    assert database["shared_preload_libraries"] == ["pg_stat_statements"]
    assert database["shared_preload_libraries_from"] == "environment"
    assert database["config_file_source"] == str(project / "postgres" / "postgresql.conf")
    assert database["settings"]["log_statement"] == "all"
    assert database["container_name"] == "1001-stories-postgres"
    assert database["exec_prefix"] == ["docker", "compose", "-f", str(project / "docker-compose.yml"), "--project-directory", str(project),
                                       "-p", "1001-stories", "exec", "-T", "postgres"]

    cache = result["cache"]
    assert (cache["service"], cache["engine"], cache["version"]) == ("redis", "redis", "7")
    assert cache["appendonly"] is True
    assert cache["save"] == SAVE
    assert cache["maxmemory"] == "256mb"
    assert cache["maxmemory_policy"] == "noeviction"
    assert cache["auth"] is False
    assert cache["data_directory"] == "/opt/1001-stories/data/redis"

    app = result["app"]
    assert app["service"] == "app"
    assert app["image"] == "1001-stories-app:latest"  # ${APP_IMAGE:-1001-stories-app:latest}, APP_IMAGE unset
    assert app["ports"] == [{"host_ip": None, "published": 3000, "target": 3000, "protocol": "tcp"}]
    assert app["health_check_url"] == "http://localhost:3000/api/health"
    assert app["env_files"] == [str(project / ".env.production")]
    # environment: NODE_ENV=production over the env file; the file's values otherwise.
    assert app["environment"]["NODE_ENV"] == "production"
    assert app["environment"]["NEXTAUTH_URL"] == "https://1001stories.seedsofempowerment.org"
    assert {"DATABASE_URL", "REDIS_URL", "NEXTAUTH_SECRET", "POSTGRES_PASSWORD", "OPENAI_API_KEY", "GOOGLE_CLIENT_SECRET"} <= set(app["secret_names"])
    assert not set(app["secret_names"]) & set(app["environment"])

    volumes = {volume["name"]: volume for volume in result["volumes"]}
    assert [volume["name"] for volume in result["volumes"]] == sorted(volumes)
    assert set(volumes) == {"uploads", "books", "images", "generated-images", "covers", "prisma"}
    expected = {
        "uploads": ("uploads", "/app/uploads", False, True, 100 + 101 + 102 + 7, 4),
        "books": ("public/books", "/app/public/books", True, True, 5000, 1),
        "images": ("public/images", "/app/public/images", True, True, 0, 0),
        "generated-images": ("public/generated-images", "/app/public/generated-images", False, False, 0, 0),
        "covers": ("public/covers", "/app/public/covers", False, False, 0, 0),
    }
    for name, (source, target, read_only, exists, size, count) in expected.items():
        volume = volumes[name]
        assert volume["source"] == str(project / source), name
        assert (volume["target"], volume["read_only"], volume["exists"]) == (target, read_only, exists), name
        assert (volume["size_bytes"], volume["file_count"]) == (size, count), name
        assert volume["type"] == "bind" and volume["service"] == "app"

    assert warnings(result) == []
    assert DB_PASSWORD not in json.dumps(result)


def test_check_mode_returns_the_same(project, capsys):
    args = {"path": str(project / "docker-compose.yml")}
    assert run(args, capsys, check_mode=True) == run(args, capsys)


def test_return_secrets(project, capsys):
    result = run({"path": str(project / "docker-compose.yml"), "return_secrets": True}, capsys)
    assert result["database"]["password"] == DB_PASSWORD
    assert result["app"]["environment"]["POSTGRES_PASSWORD"] == "YOUR_SECURE_PASSWORD"
    assert result["app"]["environment"]["DATABASE_URL"].startswith("postgresql://postgres:")


def test_without_env_file_the_password_is_unset_with_a_warning(project, capsys):
    (project / ".env").unlink()
    result = run({"path": str(project / "docker-compose.yml"), "return_secrets": True}, capsys)
    assert result["env_files"] == []
    assert result["database"]["password_set"] is False
    assert result["database"]["password"] == ""
    assert 'The "DB_PASSWORD" variable is not set. Defaulting to a blank string.' in warnings(result)


def test_shell_environment_wins_over_env_file(project, capsys):
    result = run({"path": str(project / "docker-compose.yml"), "return_secrets": True,
                  "environment": {"DB_PASSWORD": "from-shell", "APP_IMAGE": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2026.11.2"}}, capsys)
    assert result["database"]["password"] == "from-shell"
    assert result["app"]["image"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2026.11.2"


def test_secret_given_in_environment_is_hidden_from_the_result(project, capsys):
    result = run({"path": str(project / "docker-compose.yml"), "environment": {"DB_PASSWORD": "shell-secret-value"}}, capsys)
    assert "shell-secret-value" not in json.dumps(result)


def test_explicit_env_files_and_project_directory(project, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(project / "docker-compose.yml"), str(elsewhere / "docker-compose.yml"))
    env = tmp_path / "prod.env"
    env.write_text("APP_IMAGE=app:1.2.3\nCOMPOSE_PROJECT_NAME=Stories_1001\n")
    result = run({"path": str(elsewhere / "docker-compose.yml"), "project_directory": str(project), "env_files": [str(env)]}, capsys)
    assert result["env_files"] == [str(env)]
    assert result["app"]["image"] == "app:1.2.3"
    assert result["project_name"] == "stories_1001"
    assert result["database"]["password_set"] is False  # .env is not read when env files are given
    assert result["database"]["exec_prefix"][-5:] == ["--env-file", str(env), "exec", "-T", "postgres"]
    assert {volume["name"]: volume["source"] for volume in result["volumes"]}["uploads"] == str(project / "uploads")


def test_sizes_false(project, capsys):
    result = run({"path": str(project / "docker-compose.yml"), "sizes": False}, capsys)
    uploads = next(volume for volume in result["volumes"] if volume["name"] == "uploads")
    assert uploads["exists"] is True
    assert "size_bytes" not in uploads and "file_count" not in uploads
    assert "data_usage" not in result["database"]


def test_directory_as_path(project, capsys):
    assert run({"path": str(project)}, capsys)["compose_file"] == str(project / "docker-compose.yml")


def test_named_services(project, capsys):
    result = run({"path": str(project / "docker-compose.yml"), "database_service": "postgres", "cache_service": "redis", "app_service": "nginx"}, capsys)
    assert result["app"]["service"] == "nginx"
    assert {volume["name"] for volume in result["volumes"]} >= {"conf", "covers", "images", "generated-images", "logs"}


def mutate(project, old, new):
    compose_file = project / "docker-compose.yml"
    text = compose_file.read_text()
    assert old in text
    compose_file.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (None, {"database_service": "db"},
         "database service db is not in the compose file (services: app, certbot, nginx, node-exporter, postgres, prometheus, redis)"),
        (None, {"cache_service": "valkey"}, "cache service valkey is not in the compose file"),
        (None, {"path": "missing.yml"}, "compose file {project}/missing.yml not found"),
        (None, {"env_files": ["/nonexistent/.env"]}, "env file /nonexistent/.env not found"),
        (("- POSTGRES_PASSWORD=${DB_PASSWORD}", "- POSTGRES_PASSWORD=${DB_PASSWORD:?set DB_PASSWORD in .env}"), {"env_files": []},
         "services.postgres.environment[1]: required variable DB_PASSWORD is missing a value: set DB_PASSWORD in .env"),
        (("  postgres:\n    image", "  postgres:\n   image: [\n    image"), {}, "is not valid YAML"),
        (("\n  redis:\n", "\n  redis2:\n    image: redis:6\n  redis:\n"), {},
         "several services look like the cache (redis, redis2): name one with cache_service"),
        (("- postgres_data:/var", "- pg_data:/var"), {}, "services.postgres.volumes[0]: the volume pg_data is not declared"),
    ],
)
def test_bad_input(project, capsys, setup, args, message):
    if setup:
        mutate(project, *setup)
    options = dict({"path": str(project / "docker-compose.yml")}, **args)
    if not options["path"].startswith("/"):
        options["path"] = str(project / options["path"])
    result = run(options, capsys)
    assert result["failed"] is True
    assert message.format(project=project) in result["msg"]
    assert DB_PASSWORD not in result["msg"] + "".join(warnings(result))


def test_secret_in_a_bad_line_is_not_quoted(project, capsys):
    mutate(project, "- POSTGRES_DB=stories_db", f"- POSTGRES_DB=stories_db\n      - BROKEN: [{DB_PASSWORD}")
    result = run({"path": str(project / "docker-compose.yml")}, capsys)
    assert result["failed"] is True and "not valid YAML" in result["msg"]
    assert DB_PASSWORD not in result["msg"] + "".join(warnings(result))


def test_override_file_is_warned_about(project, capsys):
    (project / "docker-compose.override.yml").write_text("services: {}\n")
    result = run({"path": str(project / "docker-compose.yml")}, capsys)
    assert any("docker-compose.override.yml" in warning for warning in warnings(result))
