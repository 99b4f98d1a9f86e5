# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the cache role's input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import auth_token_errors, identifier_errors

_GRAVITON = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
# Node types ElastiCache offers for Redis OSS and Valkey (AWS: "Supported node types").
NODE_TYPES = {
    "cache.t3": ("micro", "small", "medium"),
    "cache.t4g": ("micro", "small", "medium"),
    "cache.m5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "cache.m6g": _GRAVITON,
    "cache.m7g": _GRAVITON,
    "cache.r5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "cache.r6g": _GRAVITON,
    "cache.r7g": _GRAVITON,
    "cache.r6gd": _GRAVITON[1:],
    "cache.c7gn": _GRAVITON,
}


def node_type_exists(node_type):
    family, _sep, size = str(node_type).rpartition(".")
    return size in NODE_TYPES.get(family, ())


def cache_input_errors(settings):
    """Return one message per problem, each naming its variable; ``settings`` maps variable names to values."""
    errors = []
    # The same rules elasticache_replication_group applies, from one place.
    errors.extend(identifier_errors(str(settings.get("cache_replication_group_id") or ""), "cache_replication_group_id:"))
    if settings.get("cache_auth_token"):
        errors.extend(auth_token_errors(str(settings["cache_auth_token"]), "cache_auth_token:"))

    for variable in ("cache_node_type", "cache_secondary_node_type"):
        value = settings.get(variable)
        if value and not node_type_exists(value):
            errors.append(f"{variable}: {value} is not an ElastiCache node type (for example cache.t3.medium, cache.r6g.2xlarge)")

    shards = int(settings.get("cache_shards") or 1)
    replicas = int(settings.get("cache_replicas_per_shard") or 0)
    if settings.get("cache_multi_az") and replicas < 1:
        where = f"cluster mode with {shards} shard{'s' if shards != 1 else ''}" if settings.get("cache_cluster_mode") else "one node"
        errors.append(f"cache_replicas_per_shard: 0 with cache_multi_az true ({where}): Multi-AZ needs at least one replica per shard to fail over to")
    if not 0 <= replicas <= 5:
        errors.append(f"cache_replicas_per_shard: {replicas} is outside 0 to 5")
    if not 1 <= shards <= 500:
        errors.append(f"cache_shards: {shards} is outside 1 to 500")
    if shards > 1 and not settings.get("cache_cluster_mode"):
        errors.append(f"cache_shards: {shards} shards need cache_cluster_mode true")

    primary = settings.get("cache_primary_region")
    secondaries = list(settings.get("cache_secondary_regions") or [])
    if primary in secondaries:
        errors.append(f"cache_secondary_regions: {primary} is the primary region; a secondary must be another region")
    return errors


class FilterModule:
    def filters(self):
        return {"cache_input_errors": cache_input_errors}
