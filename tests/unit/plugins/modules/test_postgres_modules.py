# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""postgres_fingerprint, postgres_write_freeze and postgres_copy driven through main() against a real PostgreSQL 15
(tests/integration/postgres.py: a throwaway server on 127.0.0.1, trust authentication), one for the whole module; each
test makes databases of its own."""

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.stories1001.infra.plugins.modules import postgres_copy
from ansible_collections.stories1001.infra.plugins.modules import postgres_fingerprint
from ansible_collections.stories1001.infra.plugins.modules import postgres_write_freeze

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "integration"))
from postgres import PostgresServer, find_bin_dir  # noqa: E402  pylint: disable=import-error,wrong-import-position,wrong-import-order

pytestmark = pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL's binaries are not installed")

PASSWORD = "pg-Pa55-n0t-in-any-message"  # nosec - a test value; the server trusts every connection
NAMES = itertools.count()

# The application's kind of schema: a key, a composite key, no key at all, text keys, a sequence, values whose text
# depends on session settings.
SCHEMA = """
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, created timestamptz NOT NULL, born date, score float8, avatar bytea);
CREATE TABLE "BookCategory" ("bookId" text, "categoryId" int, PRIMARY KEY ("bookId", "categoryId"));
CREATE TABLE audit_log (happened timestamptz, what text);
CREATE TABLE empty_table (id int PRIMARY KEY);
CREATE TABLE tags (name text PRIMARY KEY);
"""
ROWS = [
    "INSERT INTO users (email, created, born, score, avatar) VALUES "
    "('a@x.org', '2026-11-01 10:00:00+00', '1990-02-03', 0.1, '\\x00ff'), ('b@x.org', '2026-11-02 11:30:00+09', NULL, 1e-7, NULL), "
    "('c@x.org', '2026-11-03 00:00:00+00', '2001-12-31', 0.30000000000000004, '\\x');",
    "INSERT INTO \"BookCategory\" VALUES ('book-b', 2), ('book-a', 1), ('book-a', 2);",
    "INSERT INTO audit_log VALUES ('2026-11-01 00:00:00+00', 'login'), ('2026-11-01 00:00:00+00', 'login'), (NULL, 'x');",
    "INSERT INTO tags VALUES ('a'), ('B'), ('_x'), ('Z'), ('\u00e9');",
]


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        yield server


def new_database(pg, sql="", name=None, template=None):
    name = name or "db_{0}".format(next(NAMES))
    pg.psql("CREATE DATABASE {0}{1};".format(name, " TEMPLATE " + template if template else ""))
    if sql:
        pg.psql(sql, database=name)
    return name


def connection(pg, database, **more):
    return dict(dict(host="127.0.0.1", port=pg.port, user="postgres", database=database, bin_dir=str(pg.bin_dir)), **more)


def run(module, args, capsys, check_mode=False):
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def ok(result):
    assert not result.get("failed"), result.get("msg")
    return result


def fingerprint(pg, capsys, database, **more):
    return ok(run(postgres_fingerprint, connection(pg, database, **more), capsys))


def database_exists(pg, name):
    return pg.psql("SELECT count(*) FROM pg_database WHERE datname = '{0}';".format(name)) == "1"


# postgres_fingerprint


def test_fingerprint(pg, capsys):
    database = new_database(pg, SCHEMA + "\n".join(ROWS) + "\nCREATE SEQUENCE unused_seq;")
    result = fingerprint(pg, capsys, database, password=PASSWORD)
    assert result["changed"] is False
    assert result["major_version"] == 15 and result["server_version_num"] // 10000 == 15
    assert result["server_version"].startswith("15")
    assert result["database_size_bytes"] > 1000000
    assert result["read_only"] is False
    assert result["extensions"] == {"plpgsql": "1.0"}
    assert "available_extensions" not in result
    assert {name: table["rows"] for name, table in result["tables"].items()} == {
        "public.users": 3,
        "public.BookCategory": 3,
        "public.audit_log": 3,
        "public.empty_table": 0,
        "public.tags": 5,
    }
    assert result["total_rows"] == 14
    assert result["tables"]["public.empty_table"]["checksum"] == ""
    assert all(len(result["tables"][name]["checksum"]) == 32 for name in result["tables"] if name != "public.empty_table")
    assert result["sequences"] == {"public.users_id_seq": dict(last_value=3, is_called=True), "public.unused_seq": dict(last_value=0, is_called=False)}
    assert "differences" not in result


def test_fingerprint_without_checksums_and_with_available_extensions(pg, capsys):
    database = new_database(pg, SCHEMA + "\n".join(ROWS))
    result = fingerprint(pg, capsys, database, checksums=False, available_extensions=True)
    assert set(table["checksum"] for table in result["tables"].values()) == {""}
    assert result["tables"]["public.tags"]["rows"] == 5
    assert "plpgsql" in result["available_extensions"]


def test_fingerprint_ignores_other_schemas_of_the_system_and_sees_user_schemas(pg, capsys):
    database = new_database(pg, 'CREATE SCHEMA "Content"; CREATE TABLE "Content"."Book" (id int PRIMARY KEY); INSERT INTO "Content"."Book" VALUES (1);')
    result = fingerprint(pg, capsys, database)
    assert list(result["tables"]) == ["Content.Book"]
    assert result["tables"]["Content.Book"]["rows"] == 1


def test_same_rows_in_other_order_other_settings_other_collation_are_equal(pg, capsys):
    source = new_database(pg, SCHEMA + "\n".join(ROWS))
    # The same rows inserted in reverse, physically moved by updates, on a database with other session defaults and
    # a text key in an ICU collation (which orders 'a' before 'B', where "C" puts 'B' first).
    target_schema = SCHEMA.replace("tags (name text PRIMARY KEY)", 'tags (name text COLLATE "und-x-icu" PRIMARY KEY)')
    target = new_database(pg, target_schema + "\n".join(reversed(ROWS)) + "\nUPDATE audit_log SET what = what; UPDATE tags SET name = name;")
    pg.psql("ALTER DATABASE {0} SET TimeZone TO 'Asia/Seoul'; ALTER DATABASE {0} SET DateStyle TO 'SQL, DMY';"
            " ALTER DATABASE {0} SET extra_float_digits TO 0; ALTER DATABASE {0} SET bytea_output TO 'escape';".format(target))
    assert pg.psql("SELECT string_agg(name, ' ' ORDER BY name) FROM tags;", database=target) != pg.psql(
        "SELECT string_agg(name, ' ' ORDER BY name) FROM tags;", database=source
    )
    want = fingerprint(pg, capsys, source)
    have = fingerprint(pg, capsys, target, compare_to=want, fail_on_difference=True)
    assert have["differences"] == []
    assert have["tables"] == want["tables"]


def test_different_rows_are_reported(pg, capsys):
    source = new_database(pg, SCHEMA + "\n".join(ROWS))
    want = fingerprint(pg, capsys, source)
    target = new_database(pg, template=source)
    pg.psql("UPDATE users SET email = 'changed@x.org' WHERE id = 2; DELETE FROM tags WHERE name = 'Z';"
            " INSERT INTO audit_log VALUES (NULL, 'x'); DELETE FROM audit_log WHERE what = 'login' AND ctid = (SELECT min(ctid) FROM audit_log);"
            " DROP TABLE empty_table; CREATE TABLE extra (id int);", database=target)
    have = fingerprint(pg, capsys, target, compare_to=want)
    checksum = "table public.users: same 3 rows but their contents differ (checksum {0} != {1})".format(
        want["tables"]["public.users"]["checksum"], have["tables"]["public.users"]["checksum"]
    )
    assert have["differences"] == [
        "table public.audit_log: same 3 rows but their contents differ (checksum {0} != {1})".format(
            want["tables"]["public.audit_log"]["checksum"], have["tables"]["public.audit_log"]["checksum"]
        ),
        "table public.empty_table: missing in the target (0 rows in the source)",
        "table public.extra: in the target only (0 rows)",
        "table public.tags: 5 rows in the source, 4 in the target",
        checksum,
    ]
    failed = run(postgres_fingerprint, connection(pg, target, compare_to=want, fail_on_difference=True), capsys)
    assert failed["failed"] is True
    assert failed["msg"].startswith("The copy differs from the source: table public.audit_log: ")
    assert checksum in failed["msg"]


def test_composite_key_order(pg, capsys):
    """The key's columns in key order, not table order: rows that tie on the first column of the table differ in order."""
    source = new_database(pg, "CREATE TABLE pairs (a int, b int, PRIMARY KEY (b, a)); INSERT INTO pairs VALUES (1, 2), (2, 1);")
    target = new_database(pg, "CREATE TABLE pairs (a int, b int, PRIMARY KEY (b, a)); INSERT INTO pairs VALUES (2, 1), (1, 2);")
    want = fingerprint(pg, capsys, source)
    assert fingerprint(pg, capsys, target, compare_to=want)["differences"] == []
    expected = pg.psql("SELECT md5(string_agg(md5(t::text), '' ORDER BY b::text, a::text)) FROM pairs t;", database=source)
    assert want["tables"]["public.pairs"]["checksum"] == expected


