#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: postgres_copy
version_added: 0.2.0
short_description: Copy a PostgreSQL database into another with pg_dump and a parallel pg_restore, unless it already holds the same rows
description:
  - Compares the two databases first (M(stories1001.infra.postgres_fingerprint)'s per-table row counts and ordered
    checksums, and sequences). When the target already holds what the source holds, nothing is copied and the task
    reports no change, so a repeated or resumed run does not copy again.
  - Otherwise dumps the source with C(pg_dump) in its custom format, uncompressed, to O(dump_file) (through O(source.exec_prefix)
    when the source's port is not published, the dump streaming out of the container), creates the target database
    when it is missing, and restores with C(pg_restore --clean --if-exists --no-owner --no-acl --jobs O(jobs)), which
    replaces whatever an interrupted earlier copy left. Sequences come with their values. Then C(ANALYZE).
  - The target's objects belong to the role the target is reached as.
author:
  - 1001 Stories platform team (@1001stories)
options:
  source:
    description: The database to copy.
    type: dict
    required: true
    suboptions: &connection
      exec_prefix:
        description: A command that runs the client inside the database's container (see M(stories1001.infra.postgres_fingerprint)).
        type: list
        elements: str
        default: []
      host:
        description: The server's address.
        type: str
      port:
        description: The server's port.
        type: int
      user:
        description: The role to connect as.
        type: str
      password:
        description: Its password, given to the clients in their environment (never on a command line).
        type: str
      database:
        description: The database.
        type: str
        required: true
      bin_dir:
        description: Where the client programs are, when not on the PATH (not used through O(source.exec_prefix)).
        type: path
  target:
    description: The database to copy into; it is created when missing (the role needs C(CREATEDB) for that).
    type: dict
    required: true
    suboptions: *connection
  dump_file:
    description: Where the dump is written on the host that runs the module; kept afterwards (it is the copy's evidence).
    type: path
    required: true
  jobs:
    description: Parallel restore jobs.
    type: int
    default: 4
  force:
    description: Copy even when the target already holds the same rows.
    type: bool
    default: false
notes:
  - Supports check mode (it compares, and says whether it would copy).
"""

EXAMPLES = r"""
- name: Copy the Lightsail database to Aurora
  stories1001.infra.postgres_copy:
    source:
      exec_prefix: [docker, compose, -f, /opt/1001-stories/docker-compose.yml, exec, -T, postgres]
      user: stories_user
      database: stories_db
    target:
      host: "{{ aurora_endpoint }}"
      user: stories_admin
      password: "{{ aurora_password }}"
      database: stories_db
    dump_file: /var/tmp/stories1001-migration/stories_db.dump
    jobs: 4
"""

RETURN = r"""
copied:
  description: Whether a dump was restored.
  returned: always
  type: bool
differences:
  description: What differed before the copy (empty when nothing had to be copied).
  returned: always
  type: list
  elements: str
dump_seconds:
  description: Time of the dump.
  returned: when copied
  type: float
restore_seconds:
  description: Time of the restore (the target database created when missing, then C(pg_restore)).
  returned: when copied
  type: float
analyze_seconds:
  description: Time of the C(ANALYZE) after it.
  returned: when copied
  type: float
dump_bytes:
  description: Size of the dump file.
  returned: when copied
  type: int
source_rows:
  description: The rows of the source's tables.
  returned: always
  type: int
"""

import os
import time
import subprocess

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stories1001.infra.plugins.module_utils._postgres import CONNECTION_SPEC
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import PostgresError
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import client_command
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import client_environment
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import compare
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import describe
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import fingerprint
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import quote_ident
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import quote_literal
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import run_sql


def connection(module, name):
    """The connection given as option ``name``, with every option present."""
    params = dict(module.params[name])
    params["exec_prefix"] = list(params.get("exec_prefix") or [])
    return params


def run(program, argv, params, stdout=None):
    environment = dict(os.environ, **client_environment(params))
    done = subprocess.run(argv, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, env=environment, check=False)
    if done.returncode != 0:
        raise PostgresError(
            "{0} on {1} failed (rc {2}): {3}".format(program, describe(params), done.returncode, done.stderr.decode("utf-8", "replace").strip()[-2000:])
        )


def ensure_database(module, target):
    found = run_sql(module, target, "SELECT 1 FROM pg_database WHERE datname = {0};\n".format(quote_literal(target["database"])), database="postgres")
    if not found:
        run_sql(module, target, "CREATE DATABASE {0};\n".format(quote_ident(target["database"])), database="postgres")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            source=dict(type="dict", required=True, options=CONNECTION_SPEC),
            target=dict(type="dict", required=True, options=CONNECTION_SPEC),
            dump_file=dict(type="path", required=True),
            jobs=dict(type="int", default=4),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    source, target = connection(module, "source"), connection(module, "target")
    if target["exec_prefix"]:
        module.fail_json(msg="target.exec_prefix is not supported: the restore reads the dump file on this host, so the target is reached directly")
    if module.params["jobs"] < 1:
        module.fail_json(msg="jobs must be at least 1, got {0}".format(module.params["jobs"]))
    try:
        want = fingerprint(module, source)
        ensure = run_sql(module, target, "SELECT 1 FROM pg_database WHERE datname = {0};\n".format(quote_literal(target["database"])), database="postgres")
        differences = compare(want, fingerprint(module, target)) if ensure else ["database {0}: missing in the target".format(target["database"])]
        result = dict(copied=False, differences=differences, source_rows=sum(t["rows"] for t in want["tables"].values()))
        if not differences and not module.params["force"]:
            module.exit_json(changed=False, **result)
        if module.check_mode:
            module.exit_json(changed=True, **result)
        dump_file = module.params["dump_file"]
        os.makedirs(os.path.dirname(dump_file) or ".", mode=0o700, exist_ok=True)
        started = time.monotonic()
        partial = dump_file + ".partial"
        with open(partial, "wb") as out:
            os.chmod(partial, 0o600)
            run("pg_dump", client_command(source, "pg_dump") + ["--format=custom", "--compress=0", "--no-owner", "--no-acl"], source, stdout=out)
        os.replace(partial, dump_file)
        result["dump_seconds"] = round(time.monotonic() - started, 3)
        result["dump_bytes"] = os.path.getsize(dump_file)
        started = time.monotonic()
        ensure_database(module, target)
        restore = client_command(target, "pg_restore")
        run(
            "pg_restore",
            restore + ["--clean", "--if-exists", "--no-owner", "--no-acl", "--exit-on-error", "--jobs", str(module.params["jobs"]), dump_file],
            target,
        )
        result["restore_seconds"] = round(time.monotonic() - started, 3)
        started = time.monotonic()
        run_sql(module, target, "ANALYZE;\n")
        result["analyze_seconds"] = round(time.monotonic() - started, 3)
        result["copied"] = True
    except PostgresError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=True, **result)


if __name__ == "__main__":
    main()
