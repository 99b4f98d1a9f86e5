# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_postgres: the SQL it builds, the client command lines and environments, the messages, and compare()'s sentences.
The same functions run against a real server in tests/unit/plugins/modules/test_postgres_modules.py."""

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _postgres as postgres
from ansible_collections.stories1001.infra.plugins.module_utils._postgres import PostgresError

PASSWORD = "pw-N0t-In-Any-Argv"  # nosec - a test value
PREFIX = ["docker", "compose", "-f", "/opt/1001-stories/docker-compose.yml", "exec", "-T", "postgres"]


def params(**given):
    """A connection as the modules' CONNECTION_SPEC gives it: every option present."""
    base = dict(exec_prefix=[], host=None, port=None, user=None, password=None, database="stories_db", bin_dir=None)
    base.update(given)
    return base


# table_checksum_sql


def test_checksum_sql_simple_key():
    sql = postgres.table_checksum_sql("public", "users", "id")
    assert sql == (
        "SELECT 'public', 'users', count(*), coalesce(md5(string_agg(md5(ROW(_stories1001_row.*)::text), '' "
        "ORDER BY _stories1001_row.\"id\"::text COLLATE \"C\")), '') "
        'FROM "public"."users" _stories1001_row;\n'
    )


def test_checksum_sql_quotes_names():
    sql = postgres.table_checksum_sql("My Schema", 'we"ird\'Table', 'Ke"y')
    assert "FROM \"My Schema\".\"we\"\"ird'Table\" _stories1001_row;" in sql
    assert "SELECT 'My Schema', 'we\"ird''Table', count(*)" in sql
    assert 'ORDER BY _stories1001_row."Ke""y"::text COLLATE "C")' in sql


def test_checksum_sql_keeps_upper_case():
    sql = postgres.table_checksum_sql("public", "User", "userId")
    assert 'FROM "public"."User" _stories1001_row;' in sql
    assert '_stories1001_row."userId"::text COLLATE "C"' in sql
    assert "'User'" in sql


def test_checksum_sql_composite_key_in_key_order():
    sql = postgres.table_checksum_sql("public", "_BookToCategory", "B\x1eA")
    assert 'ORDER BY _stories1001_row."B"::text COLLATE "C", _stories1001_row."A"::text COLLATE "C")' in sql


def test_checksum_sql_without_key_orders_by_row_text():
    sql = postgres.table_checksum_sql("public", "audit_log", "")
    assert "ORDER BY ROW(_stories1001_row.*)::text COLLATE \"C\")" in sql
    assert "t.\"" not in sql


def test_checksum_sql_hashes_each_row_then_the_hashes():
    sql = postgres.table_checksum_sql("public", "users", "id")
    assert "md5(string_agg(md5(ROW(_stories1001_row.*)::text), ''" in sql
    assert sql.startswith("SELECT ") and sql.endswith(";\n")


def test_stable_text_settings():
    for setting in ("TimeZone TO 'UTC'", "DateStyle TO 'ISO, YMD'", "IntervalStyle TO 'postgres'", "extra_float_digits TO 3", "bytea_output TO 'hex'"):
        assert "SET {0};".format(setting) in postgres.STABLE_TEXT


# quoting


@pytest.mark.parametrize("name, quoted", [("users", '"users"'), ("User", '"User"'), ('a"b', '"a""b"'), ("", '""')])
def test_quote_ident(name, quoted):
    assert postgres.quote_ident(name) == quoted


@pytest.mark.parametrize("value, quoted", [("x", "'x'"), ("it's", "'it''s'"), ("''", "''''''"), ("a\\b", "'a\\b'")])
def test_quote_literal(value, quoted):
    assert postgres.quote_literal(value) == quoted


# client_command / client_environment / describe


def test_client_command_direct():
    argv = postgres.client_command(params(host="db.example", port=5433, user="stories_admin", password=PASSWORD), "psql")
    assert argv == ["psql", "-h", "db.example", "-p", "5433", "-U", "stories_admin", "-d", "stories_db"]


def test_client_command_minimal():
    assert postgres.client_command(params(), "pg_dump") == ["pg_dump", "-d", "stories_db"]


