"""The migration's test data itself (tests/integration/migration_data.py): a real PostgreSQL 15 loaded with the
application's schema.sql and generated rows, the fingerprints and sequences the migration tests compare, and the
directory tree standing for the host's volumes."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import migration_data as md
from postgres import PostgresServer, find_bin_dir

pytestmark = pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL's initdb not found (install postgresql-15)")

SMALL = 0.05  # for the extra databases: a few thousand rows, every table still filled


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="module")
def source(pg):
    """The full-size source database (scale 1), as the migration tests get it."""
    md.load_schema(pg)
    return md.generate(pg)


@pytest.fixture(scope="module")
def small(pg):
    """Three small databases: two from the same seed, one from another."""
    summaries = {}
    for name, seed in (("small_a", 1001), ("small_b", 1001), ("small_other", 7)):
        md.load_schema(pg, name)
        summaries[name] = md.generate(pg, name, scale=SMALL, seed=seed)
    return summaries


def query(pg, database, statement, *params):
    with md.connect(pg, database) as conn:
        return conn.execute(statement, params or None).fetchall()


def test_totals_and_every_table_filled(pg, source):
    tables = source["tables"]
    assert source["total"] == sum(tables.values()) >= 20000
    assert source["seconds"] < 30, source
    assert (tables["public.users"], tables["public.books"], tables["public.reading_progress"]) == (5000, 2000, 20000)
    filled = [name for name, count in tables.items() if count > 0]
    assert len(filled) >= 10
    # every table of schema.sql (58) plus _prisma_migrations and the two TEST-ONLY tables, none empty, counts true
    fingerprints = md.table_fingerprints(pg, md.DATABASE)
    assert len(fingerprints) == 61
    assert {name: count for name, (count, _digest) in fingerprints.items()} == tables
    assert all(count > 0 for count, _digest in fingerprints.values())
    assert "public.verification_tokens" in fingerprints  # the schema's one table without a primary key


def test_owned_by_the_app_user(pg, source):
    role = pg.psql("SELECT rolsuper::text || ',' || rolcanlogin::text || ',' || (rolpassword IS NOT NULL)::text FROM pg_authid WHERE rolname = 'stories_user'")
    assert role == "false,true,true"
    assert pg.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'stories_db'") == "stories_user"
    owners = pg.psql(
        "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'i')",
        database="stories_db",
    )
    assert owners == "stories_user"
    assert pg.psql("SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'pgcrypto'", database="stories_db") == "stories_user"


def test_enums_jsonb_and_arrays_hold_what_was_generated(pg, source):
    roles = dict(query(pg, "stories_db", "SELECT role::text, count(*) FROM users GROUP BY 1"))
    assert set(roles) == {"LEARNER", "TEACHER", "INSTITUTION", "WRITER", "ADMIN"}  # VOLUNTEER was renamed WRITER
    types = query(pg, "stories_db", 'SELECT DISTINCT unnest("preferredTypes")::text FROM volunteer_profiles')
    assert {t for (t,) in types} <= set(md.ENUMS["VolunteerType"]) and len(types) >= 5
    # JSONB: nested objects and arrays, non-Latin keys and values, emoji, escapes
    nested = query(
        pg,
        "stories_db",
        """SELECT count(*) FROM classes WHERE jsonb_typeof(settings) = 'object' AND jsonb_typeof(schedule->'days') = 'array'""",
    )[
        0
    ][0]
    assert nested == 200
    payloads = [p for (p,) in query(pg, "stories_db", 'SELECT payload FROM "AuditEvent" WHERE payload IS NOT NULL ORDER BY id')]
    text = json.dumps(payloads, ensure_ascii=False)
    for needle in ("제목", "título", "عنوان", "emoji🎉", 'quo\\"te', "back\\\\slash", "👩‍👩‍👧‍👦", "Ólafur Þórsson"):
        assert needle in text, needle
    address = query(pg, "stories_db", """SELECT "shippingAddress" FROM orders WHERE "shippingAddress"->>'city' = '서울' LIMIT 1""")[0][0]
    assert isinstance(address["geo"], list) and address["country"]
    # text arrays holding the tricky strings byte for byte
    notes = {n for (n,) in query(pg, "stories_db", "SELECT DISTINCT unnest(notes) FROM reading_progress")}
    assert set(md.TRICKY_TEXT) <= notes | {None}
    assert {"", "\\.", "back\\slash and \\N which is not NULL", "windows\r\nline end", "tab\tseparated\tvalues", "NULL"} <= notes


def test_text_nulls_unicode_numbers_and_timestamps(pg, source):
    db = "stories_db"
    names = {n for (n,) in query(pg, db, "SELECT DISTINCT name FROM users WHERE name IS NOT NULL")}
    assert {"김민준", "محمد الأمين", "प्रिया शर्मा", "陈静", "Chidi 🦁 Eze", "Zoë O'Brien", 'Tiago "Tito" Silva'} <= names
    assert query(pg, db, "SELECT count(*) FROM users WHERE name IS NULL")[0][0] > 0
    assert query(pg, db, "SELECT count(*) FROM books WHERE content LIKE %s", "%\n\n%")[0][0] > 0
    assert query(pg, db, "SELECT count(*) FROM books WHERE content LIKE %s", "%\\\\%")[0][0] > 0  # a backslash
    assert query(pg, db, "SELECT count(*) FROM books WHERE content LIKE %s", "%\t%")[0][0] > 0
    welcome = query(pg, db, "SELECT content FROM welcome_messages WHERE language = 'ko' LIMIT 1")[0][0]
    assert welcome == "1001 Stories에 오신 것을 환영합니다! 🎉"
    assert query(pg, db, "SELECT count(*) FROM donations WHERE amount = 99999999.99")[0][0] > 0
    special = query(pg, db, """SELECT amount FROM "AuditEvent" WHERE amount = 'NaN' OR amount = 12345678901234567890.123456789""")
    assert any(a.is_nan() for (a,) in special) and Decimal("12345678901234567890.123456789") in {a for (a,) in special}
    assert query(pg, db, """SELECT count(*) FROM "AuditEvent" WHERE "occurredAt" = 'infinity'""")[0][0] == 1
    kinds = dict(query(pg, db, "SELECT data_type, count(*) FROM information_schema.columns WHERE table_schema = 'public' GROUP BY 1"))
    assert {"timestamp with time zone", "jsonb", "numeric", "boolean", "bytea", "interval", "uuid", "USER-DEFINED", "ARRAY"} <= set(kinds)
    # booleans both ways, bytea holding NUL and backslash
    assert {b for (b,) in query(pg, db, 'SELECT DISTINCT "isPublished" FROM books')} == {True, False}
    assert query(pg, db, """SELECT count(*) FROM "AuditEvent" WHERE position('\\x005c'::bytea in raw) > 0""")[0][0] > 0


def test_sequences_past_their_max_ids(pg, source):
    states = md.sequence_states(pg, "stories_db")
    owned = md.sequence_columns(pg, "stories_db")
    assert owned == {
        "public.AuditEvent_id_seq": ("public.AuditEvent", "id"),
        "public.ReadingSession_id_seq": ("public.ReadingSession", "id"),
    }
    for sequence, (table, column) in owned.items():
        schema, name = table.split(".")
        top = query(pg, "stories_db", f'SELECT max("{column}") FROM "{schema}"."{name}"')[0][0]
        assert states[sequence][0] >= top and states[sequence][1], sequence
    assert states["public.AuditEvent_id_seq"] == (5000, True)  # advanced by the rows themselves
    top = query(pg, "stories_db", 'SELECT max(id) FROM "ReadingSession"')[0][0]
    assert states["public.ReadingSession_id_seq"] == (top + md.READING_SESSION_SEQUENCE_GAP, True)  # beyond max(id)
    last_order = query(pg, "stories_db", """SELECT max(substr("orderNumber", 5)::int) FROM orders""")[0][0]
    assert states["public.order_number_seq"] == (last_order, True)
    assert states["public.ticket_number_seq"] == (500, False)
    assert md.sequence_values(pg, "stories_db")["public.ReadingSession_id_seq"] == top + md.READING_SESSION_SEQUENCE_GAP


def test_same_seed_same_fingerprints_other_seed_differs(pg, small):
    a = md.table_fingerprints(pg, "small_a")
    b = md.table_fingerprints(pg, "small_b")
    other = md.table_fingerprints(pg, "small_other")
    assert small["small_a"] == {**small["small_b"], "seconds": small["small_a"]["seconds"]}
    assert a == b
    assert md.sequence_states(pg, "small_a") == md.sequence_states(pg, "small_b")
    assert set(a) == set(other)
    differing = [t for t in a if a[t][1] != other[t][1]]
    assert len(differing) >= len(a) - 2, differing  # only tables without generated randomness may agree
    assert a["public.users"][1] != other["public.users"][1]


def test_fingerprints_do_not_depend_on_session_or_database_settings(pg, small):
    """The same seed generated into a database with an ICU collation (which orders text unlike the C.UTF-8 default) and
    another TimeZone, float and bytea output, DateStyle: the same fingerprints."""
    md.load_schema(pg, "small_icu", create_options="LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
    pg.psql(
        "ALTER DATABASE small_icu SET timezone TO 'Asia/Kathmandu';"
        "ALTER DATABASE small_icu SET extra_float_digits TO -3;"
        "ALTER DATABASE small_icu SET bytea_output TO 'escape';"
        "ALTER DATABASE small_icu SET datestyle TO 'SQL, DMY';"
    )
    md.generate(pg, "small_icu", scale=SMALL, seed=1001)
    ordered = "SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('a'), ('B')) v(x)"
    assert pg.psql(ordered, database="small_icu") != pg.psql(ordered, database="small_a")  # the collations do differ
    assert md.table_fingerprints(pg, "small_icu") == md.table_fingerprints(pg, "small_a")


def test_a_faithful_copy_has_equal_fingerprints_and_sequences(pg, small):
    """pg_dump | pg_restore of a generated database into another: every fingerprint and sequence equal, so the
    fingerprints flag a migration's differences, not their own."""
    pg.psql("CREATE DATABASE small_restored OWNER stories_user")
    conn = ["-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres"]
    dump = subprocess.run(["pg_dump", *conn, "-Fc", "-d", "small_a"], check=True, capture_output=True, timeout=120).stdout
    subprocess.run(["pg_restore", *conn, "--exit-on-error", "-d", "small_restored"], input=dump, check=True, capture_output=True, timeout=120)
    assert md.table_fingerprints(pg, "small_restored") == md.table_fingerprints(pg, "small_a")
    assert md.sequence_states(pg, "small_restored") == md.sequence_states(pg, "small_a")


