#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: postgres_fingerprint
version_added: 0.2.0
short_description: What a PostgreSQL database holds, table by table, to compare two copies of it
description:
  - Reads a database's version, size, extensions, write-freeze state and sequences, and for every table its row count
    and a checksum of all its rows in primary-key order (the rows' text under fixed session settings, so two servers
    with other time zones, date styles or collations give the same checksum for the same rows).
  - With O(compare_to), the fingerprint of another copy (this module's earlier result), it also says what differs, table
    by table and sequence by sequence, and O(fail_on_difference) makes a difference an error.
  - Uses C(psql) on the host that runs the module, directly or through O(exec_prefix) (for example
    C(docker compose exec -T postgres) for a database whose port is not published). Only reads.
author:
  - 1001 Stories platform team (@1001stories)
options:
  exec_prefix:
    description:
      - A command that runs the client inside the database's container, such as
        V([docker, compose, -f, /opt/1001-stories/docker-compose.yml, exec, -T, postgres]). Empty to run the client here.
    type: list
    elements: str
    default: []
  host:
    description: The server's address; the client's default (local socket) when not given.
    type: str
  port:
    description: The server's port.
    type: int
  user:
    description: The role to connect as.
    type: str
  password:
    description: Its password, given to the client in its environment (never on a command line).
    type: str
  database:
    description: The database.
    type: str
    required: true
  bin_dir:
    description: Where C(psql) is, when not on the PATH (not used through O(exec_prefix)).
    type: path
  checksums:
    description: Compute each table's checksum (reads every row); V(false) counts rows only.
    type: bool
    default: true
  available_extensions:
    description: Also list the extensions the server could install (C(pg_available_extensions)).
    type: bool
    default: false
  compare_to:
    description: Another copy's fingerprint (this module's result) to compare with; this database is the target.
    type: dict
  fail_on_difference:
    description: Fail, listing the differences, when O(compare_to) is given and anything differs.
    type: bool
    default: false
notes:
  - Supports check mode (it only reads).
"""

EXAMPLES = r"""
- name: Fingerprint the Lightsail database through its container
  stories1001.infra.postgres_fingerprint:
    exec_prefix: [docker, compose, -f, /opt/1001-stories/docker-compose.yml, exec, -T, postgres]
    user: stories_user
    database: stories_db
  register: source

- name: Compare the copy on Aurora with it
  stories1001.infra.postgres_fingerprint:
    host: "{{ aurora_endpoint }}"
    user: stories_admin
    password: "{{ aurora_password }}"
    database: stories_db
    compare_to: "{{ source }}"
    fail_on_difference: true
"""

RETURN = r"""
server_version_num:
  description: The server's version number.
  returned: always
  type: int
  sample: 150008
major_version:
  description: The server's major version.
  returned: always
  type: int
  sample: 15
server_version:
  description: The server's version string.
  returned: always
  type: str
database_size_bytes:
  description: C(pg_database_size) of the database.
  returned: always
  type: int
read_only:
  description: Whether the database is frozen for writes (C(default_transaction_read_only) set on it).
  returned: always
  type: bool
extensions:
  description: Installed extensions and their versions.
  returned: always
  type: dict
  sample: {plpgsql: "1.0"}
available_extensions:
  description: Extensions the server could install.
  returned: when O(available_extensions=true)
  type: list
  elements: str
sequences:
  description: Each sequence's last value and whether it was ever used, by C(schema.name).
  returned: always
  type: dict
tables:
  description: Each table's row count and checksum, by C(schema.name).
  returned: always
  type: dict
  sample: {public.users: {rows: 5000, checksum: 9e107d9d372bb6826bd81d3542a419d6}}
total_rows:
  description: The rows of all tables.
  returned: always
  type: int
differences:
  description: What differs from O(compare_to), one sentence each; empty when this copy holds what it holds.
  returned: when O(compare_to) is given
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stories1001.infra.plugins.module_utils._postgres import CONNECTION_SPEC
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import PostgresError
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import compare
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import fingerprint


def main():
    argument_spec = dict(
        CONNECTION_SPEC,
        checksums=dict(type="bool", default=True),
        available_extensions=dict(type="bool", default=False),
        compare_to=dict(type="dict"),
        fail_on_difference=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = fingerprint(module, module.params, checksums=module.params["checksums"], available_extensions=module.params["available_extensions"])
    except PostgresError as error:
        module.fail_json(msg=str(error))
    result["total_rows"] = sum(table["rows"] for table in result["tables"].values())
    if module.params["compare_to"] is not None:
        result["differences"] = compare(module.params["compare_to"], result)
        if result["differences"] and module.params["fail_on_difference"]:
            module.fail_json(msg="The copy differs from the source: " + "; ".join(result["differences"]), changed=False, **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