def test_sequence_behind(pg, capsys):
    source = new_database(pg, "CREATE SEQUENCE s; SELECT nextval('s'); SELECT nextval('s'); CREATE SEQUENCE gone;")
    target = new_database(pg, "CREATE SEQUENCE s;")
    want = fingerprint(pg, capsys, source)
    assert want["sequences"]["public.s"] == dict(last_value=2, is_called=True)
    have = fingerprint(pg, capsys, target, compare_to=want)
    assert have["differences"] == ["sequence public.gone: missing in the target", "sequence public.s: at 0 in the target, behind the source's 2"]
    pg.psql("SELECT setval('s', 2); CREATE SEQUENCE gone;", database=target)
    assert fingerprint(pg, capsys, target, compare_to=want)["differences"] == []


def test_column_named_t_is_not_the_whole_row(pg, capsys):
    source = new_database(pg, "CREATE TABLE x (id int PRIMARY KEY, t int, v text); INSERT INTO x VALUES (1, 5, 'a');")
    target = new_database(pg, "CREATE TABLE x (id int PRIMARY KEY, t int, v text); INSERT INTO x VALUES (1, 5, 'b');")
    want = fingerprint(pg, capsys, source)
    assert fingerprint(pg, capsys, target, compare_to=want)["differences"] != []


