"""playbooks/migrate_lightsail.yml and migrate_rollback.yml against real components: two PostgreSQL 15 servers (the
Lightsail host's database, loaded with the application's schema and generated rows, and one standing for Aurora's
writer), a directory tree standing for the host's bind mounts, the emulator's S3, Lightsail and Route 53.

The Lightsail host is this machine (connection local), found by the platform inventory's `lightsail` group. On the
real host the database's port is not published and its clients run through `docker compose exec -T postgres` (the
prefix compose_info derives from the compose file); here the same tasks are pointed at the local source server with
`migration_source_exec_prefix: []` and its address, and the app's freeze commands only mark a file, since no container
runs. Everything else (compose file and env files, copies, freeze, verification, rollback, DNS) is the real path.

The runs are AWX jobs of the migration's job templates (awx_jobs.Job: the inventory updated on launch, the survey
answered, the rest launch-time variables), except the two runs stopped mid-way by a signal, which run ansible-playbook.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading

import psycopg
import pytest

from aws_harness import REPO, changing_calls
from migration_data import OWNER, create_source, hash_tree, make_volumes, mutate_one_row, sequence_states, table_fingerprints
from postgres import PostgresServer

FIXTURE = REPO / "tests" / "fixtures" / "lightsail-host"
ZONE = "seedsofempowerment.org"
SITE = "1001stories.seedsofempowerment.org"
CDN = "d1001storiesx.cloudfront.net"
INSTANCE = "1001-stories-prod"
PLAYBOOK = "playbooks/migrate_lightsail.yml"


class Health(http.server.BaseHTTPRequestHandler):
    """Stands for the new platform's /api/health behind CloudFront (the emulator's load balancers answer no HTTP)."""

    def do_GET(self):  # noqa: N802 - http.server's name
        ok = self.path == "/api/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b'{"status":"ok"}' if ok else b"")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def health():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/health"
    server.shutdown()


@pytest.fixture(scope="module")
def source():
    with PostgresServer() as pg:
        create_source(pg, scale=0.3)
        yield pg


@pytest.fixture(scope="module")
def target():
    with PostgresServer() as pg:
        yield pg


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """The host's project directory as on Lightsail: the compose file, its env files, the bind-mounted data."""
    project = tmp_path_factory.mktemp("opt-1001-stories")
    shutil.copy(FIXTURE / "docker-compose.yml", project / "docker-compose.yml")
    shutil.copy(FIXTURE / "env.production.example", project / ".env.production")
    (project / ".env").write_text("DB_PASSWORD=stories-test-password\n")
    volumes = make_volumes(project, small_files=600, pdfs=2, pdf_mb=5)
    return project, volumes


def thaw(pg):
    pg.psql("SET default_transaction_read_only TO off; ALTER DATABASE stories_db RESET default_transaction_read_only;")


def write_as_app(pg) -> str:
    """An insert as the app's role; '' when it succeeded, else the server's message."""
    try:
        with psycopg.connect(host="127.0.0.1", port=pg.port, user=OWNER, dbname="stories_db") as conn:
            conn.execute('INSERT INTO "AuditEvent" ("occurredAt", action, payload) VALUES (now(), %s, %s)', ("migration-test", '{"during": "freeze"}'))
        return ""
    except psycopg.Error as error:
        return str(error)


def objects(boto, bucket) -> dict[str, str]:
    s3 = boto("s3")
    keys = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for item in page.get("Contents", [])]
    return {key: s3.head_object(Bucket=bucket, Key=key)["Metadata"].get("sha256") for key in keys}


PREFIXES = {
    "uploads/": "uploads/",
    "public/books/": "books/",
    "public/images/": "static/images/",
    "public/generated-images/": "static/generated-images/",
    "public/covers/": "static/covers/",
}


def expected_objects(files: dict[str, str]) -> dict[str, str]:
    result = {}
    for relative, digest in files.items():
        for local, prefix in PREFIXES.items():
            if relative.startswith(local):
                result[prefix + relative[len(local) :]] = digest
    return result


def site_record(boto):
    route53 = boto("route53")
    zone = route53.list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"][0]["Id"]
    records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return next(r for r in records if r["Name"].rstrip(".") == SITE and r["Type"] == "A")