def test_one_changed_row_changes_only_that_fingerprint(pg, small):
    pg.psql("CREATE DATABASE small_mutated TEMPLATE small_b OWNER stories_user")
    before = md.table_fingerprints(pg, "small_mutated")
    changed = md.mutate_one_row(pg, "small_mutated")
    after = md.table_fingerprints(pg, "small_mutated")
    assert changed["table"] == "public.reading_progress" and changed["after"] == changed["before"] + 1
    assert [t for t in before if before[t] != after[t]] == ["public.reading_progress"]
    assert before["public.reading_progress"][0] == after["public.reading_progress"][0]  # same count, other checksum


def test_make_volumes_is_deterministic_and_complete(tmp_path):
    first = md.make_volumes(tmp_path / "one")  # the defaults the migration tests use: 2000 small files, 3 PDFs of 8 MiB
    # same seed, same tree (smaller, to spare the disk): every file's hash equal
    twice = [md.make_volumes(tmp_path / name, small_files=500, pdfs=2, pdf_mb=1) for name in ("two", "three")]
    assert twice[0]["files"] == twice[1]["files"] and twice[0]["count"] == 502
    other = md.make_volumes(tmp_path / "four", small_files=50, pdfs=1, pdf_mb=1, seed=7)
    assert md.hash_tree(tmp_path / "one") == first["files"]
    assert first["count"] == 2003 and first["bytes"] == sum((tmp_path / "one" / p).stat().st_size for p in first["files"])
    root = tmp_path / "one"
    for directory in ("uploads", "public/books", "public/images", "public/generated-images", "public/covers"):
        assert (root / directory).is_dir()
        assert any(path.startswith(directory + "/") for path in first["files"]), directory
    assert (root / md.EMPTY_DIR).is_dir() and not any((root / md.EMPTY_DIR).iterdir())
    pdfs = sorted(p for p in first["files"] if p.startswith("public/books/"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        data = (root / pdf).read_bytes()
        assert data.startswith(b"%PDF-") and data.endswith(b"%%EOF\n") and len(data) == 8 * 1024 * 1024
    assert len({first["files"][p] for p in pdfs}) == 3
    names = set(first["files"])
    assert "uploads/avatars/my avatar (1).png" in names and "uploads/submissions/내 그림.png" in names
    assert any(len(Path(p).parts) >= 5 for p in names)  # nested dirs: uploads/2024/03/user-07/img-00042.png
    assert sum(p.startswith("uploads/") for p in names) > 1000
    fixed = {md.hashlib.sha256(b"").hexdigest(), md.hashlib.sha256(b"dot-file\n").hexdigest()}  # same in any seed
    assert not (set(other["files"].values()) - fixed) & set(first["files"].values())
