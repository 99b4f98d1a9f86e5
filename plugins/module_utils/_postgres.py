# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PostgreSQL through its own client programs (psql, pg_dump, pg_restore), for the migration's modules.

The source database of the Lightsail host publishes no port: its clients run inside the container, through a command
prefix such as ``docker compose -f /opt/1001-stories/docker-compose.yml exec -T postgres``. The same functions reach a
server directly (host, port, user) when the prefix is empty, as the target does. Passwords go to the client through
the PGPASSWORD environment variable of the child process, never on a command line.
Private to stories1001.infra: the interface may change without notice.
"""

SEPARATOR = "\x1f"
# Between a primary key's column names (which may hold commas).
KEY_SEPARATOR = "\x1e"

# Options shared by the modules that connect to a database.
CONNECTION_SPEC = dict(
    exec_prefix=dict(type="list", elements="str", default=[]),
    host=dict(type="str"),
    port=dict(type="int"),
    user=dict(type="str"),
    password=dict(type="str", no_log=True),
    database=dict(type="str", required=True),
    bin_dir=dict(type="path"),
)

# The session settings under which rows are turned into text for checksums, so two servers with other defaults
# (time zone, date style, float digits) give the same text for the same values.
STABLE_TEXT = (
    "SET TimeZone TO 'UTC';\n"
    "SET DateStyle TO 'ISO, YMD';\n"
    "SET IntervalStyle TO 'postgres';\n"
    "SET extra_float_digits TO 3;\n"
    "SET bytea_output TO 'hex';\n"
)

# Tables of the database (not of an extension), with their primary key's columns in key order.
TABLES_SQL = """
SELECT n.nspname, c.relname,
       coalesce((SELECT string_agg(a.attname, chr(30) ORDER BY array_position(i.indkey::int2[], a.attnum))
                 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                 WHERE i.indrelid = c.oid AND i.indisprimary), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2;
"""

SEQUENCES_SQL = """
SELECT schemaname, sequencename, coalesce(last_value, 0), CASE WHEN last_value IS NULL THEN 'f' ELSE 't' END
FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2;
"""

SERVER_SQL = """
SELECT current_setting('server_version_num'), current_setting('server_version'), pg_database_size(current_database()),
       CASE WHEN EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                         WHERE d.datname = current_database() AND s.setrole = 0
                           AND EXISTS (SELECT 1 FROM unnest(s.setconfig) c
                                       WHERE lower(c) IN ('default_transaction_read_only=on', 'default_transaction_read_only=true',
                                                          'default_transaction_read_only=yes', 'default_transaction_read_only=1')))
       THEN 't' ELSE 'f' END;
"""

EXTENSIONS_SQL = "SELECT extname, extversion FROM pg_extension ORDER BY 1;\n"
AVAILABLE_EXTENSIONS_SQL = "SELECT name FROM pg_available_extensions ORDER BY 1;\n"


class PostgresError(Exception):
    pass


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value):
    return "'" + value.replace("'", "''") + "'"


def client_command(params, program, database=None):
    """The argv of a client program for the connection in ``params``: the prefix, the program (from bin_dir unless
    run through a prefix), then host, port, user and database when given."""
    if params.get("bin_dir") and not params.get("exec_prefix"):
        program = params["bin_dir"].rstrip("/") + "/" + program
    argv = list(params.get("exec_prefix") or []) + [program]
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if params.get(key) not in (None, ""):
            argv += [flag, str(params[key])]
    argv += ["-d", database or params["database"]]
    return argv


def client_environment(params):
    environment = {"PGCONNECT_TIMEOUT": "15", "PGAPPNAME": "stories1001-migration"}
    if params.get("password"):
        environment["PGPASSWORD"] = params["password"]
    return environment


def run_sql(module, params, sql, database=None):
    """Run ``sql`` with psql (stops at the first error) and return its rows as lists of strings."""
    argv = client_command(params, "psql", database) + ["-X", "-q", "-A", "-t", "-F", SEPARATOR, "-v", "ON_ERROR_STOP=1"]
    rc, out, err = module.run_command(argv, data=sql, binary_data=True, environ_update=client_environment(params))
    if rc != 0:
        raise PostgresError("psql on {0} failed (rc {1}): {2}".format(describe(params, database), rc, err.strip() or out.strip()))
    # Not splitlines(): it also splits on \x1c-\x1e and \x85, which names and the key separator may hold.
    return [line.split(SEPARATOR) for line in out.split("\n") if line != ""]


def describe(params, database=None):
    """Where a connection goes, for messages (never the password)."""
    where = "{0}:{1}".format(params.get("host") or "local socket", params.get("port") or 5432)
    if params.get("exec_prefix"):
        where = "'{0}'".format(" ".join(params["exec_prefix"]))
    return "database {0} through {1}".format(database or params["database"], where)


def table_checksum_sql(schema, table, key):
    """Row count and a digest of every row in a stable order: the rows' text (under STABLE_TEXT) hashed one by one and
    the hashes hashed in primary-key order (compared as text in the C collation, so two servers with other collations
    order alike); a table without a primary key is ordered by its rows' text."""
    name = quote_ident(schema) + "." + quote_ident(table)
    # The whole row as ROW(alias.*): a column named like the alias cannot stand in for it.
    row = "ROW(_stories1001_row.*)::text"
    columns = [column for column in key.split(KEY_SEPARATOR) if column]
    order = ", ".join('_stories1001_row.{0}::text COLLATE "C"'.format(quote_ident(c)) for c in columns) or row + ' COLLATE "C"'
    return "SELECT {0}, {1}, count(*), coalesce(md5(string_agg(md5({2}), '' ORDER BY {3})), '') FROM {4} _stories1001_row;\n".format(
        quote_literal(schema), quote_literal(table), row, order, name
    )


