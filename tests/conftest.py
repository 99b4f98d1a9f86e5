"""The order `make test`'s two xdist workers take the test modules in (--dist loadfile --no-loadscope-reorder).

xdist hands out whole modules in collection order. The integration modules take minutes each (Ansible is CPU-bound
here), the unit modules seconds: the integration ones go first, the longest first, so the many short unit modules
fill the gaps at the end and both workers finish at about the same time. Only the order changes, never what runs.
"""

from __future__ import annotations

# Seconds each module took in a CI run (pytest --durations, two workers on two cores, 2026-11-23); approximate, and
# only their order matters. A module not listed runs after the listed ones, before the unit modules.
INTEGRATION_SECONDS = {
    "test_network_role.py": 575,
    "test_database_role.py": 420,
    "test_awx_job_templates.py": 420,
    "test_compute_role.py": 280,
    "test_dr_drill.py": 172,
    "test_monitoring_role.py": 166,
    "test_migration.py": 145,
    "test_cache_role.py": 136,
    "test_edge_roles.py": 133,
    "test_backup_role.py": 125,
}


def _weight(item) -> tuple[int, float]:
    path = item.path
    if "integration" not in path.parts:
        return (2, 0)
    if path.name in INTEGRATION_SECONDS:
        return (0, -INTEGRATION_SECONDS[path.name])
    return (1, 0)


def pytest_collection_modifyitems(session, config, items):
    # sorted() is stable: the tests of a module keep their order, which some modules' shared state depends on.
    items[:] = sorted(items, key=_weight)
