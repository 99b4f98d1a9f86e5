#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: postgres_write_freeze
version_added: 0.2.0
short_description: Freeze a PostgreSQL database for writes, or lift the freeze
description:
  - V(frozen) sets C(default_transaction_read_only) on the database (C(ALTER DATABASE ... SET)), so every new session
    is read-only and any C(INSERT), C(UPDATE), C(DELETE) or DDL is refused with
    C(cannot execute ... in a read-only transaction), then ends the database's other sessions, which were opened
    writable, so that the application reconnects read-only. V(thawed) resets the setting (C(ALTER DATABASE ... RESET)).
  - The freeze is reversible and changes no data. It is the database half of a migration's write freeze; a session
    that sets C(default_transaction_read_only) off itself could still write, so the application is also stopped or
    put behind a maintenance page by the caller.
  - Uses C(psql) on the host that runs the module, directly or through O(exec_prefix).
author:
  - 1001 Stories platform team (@1001stories)
options:
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
    description: The role to connect as; it must own the database or be a superuser.
    type: str
  password:
    description: Its password, given to the client in its environment.
    type: str
  database:
    description: The database to freeze.
    type: str
    required: true
  bin_dir:
    description: Where C(psql) is, when not on the PATH.
    type: path
  state:
    description: V(frozen) for read-only, V(thawed) for writable again.
    type: str
    choices: [frozen, thawed]
    default: frozen
  terminate_sessions:
    description: When freezing, end the database's other client sessions (opened before the freeze, so writable).
    type: bool
    default: true
notes:
  - Supports check mode.
"""

EXAMPLES = r"""
- name: Freeze the Lightsail database for the final copy
  stories1001.infra.postgres_write_freeze:
    exec_prefix: [docker, compose, -f, /opt/1001-stories/docker-compose.yml, exec, -T, postgres]
    user: stories_user
    database: stories_db
    state: frozen
"""

RETURN = r"""
read_only:
  description: Whether the database is frozen after the task.
  returned: always
  type: bool
terminated_sessions:
  description: How many sessions were ended.
  returned: always
  type: int
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stories1001.infra.plugins.module_utils._postgres import CONNECTION_SPEC
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import SERVER_SQL
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import PostgresError
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import quote_ident
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import run_sql

TERMINATE_SQL = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend';\n"
)


def main():
    argument_spec = dict(
        CONNECTION_SPEC,
        state=dict(type="str", choices=["frozen", "thawed"], default="frozen"),
        terminate_sessions=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    frozen = params["state"] == "frozen"
    database = quote_ident(params["database"])
    try:
        read_only = run_sql(module, params, SERVER_SQL)[0][3] == "t"
        if read_only == frozen:
            module.exit_json(changed=False, read_only=read_only, terminated_sessions=0)
        if module.check_mode:
            module.exit_json(changed=True, read_only=frozen, terminated_sessions=0)
        # This session may itself start read-only (a freeze being lifted): ALTER DATABASE needs a writable one.
        sql = "SET default_transaction_read_only TO off;\n"
        if frozen:
            sql += "ALTER DATABASE {0} SET default_transaction_read_only TO on;\n".format(database)
            sql += TERMINATE_SQL if params["terminate_sessions"] else "SELECT 0;\n"
        else:
            sql += "ALTER DATABASE {0} RESET default_transaction_read_only;\nSELECT 0;\n".format(database)
        terminated = int(run_sql(module, params, sql)[-1][0])
    except PostgresError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=True, read_only=frozen, terminated_sessions=terminated)


if __name__ == "__main__":
    main()