def test_key_column_with_a_comma(pg, capsys):
    database = new_database(pg, 'CREATE TABLE x ("a,b" int PRIMARY KEY); INSERT INTO x VALUES (1);')
    assert fingerprint(pg, capsys, database)["tables"]["public.x"]["rows"] == 1


@pytest.mark.parametrize("module", [postgres_fingerprint, postgres_write_freeze])
def test_failed_connection_never_shows_the_password(pg, capsys, module):
    result = run(module, dict(connection(pg, "stories_db", password=PASSWORD), port=1), capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("psql on database stories_db through 127.0.0.1:1 failed (rc 2): ")
    assert PASSWORD not in json.dumps(result)
    assert "********" not in result["msg"]  # the password was not in it before the no_log masking either


def test_missing_database_fails_naming_it(pg, capsys):
    result = run(postgres_fingerprint, connection(pg, "no_such_db", password=PASSWORD), capsys)
    assert result["failed"] is True
    assert 'database "no_such_db" does not exist' in result["msg"]
    assert "********" not in result["msg"]


# postgres_write_freeze


def write(pg, database):
    """Try a write; the error text when refused, else None."""
    try:
        pg.psql("INSERT INTO t VALUES (1);", database=database)
    except subprocess.CalledProcessError as error:
        return error.stderr
    return None


def test_freeze_and_thaw(pg, capsys):
    database = new_database(pg, "CREATE TABLE t (id int);")
    args = connection(pg, database, password=PASSWORD)
    result = ok(run(postgres_write_freeze, args, capsys, check_mode=True))
    assert (result["changed"], result["read_only"], result["terminated_sessions"]) == (True, True, 0)
    assert write(pg, database) is None, "check mode froze the database"

    result = ok(run(postgres_write_freeze, args, capsys))
    assert (result["changed"], result["read_only"]) == (True, True)
    assert "read-only transaction" in write(pg, database)
    assert fingerprint(pg, capsys, database)["read_only"] is True
    result = ok(run(postgres_write_freeze, dict(args, state="frozen"), capsys))
    assert (result["changed"], result["read_only"], result["terminated_sessions"]) == (False, True, 0)

    result = ok(run(postgres_write_freeze, dict(args, state="thawed"), capsys, check_mode=True))
    assert (result["changed"], result["read_only"]) == (True, False)
    assert "read-only transaction" in write(pg, database)

    result = ok(run(postgres_write_freeze, dict(args, state="thawed"), capsys))
    assert (result["changed"], result["read_only"]) == (True, False)
    assert write(pg, database) is None
    assert fingerprint(pg, capsys, database)["read_only"] is False
    result = ok(run(postgres_write_freeze, dict(args, state="thawed"), capsys))
    assert (result["changed"], result["read_only"]) == (False, False)


def test_freeze_ends_open_sessions(pg, capsys):
    database = new_database(pg, "CREATE TABLE t (id int);")
    command = [str(pg.bin_dir / "psql"), "-X", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", database, "-c", "SELECT pg_sleep(60);"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as session:
        try:
            deadline = time.monotonic() + 10
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = '{0}' AND query LIKE '%pg_sleep%';".format(database)
            while pg.psql(query) != "1" and time.monotonic() < deadline:
                time.sleep(0.05)
            result = ok(run(postgres_write_freeze, connection(pg, database), capsys))
            assert result["terminated_sessions"] == 1
            assert session.wait(timeout=10) != 0
            assert "terminat" in session.stderr.read().decode()
        finally:
            if session.poll() is None:
                session.kill()
    pg.psql("ALTER DATABASE {0} RESET default_transaction_read_only;".format(database))


def test_freeze_without_ending_sessions(pg, capsys):
    database = new_database(pg, "CREATE TABLE t (id int);")
    result = ok(run(postgres_write_freeze, connection(pg, database, terminate_sessions=False), capsys))
    assert (result["changed"], result["read_only"], result["terminated_sessions"]) == (True, True, 0)
    assert "read-only transaction" in write(pg, database)


def test_thaw_a_database_frozen_with_true(pg, capsys):
    database = new_database(pg, "CREATE TABLE t (id int);")
    pg.psql("ALTER DATABASE {0} SET default_transaction_read_only = true;".format(database))
    assert "read-only transaction" in write(pg, database)
    result = ok(run(postgres_write_freeze, connection(pg, database, state="thawed"), capsys))
    assert result["changed"] is True
    assert write(pg, database) is None


# postgres_copy


def copy_args(pg, source, target, dump_file, **more):
    return dict(source=connection(pg, source, password=PASSWORD), target=connection(pg, target, password=PASSWORD), dump_file=str(dump_file), **more)


def test_copy(pg, capsys, tmp_path):
    source = new_database(pg, SCHEMA + "\n".join(ROWS) + "\nCREATE VIEW user_emails AS SELECT email FROM users;")
    target = "copy_target_{0}".format(next(NAMES))
    dump_file = tmp_path / "dumps" / "stories_db.dump"
    args = copy_args(pg, source, target, dump_file, jobs=2)

    result = ok(run(postgres_copy, args, capsys, check_mode=True))
    assert (result["changed"], result["copied"]) == (True, False)
    assert result["differences"] == ["database {0}: missing in the target".format(target)]
    assert result["source_rows"] == 14
    assert not database_exists(pg, target)
    assert not dump_file.exists()

    result = ok(run(postgres_copy, args, capsys))
    assert (result["changed"], result["copied"]) == (True, True)
    assert result["differences"] == ["database {0}: missing in the target".format(target)]
    assert result["dump_bytes"] == dump_file.stat().st_size > 0
    assert dump_file.stat().st_mode & 0o777 == 0o600
    assert not Path(str(dump_file) + ".partial").exists()
    assert all(result[key] >= 0 for key in ("dump_seconds", "restore_seconds", "analyze_seconds"))
    want = fingerprint(pg, capsys, source)
    have = fingerprint(pg, capsys, target, compare_to=want)
    assert have["differences"] == []
    assert have["sequences"]["public.users_id_seq"] == dict(last_value=3, is_called=True)
    assert pg.psql("SELECT count(*) FROM user_emails;", database=target) == "3"

    result = ok(run(postgres_copy, args, capsys))
    assert (result["changed"], result["copied"], result["differences"]) == (False, False, [])
    assert "dump_seconds" not in result
    assert pg.psql("INSERT INTO users (email, created) VALUES ('d@x.org', now()) RETURNING id;", database=target) == "4"


def test_copy_again_after_the_source_changed(pg, capsys, tmp_path):
    source = new_database(pg, SCHEMA + "\n".join(ROWS))
    target = new_database(pg, template=source)
    args = copy_args(pg, source, target, tmp_path / "db.dump")
    assert ok(run(postgres_copy, args, capsys))["changed"] is False
    assert not (tmp_path / "db.dump").exists()

    pg.psql("INSERT INTO tags VALUES ('new'); UPDATE users SET score = 2 WHERE id = 1;", database=source)
    result = ok(run(postgres_copy, args, capsys, check_mode=True))
    assert result["changed"] is True
    assert result["differences"][0] == "table public.tags: 6 rows in the source, 5 in the target"
    assert result["differences"][1].startswith("table public.users: same 3 rows but their contents differ")
    assert pg.psql("SELECT count(*) FROM tags;", database=target) == "5"

    result = ok(run(postgres_copy, args, capsys))
    assert (result["changed"], result["copied"]) == (True, True)
    assert pg.psql("SELECT count(*) FROM tags;", database=target) == "6"
    assert ok(run(postgres_copy, args, capsys))["changed"] is False


def test_copy_force(pg, capsys, tmp_path):
    source = new_database(pg, SCHEMA + "\n".join(ROWS))
    target = new_database(pg, template=source)
    result = ok(run(postgres_copy, copy_args(pg, source, target, tmp_path / "db.dump", force=True), capsys))
    assert (result["changed"], result["copied"], result["differences"]) == (True, True, [])
    assert (tmp_path / "db.dump").exists()


def test_copy_jobs_refused(pg, capsys, tmp_path):
    result = run(postgres_copy, copy_args(pg, "postgres", "nowhere", tmp_path / "db.dump", jobs=0), capsys)
    assert result["failed"] is True
    assert result["msg"] == "jobs must be at least 1, got 0"


def test_copy_failed_connection_never_shows_the_password(pg, capsys, tmp_path):
    source = new_database(pg, "CREATE TABLE t (id int);")
    args = copy_args(pg, source, "target_db", tmp_path / "db.dump")
    args["target"]["port"] = 1
    result = run(postgres_copy, args, capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("psql on database postgres through 127.0.0.1:1 failed")
    assert PASSWORD not in json.dumps(result)
    assert "********" not in result["msg"]
    assert not os.path.exists(tmp_path / "db.dump")
