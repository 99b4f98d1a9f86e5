import pytest

from ansible_collections.stories1001.infra.plugins.filter.database import database_input_errors, instance_class_offered, windows_overlap

SEED_000 = {
    "database_engine": "aurora-postgresql",
    "database_identifier": "stories1001-production-db",
    "database_instance_class": "db.r6g.large",
    "database_secondary_instance_class": "db.r6g.2xlarge",
    "database_backup_retention_days": 30,
    "database_backup_window": "03:00-04:00",
    "database_maintenance_window": "Sun:04:00-Sun:05:00",
    "database_primary_region": "us-east-1",
    "database_secondary_regions": ["eu-west-1", "ap-southeast-1"],
}


def test_seed_000_settings_are_valid():
    assert database_input_errors(SEED_000) == []


def test_seed_003_plain_rds_settings_are_valid():
    settings = dict(SEED_000, database_engine="postgres", database_instance_class="db.t3.medium", database_secondary_instance_class=None,
                    database_backup_retention_days=7, database_secondary_regions=[])
    assert database_input_errors(settings) == []


@pytest.mark.parametrize(
    "engine, instance_class, offered",
    [
        ("aurora-postgresql", "db.r6g.4xlarge", True),
        ("aurora-postgresql", "db.serverless", True),
        ("aurora-postgresql", "db.t3.micro", False),  # Aurora PostgreSQL starts at medium
        ("aurora-postgresql", "db.m5.large", False),  # no general-purpose classes on Aurora PostgreSQL
        ("postgres", "db.t3.micro", True),
        ("postgres", "db.r6g.64xlarge", False),
        ("postgres", "r6g.large", False),
    ],
)
def test_instance_class_offered(engine, instance_class, offered):
    assert instance_class_offered(engine, instance_class) is offered


@pytest.mark.parametrize(
    "backup, maintenance, overlap",
    [
        ("03:00-04:00", "Sun:04:00-Sun:05:00", False),  # touching ends do not overlap
        ("03:00-04:00", "Sun:03:30-Sun:04:30", True),
        ("03:00-04:00", "Wed:02:00-Wed:03:01", True),
        ("23:30-00:30", "Mon:00:00-Mon:00:45", True),  # backup wraps past midnight
        ("23:30-00:30", "Sun:23:45-Mon:00:15", True),  # maintenance wraps past the week's end
        ("23:30-00:30", "Tue:01:00-Tue:02:00", False),
    ],
)
def test_windows_overlap(backup, maintenance, overlap):
    assert windows_overlap(backup, maintenance) is overlap


@pytest.mark.parametrize(
    "change, variable, words",
    [
        ({"database_identifier": "1001-stories-db"}, "database_identifier", "beginning with a letter"),
        ({"database_identifier": "stories--db"}, "database_identifier", "no two hyphens"),
        ({"database_instance_class": "db.t3.micro"}, "database_instance_class", "aurora-postgresql does not offer db.t3.micro"),
        ({"database_secondary_instance_class": "db.m5.large"}, "database_secondary_instance_class", "does not offer db.m5.large"),
        ({"database_backup_retention_days": 0}, "database_backup_retention_days", "outside 1 to 35"),
        ({"database_backup_retention_days": 36}, "database_backup_retention_days", "outside 1 to 35"),
        ({"database_maintenance_window": "Sun:03:30-Sun:04:30"}, "database_maintenance_window", "overlaps database_backup_window"),
        ({"database_backup_window": "3:00-4:00"}, "database_backup_window", "not hh24:mi-hh24:mi"),
        ({"database_backup_window": "03:00-03:15"}, "database_backup_window", "shorter than the 30 minutes"),
        ({"database_maintenance_window": "Sunday:04:00-Sunday:05:00"}, "database_maintenance_window", "not ddd:hh24:mi"),
        ({"database_secondary_regions": ["eu-west-1", "us-east-1"]}, "database_secondary_regions", "us-east-1 is the primary region"),
        ({"database_secondary_regions": ["eu-west-1", "eu-west-1"]}, "database_secondary_regions", "twice"),
    ],
)
def test_each_bad_input_names_its_variable(change, variable, words):
    errors = database_input_errors(dict(SEED_000, **change))
    assert any(e.startswith(variable + ":") and words in e for e in errors), errors


def test_retention_given_as_digits_on_the_command_line_counts_as_a_number():
    assert database_input_errors(dict(SEED_000, database_backup_retention_days="35")) == []