def fingerprint(module, params, checksums=True, available_extensions=False):
    """What the database is: version, size, extensions, read-only state, sequences and, per table, rows and checksum."""
    version_num, version, size, read_only = run_sql(module, params, SERVER_SQL)[0]
    result = dict(
        server_version_num=int(version_num),
        server_version=version,
        major_version=int(version_num) // 10000,
        database_size_bytes=int(size),
        read_only=read_only == "t",
        extensions=dict(run_sql(module, params, EXTENSIONS_SQL)),
        sequences={},
        tables={},
    )
    for schema, name, last_value, is_called in run_sql(module, params, SEQUENCES_SQL):
        result["sequences"][schema + "." + name] = dict(last_value=int(last_value), is_called=is_called == "t")
    tables = run_sql(module, params, TABLES_SQL)
    if available_extensions:
        result["available_extensions"] = [row[0] for row in run_sql(module, params, AVAILABLE_EXTENSIONS_SQL)]
    if tables:
        sql = (
            STABLE_TEXT + "".join(table_checksum_sql(schema, table, key) for schema, table, key in tables)
            if checksums
            else "".join(
                "SELECT {0}, {1}, count(*), '' FROM {2}.{3};\n".format(quote_literal(s), quote_literal(t), quote_ident(s), quote_ident(t))
                for s, t, _k in tables
            )
        )
        for schema, table, rows, digest in run_sql(module, params, sql):
            result["tables"][schema + "." + table] = dict(rows=int(rows), checksum=digest)
    return result


def compare(source, target):
    """What differs between two fingerprints, as sentences; empty when the target holds what the source holds."""
    differences = []
    for name in sorted(set(source["tables"]) | set(target["tables"])):
        want, have = source["tables"].get(name), target["tables"].get(name)
        if have is None:
            differences.append("table {0}: missing in the target ({1} rows in the source)".format(name, want["rows"]))
        elif want is None:
            differences.append("table {0}: in the target only ({1} rows)".format(name, have["rows"]))
        elif want["rows"] != have["rows"]:
            differences.append("table {0}: {1} rows in the source, {2} in the target".format(name, want["rows"], have["rows"]))
        elif want["checksum"] != have["checksum"]:
            differences.append(
                "table {0}: same {1} rows but their contents differ (checksum {2} != {3})".format(name, want["rows"], want["checksum"], have["checksum"])
            )
    for name in sorted(source["sequences"]):
        want, have = source["sequences"][name], target["sequences"].get(name)
        if have is None:
            differences.append("sequence {0}: missing in the target".format(name))
        elif want["is_called"] and (not have["is_called"] or have["last_value"] < want["last_value"]):
            differences.append("sequence {0}: at {1} in the target, behind the source's {2}".format(name, have["last_value"], want["last_value"]))
    return differences