def test_client_command_other_database():
    assert postgres.client_command(params(user="u"), "psql", database="postgres") == ["psql", "-U", "u", "-d", "postgres"]


def test_client_command_empty_host_is_left_out():
    assert postgres.client_command(params(host="", user=""), "psql") == ["psql", "-d", "stories_db"]


@pytest.mark.parametrize("bin_dir", ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/15/bin/"])
def test_client_command_bin_dir(bin_dir):
    argv = postgres.client_command(params(bin_dir=bin_dir, host="127.0.0.1"), "pg_restore")
    assert argv[0] == "/usr/lib/postgresql/15/bin/pg_restore"
    assert argv[1:] == ["-h", "127.0.0.1", "-d", "stories_db"]


def test_client_command_exec_prefix_ignores_bin_dir():
    argv = postgres.client_command(params(exec_prefix=PREFIX, bin_dir="/usr/local/bin", user="stories_user", password=PASSWORD), "psql")
    assert argv == PREFIX + ["psql", "-U", "stories_user", "-d", "stories_db"]


def test_client_command_does_not_change_the_prefix():
    prefix = list(PREFIX)
    postgres.client_command(params(exec_prefix=prefix), "psql")
    assert prefix == PREFIX


@pytest.mark.parametrize("given", [dict(), dict(exec_prefix=PREFIX), dict(bin_dir="/opt/pg/bin", host="h", port=1, user="u")])
def test_client_command_never_holds_the_password(given):
    argv = postgres.client_command(params(password=PASSWORD, **given), "psql")
    assert not any(PASSWORD in arg for arg in argv)


def test_client_environment_with_password():
    environment = postgres.client_environment(params(password=PASSWORD))
    assert environment["PGPASSWORD"] == PASSWORD
    assert environment["PGCONNECT_TIMEOUT"] == "15"
    assert environment["PGAPPNAME"] == "stories1001-migration"


@pytest.mark.parametrize("password", [None, ""])
def test_client_environment_without_password(password):
    environment = postgres.client_environment(params(password=password))
    assert "PGPASSWORD" not in environment
    assert set(environment) == {"PGCONNECT_TIMEOUT", "PGAPPNAME"}


def test_describe():
    assert postgres.describe(params(host="db.example", port=5433, password=PASSWORD)) == "database stories_db through db.example:5433"
    assert postgres.describe(params()) == "database stories_db through local socket:5432"
    assert postgres.describe(params(), "postgres") == "database postgres through local socket:5432"
    assert postgres.describe(params(exec_prefix=["docker", "exec", "pg"])) == "database stories_db through 'docker exec pg'"


# run_sql with a fake module


class FakeModule:
    def __init__(self, rc=0, out="", err=""):
        self.answer = (rc, out, err)
        self.calls = []

    def run_command(self, argv, **kwargs):
        self.calls.append((argv, kwargs))
        return self.answer


def test_run_sql_sends_the_sql_on_stdin_and_splits_rows():
    module = FakeModule(out="a\x1fb\x1fc\n\nd\x1f\x1f\n")
    rows = postgres.run_sql(module, params(host="h", password=PASSWORD), "SELECT 1;\n")
    assert rows == [["a", "b", "c"], ["d", "", ""]]
    (argv, kwargs), = module.calls
    assert argv[:5] == ["psql", "-h", "h", "-d", "stories_db"]
    assert "ON_ERROR_STOP=1" in argv and "-X" in argv and "-A" in argv and "-t" in argv
    assert argv[argv.index("-F") + 1] == postgres.SEPARATOR
    assert kwargs["data"] == "SELECT 1;\n"
    assert kwargs["binary_data"] is True
    assert kwargs["environ_update"]["PGPASSWORD"] == PASSWORD
    assert not any(PASSWORD in arg for arg in argv)


def test_run_sql_failure_names_the_database_not_the_password():
    module = FakeModule(rc=2, err='psql: error: connection to server at "h" (10.0.0.1), port 5432 failed: Connection refused\n')
    with pytest.raises(PostgresError) as raised:
        postgres.run_sql(module, params(host="h", password=PASSWORD), "SELECT 1;\n", database="postgres")
    message = str(raised.value)
    assert message.startswith("psql on database postgres through h:5432 failed (rc 2): psql: error: connection")
    assert PASSWORD not in message


def test_run_sql_failure_without_stderr_uses_stdout():
    module = FakeModule(rc=1, out="ERROR: boom\n")
    with pytest.raises(PostgresError, match="failed \\(rc 1\\): ERROR: boom$"):
        postgres.run_sql(module, params(), "SELECT 1;\n")


# compare


def fingerprint(tables=None, sequences=None):
    return dict(tables=tables or {}, sequences=sequences or {})


def table(rows, checksum="c"):
    return dict(rows=rows, checksum=checksum)


def sequence(last_value, is_called=True):
    return dict(last_value=last_value, is_called=is_called)


def test_compare_equal():
    source = fingerprint({"public.users": table(3), "public.books": table(0, "")}, {"public.users_id_seq": sequence(3)})
    assert postgres.compare(source, source) == []


def test_compare_missing_table():
    assert postgres.compare(fingerprint({"public.users": table(5)}), fingerprint()) == ["table public.users: missing in the target (5 rows in the source)"]


def test_compare_extra_table():
    assert postgres.compare(fingerprint(), fingerprint({"public.tmp": table(2)})) == ["table public.tmp: in the target only (2 rows)"]


def test_compare_row_count():
    differences = postgres.compare(fingerprint({"public.users": table(5, "x")}), fingerprint({"public.users": table(4, "x")}))
    assert differences == ["table public.users: 5 rows in the source, 4 in the target"]


def test_compare_checksum():
    differences = postgres.compare(fingerprint({"public.users": table(5, "aaa")}), fingerprint({"public.users": table(5, "bbb")}))
    assert differences == ["table public.users: same 5 rows but their contents differ (checksum aaa != bbb)"]


def test_compare_tables_in_name_order():
    source = fingerprint({"public.b": table(1), "public.a": table(1), "public.c": table(1)})
    target = fingerprint({"public.d": table(1), "public.c": table(2)})
    assert postgres.compare(source, target) == [
        "table public.a: missing in the target (1 rows in the source)",
        "table public.b: missing in the target (1 rows in the source)",
        "table public.c: 1 rows in the source, 2 in the target",
        "table public.d: in the target only (1 rows)",
    ]


def test_compare_sequence_behind():
    differences = postgres.compare(fingerprint(sequences={"public.s": sequence(10)}), fingerprint(sequences={"public.s": sequence(9)}))
    assert differences == ["sequence public.s: at 9 in the target, behind the source's 10"]


def test_compare_sequence_ahead_or_equal_is_fine():
    source = fingerprint(sequences={"public.s": sequence(10)})
    assert postgres.compare(source, fingerprint(sequences={"public.s": sequence(10)})) == []
    assert postgres.compare(source, fingerprint(sequences={"public.s": sequence(11)})) == []


def test_compare_sequence_missing():
    differences = postgres.compare(fingerprint(sequences={"public.s": sequence(1, False)}), fingerprint())
    assert differences == ["sequence public.s: missing in the target"]


def test_compare_sequence_never_called_in_the_target():
    # A target sequence never called hands out its start value next: behind a source that was used, even at the same value.
    differences = postgres.compare(fingerprint(sequences={"public.s": sequence(1)}), fingerprint(sequences={"public.s": sequence(1, False)}))
    assert differences == ["sequence public.s: at 1 in the target, behind the source's 1"]


def test_compare_sequence_never_called_in_the_source():
    source = fingerprint(sequences={"public.s": sequence(0, False)})
    assert postgres.compare(source, fingerprint(sequences={"public.s": sequence(0, False)})) == []
    assert postgres.compare(source, fingerprint(sequences={"public.s": sequence(7)})) == []


def test_compare_sequence_in_the_target_only_is_fine():
    assert postgres.compare(fingerprint(), fingerprint(sequences={"public.s": sequence(3)})) == []


def test_compare_tables_before_sequences():
    source = fingerprint({"public.t": table(1)}, {"public.a": sequence(2)})
    differences = postgres.compare(source, fingerprint())
    assert [d.split(" ")[0] for d in differences] == ["table", "sequence"]