@pytest.fixture
def platform(aws, boto, tmp_path):
    """The emulator as the migration finds it: the content bucket, the Lightsail instance (us-east-2, as the app's own
    settings say), and the site's zone with its record at the instance's address, TTL 3600."""
    bucket = "1001-stories-local-content"
    boto("s3").create_bucket(Bucket=bucket)
    lightsail = boto("lightsail", "us-east-2")
    lightsail.create_instances(instanceNames=[INSTANCE], availabilityZone="us-east-2a", blueprintId="ubuntu_22_04", bundleId="medium_3_0")
    address = lightsail.get_instance(instanceName=INSTANCE)["instance"]["publicIpAddress"]
    route53 = boto("route53")
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference="migration-test")["HostedZone"]["Id"]
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {"Name": SITE, "Type": "A", "TTL": 3600, "ResourceRecords": [{"Value": address}]}}]},
    )
    return {"bucket": bucket, "address": address, "work": tmp_path / "work", "app_flag": tmp_path / "app-stopped"}


def variables(platform, host, source, target, health, database, **extra):
    project, _volumes = host
    return {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "migration_compose_file": str(project / "docker-compose.yml"),
        "migration_source_exec_prefix": [],
        "migration_source_db_host": "127.0.0.1",
        "migration_source_db_port": source.port,
        "migration_target_host": "127.0.0.1",
        "migration_target_port": target.port,
        "migration_target_user": "postgres",
        "migration_target_password": "target-test-password",
        "migration_target_database": database,
        "migration_work_dir": str(platform["work"]),
        "migration_bucket": platform["bucket"],
        "migration_app_freeze_command": ["touch", str(platform["app_flag"])],
        "migration_app_thaw_command": ["rm", "-f", str(platform["app_flag"])],
        "migration_dns_zone": ZONE,
        "migration_cdn_domain": CDN,
        "migration_health_url": health,
        "migration_health_delay": 0,
        **extra,
    }


# The migration's AWX job templates; their surveys ask the host and the confirmation.
TEMPLATES = {PLAYBOOK: "1001 Stories - Migrate from Lightsail", "playbooks/migrate_rollback.yml": "1001 Stories - Migration rollback"}
SURVEYED = ("migration_source_host", "migration_confirm")


def launch_job(launch, playbook, extra_vars):
    """The playbook's AWX job template launched as the platform team launches it (awx_jobs.Job): the survey answered,
    the rest as launch-time variables pointing the tasks at the local servers."""
    answers = {key: value for key, value in extra_vars.items() if key in SURVEYED}
    variables = {key: value for key, value in extra_vars.items() if key not in SURVEYED}
    return launch(TEMPLATES[playbook], answers=answers, extra_vars=variables)


def test_rehearsal_then_move_ends_verified_and_frozen_then_changes_nothing(platform, host, source, target, health, launch, boto, aws):
    project, volumes = host
    base = variables(platform, host, source, target, health, "stories_db_a")

    rehearsal = launch_job(launch, PLAYBOOK, base)
    assert rehearsal.rc == 0, rehearsal.output[-4000:]
    assert "Rehearsal done" in rehearsal.output
    assert write_as_app(source) == "", "a rehearsal must leave the source writable"
    assert site_record(boto)["TTL"] == 60 and site_record(boto)["ResourceRecords"] == [{"Value": platform["address"]}]
    snapshots = boto("lightsail", "us-east-2").get_instance_snapshots()["instanceSnapshots"]
    assert [s["name"] for s in snapshots] == [f"{INSTANCE}-before-migration"]
    assert objects(boto, platform["bucket"]) == expected_objects(volumes["files"])

    # The site keeps working between the rehearsal and the move: rows and a file change.
    mutate_one_row(source, "stories_db")
    write_as_app(source)
    changed = project / "public" / "books" / "added-after-rehearsal.pdf"
    changed.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    rewritten = sorted((project / "uploads").rglob("*.png"))[0]
    rewritten.write_bytes(bytes(reversed(rewritten.read_bytes())))  # same size, other bytes, a new mtime

    moved = launch_job(launch, PLAYBOOK, dict(base, migration_confirm="local"))
    assert moved.rc == 0, moved.output[-4000:]
    assert table_fingerprints(target, "stories_db_a") == table_fingerprints(source, "stories_db")
    assert all(have[0] >= want[0] for name, want in sequence_states(source, "stories_db").items() for have in [sequence_states(target, "stories_db_a")[name]])
    assert objects(boto, platform["bucket"]) == expected_objects(hash_tree(project))
    assert "books/added-after-rehearsal.pdf" in objects(boto, platform["bucket"])
    record = site_record(boto)
    assert record["AliasTarget"]["DNSName"].rstrip(".") == CDN, record
    assert platform["app_flag"].exists(), "the app's freeze command ran"
    refused = write_as_app(source)
    assert "read-only transaction" in refused, refused

    again = launch_job(launch, PLAYBOOK, dict(base, migration_confirm="local"))
    assert again.rc == 0, again.output[-4000:]
    assert again.recap()[INSTANCE]["changed"] == 0, again.output[-4000:]
    assert again.calls and changing_calls(again.calls) == []

    rollback = launch_job(launch, "playbooks/migrate_rollback.yml", dict(base, migration_confirm="local"))
    assert rollback.rc == 0, rollback.output[-4000:]
    assert site_record(boto)["ResourceRecords"] == [{"Value": platform["address"]}]
    assert write_as_app(source) == ""
    assert not platform["app_flag"].exists()


