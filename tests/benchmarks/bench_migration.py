"""Benchmark the Lightsail migration (`make bench-migration`, part of `make bench`): figures, not assertions.

On the data the migration tests use (tests/integration/migration_data.py; scale 1 by default: about 130,000 rows in
61 tables, and 2,000 small files plus three 8 MB PDFs), two PostgreSQL 15 servers and the embedded AWS:
  1. plain tools: `pg_dump -Fc | pg_restore` into an empty database, and `aws s3 sync` of the five data directories
     (first pass, then a second pass with nothing changed);
  2. playbooks/migrate_lightsail.yml as a rehearsal (copy while live), then again (nothing changed), then with
     migration_confirm (freeze, final delta, verification, cutover): the database copy's dump and restore times as
     the module measured them, the task times of the file and database copies, the write freeze's length (freeze to
     verified, as the role records it) and each run's wall time.
Prints one table and writes .emulator/bench-migration.json. Usage: bench_migration.py [scale].
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "integration"))

import boto3  # noqa: E402

from migration_data import create_source, make_volumes, mutate_one_row  # noqa: E402
from postgres import PostgresServer  # noqa: E402
from tools.emulator import Emulator  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "lightsail-host"
DIRS = {
    "uploads": "uploads/",
    "public/books": "books/",
    "public/images": "static/images/",
    "public/generated-images": "static/generated-images/",
    "public/covers": "static/covers/",
}


def timed(argv, **kwargs) -> float:
    started = time.monotonic()
    subprocess.run(argv, check=True, **kwargs)
    return time.monotonic() - started


def task_seconds(result: dict, name: str) -> float:
    total = 0.0
    for play in result["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].split(" : ", 1)[-1] == name:
                duration = task["task"]["duration"]
                total += (datetime.fromisoformat(duration["end"].rstrip("Z")) - datetime.fromisoformat(duration["start"].rstrip("Z"))).total_seconds()
    return total


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    out = REPO / ".emulator"
    out.mkdir(exist_ok=True)
    report: dict = {"scale": scale}
    with Emulator(port=0) as aws, PostgresServer() as source, PostgresServer() as target:
        work = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-migration-{os.getpid()}"
        project = work / "opt-1001-stories"
        project.mkdir(parents=True)
        try:
            generated = create_source(source, scale=scale)
            volumes = make_volumes(project)
            shutil.copy(FIXTURE / "docker-compose.yml", project / "docker-compose.yml")
            shutil.copy(FIXTURE / "env.production.example", project / ".env.production")
            report["data"] = {"rows": generated["total"], "tables": len(generated["tables"]), "files": volumes["count"], "file_bytes": volumes["bytes"]}

            def client(service, region="us-east-1"):
                return boto3.client(service, region_name=region, endpoint_url=aws.url, aws_access_key_id="testing", aws_secret_access_key="testing")

            # 1. Plain tools.
            plain = []
            for attempt in range(3):
                target.psql(f"CREATE DATABASE plain{attempt}")
                dump = f"pg_dump -Fc -h 127.0.0.1 -p {source.port} -U stories_user stories_db"
                restore = f"pg_restore --no-owner --no-acl -h 127.0.0.1 -p {target.port} -U postgres -d plain{attempt}"
                plain.append(round(timed(["bash", "-o", "pipefail", "-c", f"{dump} | {restore}"]), 2))
            report["plain_pg_dump_restore_runs_s"] = plain
            report["plain_pg_dump_restore_s"] = sorted(plain)[1]
            client("s3").create_bucket(Bucket="plain-sync")
            env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
            for attempt in ("plain_s3_sync_first_s", "plain_s3_sync_again_s"):
                report[attempt] = round(
                    sum(
                        timed(
                            ["aws", "s3", "sync", "--only-show-errors", "--endpoint-url", aws.url, str(project / local), f"s3://plain-sync/{prefix}"], env=env
                        )
                        for local, prefix in DIRS.items()
                    ),
                    2,
                )

            # 2. The migration.
            client("s3").create_bucket(Bucket="1001-stories-local-content")
            lightsail = client("lightsail", "us-east-2")
            lightsail.create_instances(instanceNames=["1001-stories-prod"], availabilityZone="us-east-2a", blueprintId="ubuntu_22_04", bundleId="medium_3_0")
            address = lightsail.get_instance(instanceName="1001-stories-prod")["instance"]["publicIpAddress"]
            route53 = client("route53")
            zone = route53.create_hosted_zone(Name="seedsofempowerment.org", CallerReference="bench")["HostedZone"]["Id"]
            route53.change_resource_record_sets(
                HostedZoneId=zone,
                ChangeBatch={
                    "Changes": [
                        {
                            "Action": "CREATE",
                            "ResourceRecordSet": {
                                "Name": "1001stories.seedsofempowerment.org",
                                "Type": "A",
                                "TTL": 3600,
                                "ResourceRecords": [{"Value": address}],
                            },
                        }
                    ]
                },
            )
            health = subprocess.Popen(
                [sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "0", "--directory", str(work)],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            port = int(health.stdout.readline().split(" port ")[1].split()[0])
            (work / "api").mkdir()
            (work / "api" / "health").write_text('{"status":"ok"}')
            extra = {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "migration_compose_file": str(project / "docker-compose.yml"),
                "migration_source_exec_prefix": [],
                "migration_source_db_host": "127.0.0.1",
                "migration_source_db_port": source.port,
                "migration_target_host": "127.0.0.1",
                "migration_target_port": target.port,
                "migration_target_user": "postgres",
                "migration_target_password": "bench",
                "migration_work_dir": str(work / "dumps"),
                "migration_app_freeze_command": ["true"],
                "migration_app_thaw_command": ["true"],
                "migration_dns_zone": "seedsofempowerment.org",
                "migration_cdn_domain": "d1001bench.cloudfront.net",
                "migration_health_url": f"http://127.0.0.1:{port}/api/health",
                "migration_health_delay": 0,
            }
            env = dict(
                os.environ,
                PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
                ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"),
                STORIES_AWS_ENDPOINT=aws.url,
                ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                ANSIBLE_SHOW_CUSTOM_STATS="1",
            )
            try:
                for run, more in (("rehearsal", {}), ("rehearsal_again", {}), ("move", {"migration_confirm": "local"})):
                    if run == "move":
                        # The site ran on since the rehearsal: a changed row, new rows, a new upload.
                        mutate_one_row(source, "stories_db")
                        source.psql(
                            'INSERT INTO "AuditEvent" ("occurredAt", action) SELECT now(), \'bench\' FROM generate_series(1, 500)', database="stories_db"
                        )
                        (project / "uploads" / "after-rehearsal.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
                    started = time.monotonic()
                    done = subprocess.run(
                        ["ansible-playbook", "-i", "inventories/local", "playbooks/migrate_lightsail.yml", "--extra-vars", json.dumps(extra | more)],
                        cwd=REPO,
                        env=env,
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    wall = time.monotonic() - started
                    (out / f"bench-migration-{run}.json").write_text(done.stdout)
                    if done.returncode != 0:
                        raise SystemExit(f"{run} failed (rc {done.returncode}); see {out / f'bench-migration-{run}.json'}\n{done.stderr[-2000:]}")
                    result = json.loads(done.stdout)
                    stats = result["global_custom_stats"]["migration"]
                    report[run] = {
                        "wall_s": round(wall, 1),
                        "files_task_s": round(task_seconds(result, "Copy the files that differ (live)"), 2),
                        "database_task_s": round(task_seconds(result, "Copy the database unless the target holds the same rows (live)"), 2),
                        "final_files_task_s": round(task_seconds(result, "Copy the files that differ (final)"), 2),
                        "final_database_task_s": round(task_seconds(result, "Copy the database unless the target holds the same rows (final)"), 2),
                        "passes": stats["passes"],
                        "freeze_s": stats["freeze_seconds"],
                        "changed": sum(host["changed"] for host in result["stats"].values()),
                    }
            finally:
                health.terminate()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    (out / "bench-migration.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))


def table(r: dict) -> str:
    live = r["rehearsal"]["passes"]["live"]
    rows = [
        ("data", f"{r['data']['rows']} rows in {r['data']['tables']} tables; {r['data']['files']} files, {r['data']['file_bytes'] / 1048576:.1f} MB", ""),
        ("database copy: plain pg_dump -Fc | pg_restore", f"{r['plain_pg_dump_restore_s']} s", f"median of {r['plain_pg_dump_restore_runs_s']}"),
        (
            "database copy: migration dump + parallel restore",
            f"{live['dump_seconds'] + live['restore_seconds']:.2f} s",
            f"dump {live['dump_seconds']} s, restore {live['restore_seconds']} s (then ANALYZE {live['analyze_seconds']} s); "
            f"the whole task, with both sides' checksums first, {r['rehearsal']['database_task_s']} s",
        ),
        ("files, first pass: aws s3 sync", f"{r['plain_s3_sync_first_s']} s", ""),
        ("files, first pass: migration (SHA-256 checked by S3)", f"{r['rehearsal']['files_task_s']} s", f"{live['files_uploaded']} files uploaded"),
        ("files, nothing changed: aws s3 sync", f"{r['plain_s3_sync_again_s']} s", ""),
        (
            "files, nothing changed: migration",
            f"{r['rehearsal_again']['files_task_s']} s",
            f"{r['rehearsal_again']['passes']['live']['files_uploaded']} uploaded; "
            f"database copied: {r['rehearsal_again']['passes']['live']['database_copied']}",
        ),
        (
            "write freeze (freeze to verified)",
            f"{r['move']['freeze_s']} s",
            f"final pass: {r['move']['passes']['final']['files_uploaded']} file(s) in {r['move']['final_files_task_s']} s, database copied "
            f"{r['move']['passes']['final']['database_copied']} in {r['move']['final_database_task_s']} s "
            f"(dump {r['move']['passes']['final']['dump_seconds']} s, restore {r['move']['passes']['final']['restore_seconds']} s)",
        ),
        (
            "playbook wall time: rehearsal / again / move",
            f"{r['rehearsal']['wall_s']} / {r['rehearsal_again']['wall_s']} / {r['move']['wall_s']} s",
            f"changed {r['rehearsal']['changed']} / {r['rehearsal_again']['changed']} / {r['move']['changed']}",
        ),
    ]
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"| {name:<{width}} | {value} | {note} |" for name, value, note in rows)


if __name__ == "__main__":
    main()