def test_a_row_changed_in_the_target_after_the_copy_fails_verification_and_rolls_back(platform, host, source, target, health, ansible_env, boto):
    """The target is changed between the final copy and the verification (the run is stopped there with SIGSTOP, so
    nothing races): verification names the table, the freeze is lifted and DNS is left at Lightsail."""
    thaw(source)
    extra = variables(platform, host, source, target, health, "stories_db_c", migration_confirm="local")
    process = start(ansible_env, extra)
    output = read_until(process, "Fingerprint the frozen source")
    os.killpg(process.pid, signal.SIGSTOP)
    try:
        changed = mutate_one_row(target, "stories_db_c")
    finally:
        os.killpg(process.pid, signal.SIGCONT)
    output += process.stdout.read()
    assert process.wait() != 0
    text = " ".join(output.split())
    assert "Migration rolled back" in text and "table public.reading_progress: same" in text, output[-4000:]
    assert changed["table"] == "public.reading_progress"
    assert write_as_app(source) == "", "the rollback leaves the source writable"
    assert site_record(boto)["ResourceRecords"] == [{"Value": platform["address"]}]
    assert not platform["app_flag"].exists()


def test_a_run_killed_in_the_middle_and_run_again_ends_verified(platform, host, source, target, health, ansible_env, launch, boto):
    """Killed (SIGKILL, its whole process group) when the final database copy starts, under the freeze: the re-run
    finds the source frozen, copies what is missing and ends verified, with nothing lost or duplicated."""
    thaw(source)
    project, _volumes = host
    extra = variables(platform, host, source, target, health, "stories_db_b", migration_confirm="local")
    process = start(ansible_env, extra)
    read_until(process, "Copy the database unless the target holds the same rows (final)")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert "read-only transaction" in write_as_app(source), "killed under the freeze"

    again = launch_job(launch, PLAYBOOK, extra)
    assert again.rc == 0, again.output[-4000:]
    assert table_fingerprints(target, "stories_db_b") == table_fingerprints(source, "stories_db")
    assert objects(boto, platform["bucket"]) == expected_objects(hash_tree(project))
    assert site_record(boto)["AliasTarget"]["DNSName"].rstrip(".") == CDN


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"migration_confirm": "production"}, "migration_confirm must be the environment name (local) or empty for a rehearsal, got production"),
        ({"migration_dump_jobs": 0}, "migration_dump_jobs must be 1 to 16, got 0"),
        ({"migration_confirm": "local", "migration_dns_zone": ""}, "migration_dns_zone is required for the cutover"),
    ],
)
def test_bad_input_is_refused_before_any_call(platform, host, source, target, health, launch, aws, extra, message):
    refused = launch_job(launch, PLAYBOOK, dict(variables(platform, host, source, target, health, "stories_db_x"), **extra))
    assert refused.rc != 0
    assert message in " ".join(refused.output.split()), refused.output[-3000:]
    assert refused.calls == []


def start(ansible_env, extra) -> subprocess.Popen:
    import json

    env = dict(ansible_env, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        ["ansible-playbook", "-i", "inventories/local", PLAYBOOK, "--extra-vars", json.dumps(extra)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def read_until(process: subprocess.Popen, marker: str) -> str:
    seen = []
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"the run ended (rc {process.wait()}) before '{marker}':\n" + "".join(seen)[-4000:])


def test_preflight_stops_when_the_dump_does_not_fit_before_touching_anything(platform, host, source, target, health, launch, boto):
    """Preflight reads both servers and the host, then stops on what does not fit (here the work directory's free
    space against a dump needing a million times the database's size): no snapshot, no object, no copy."""
    thaw(source)
    stopped = launch_job(launch, PLAYBOOK, variables(platform, host, source, target, health, "stories_db_p", migration_work_space_factor=1000000.0))
    assert stopped.rc != 0
    text = " ".join(stopped.output.split())
    assert "Preflight:" in text and "MB free, the dump needs about" in text, stopped.output[-3000:]
    assert "PostgreSQL 15" in text, "the preflight report names the versions"
    assert boto("lightsail", "us-east-2").get_instance_snapshots()["instanceSnapshots"] == []
    assert boto("s3").list_objects_v2(Bucket=platform["bucket"]).get("KeyCount", 0) == 0
    assert target.psql("SELECT count(*) FROM pg_database WHERE datname = 'stories_db_p'") == "0"
