#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: compose_info
version_added: 0.2.0
short_description: Read a Docker Compose project the way Docker Compose does, for a migration
description:
  - Reads a compose file on the host and tells what a migration needs to know about it. The database service (engine,
    version, user, database, where its password comes from, its data directory on the host, whether its port is published,
    the command that runs a client in its container), the cache (persistence, memory policy, data directory), the app
    (ports, health check, env files, environment) and the host directories bound into the app, with their sizes.
  - Reads the files as docker compose does. The compose file is interpolated (C($VAR), C(${VAR}), C(${VAR:-default}),
    C(${VAR-default}), C(${VAR:?error}), C(${VAR?error}), C(${VAR:+other}), C(${VAR+other}), nested defaults, C($$) for a
    literal C($)) with the variables of O(env_files) and O(environment), O(environment) winning. A variable that is not set
    becomes an empty string with a warning, as compose warns.
  - A service's environment is each of its C(env_file) files in order (a later file wins), then its C(environment), which
    wins over every C(env_file). So C(POSTGRES_USER=stories_user) under C(environment) beats C(POSTGRES_USER=postgres) in the
    env file.
  - Env files are read like compose's (C(KEY=VALUE), C(export KEY=VALUE), double-quoted values with escapes such as C(\n),
    single-quoted literal values, C(#) comments and comments after an unquoted value, C(KEY) alone taken from the environment).
  - Only reads; nothing on the host changes. Never puts a secret in a warning or an error message.
author:
  - 1001 Stories platform team (@1001stories)
options:
  path:
    description:
      - The compose file, for example V(/opt/1001-stories/docker-compose.yml), or the directory holding it (then
        C(compose.yaml), C(compose.yml), C(docker-compose.yml) or C(docker-compose.yaml), as compose looks for them).
    type: path
    required: true
  project_directory:
    description:
      - The project directory, which relative paths (bind mounts, env files) are resolved against, as with
        C(docker compose --project-directory). By default, the directory of O(path).
    type: path
  env_files:
    description:
      - The files the compose file is interpolated with, in order (a later file wins), as with C(docker compose --env-file).
      - By default, C(<project_directory>/.env) when it exists, compose's own rule. V([]) uses none.
      - These are not the services' C(env_file) files, which only set the containers' environment.
    type: list
    elements: path
  environment:
    description:
      - The variables of the shell docker compose would run in; they win over O(env_files) for interpolation. A null value
        means the variable is not set.
      - The environment of the process that runs the module is not read, so a result does not depend on how Ansible
        connected.
      - Unless O(return_secrets) is set, the values of variables whose names look secret are hidden in the task's result.
    type: dict
    default: {}
  database_service:
    description:
      - The database service. By default, the service whose image is C(postgres*) or C(postgis*); several such services are an error.
    type: str
  cache_service:
    description:
      - The cache service. By default, the service whose image is C(redis*) or C(valkey*); several such services are an error.
    type: str
  app_service:
    description:
      - The app service. By default, the service publishing container port 3000, else the service named C(app).
    type: str
  sizes:
    description:
      - Walk each host directory bound into the app, and the database's and cache's data directories, for their total size
        in bytes and number of files. A directory that does not exist is reported with RV(volumes[].exists=false), not as an error.
    type: bool
    default: true
  return_secrets:
    description:
      - Return the database password (RV(database.password)), the cache password when the command sets one, and the values of
        the app's variables whose names look secret (passwords, secrets, tokens, keys, URLs with a password).
      - A task that sets this should have C(no_log=true), since the result then holds secrets.
    type: bool
    default: false
attributes:
  check_mode:
    description: Only reads, so it runs in check mode and returns the same result.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: N/A
  idempotent:
    description: Changes nothing; two runs give the same result as long as the files do not change.
    support: full
notes:
  - The services' C(extends) and the file's C(include) are not followed (a warning says so), nor is a
    C(docker-compose.override.yml), which docker compose merges only when run without C(-f) (a warning says when one is there).
  - The official postgres image does not read C(POSTGRES_SHARED_PRELOAD_LIBRARIES); RV(database.shared_preload_libraries)
    comes first from C(-c shared_preload_libraries=) in the command, then from the configuration file named by
    C(-c config_file=) when it is on the host, and only then from that variable (RV(database.shared_preload_libraries_from) says which).
requirements:
  - PyYAML on the host that runs the module
seealso:
  - name: Compose file interpolation
    description: The interpolation rules this module follows.
    link: https://docs.docker.com/reference/compose-file/interpolation/
  - name: Environment variables precedence
    description: How compose builds a container's environment.
    link: https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/
"""

EXAMPLES = r"""
- name: Read the Lightsail host's compose project
  stories1001.infra.compose_info:
    path: /opt/1001-stories/docker-compose.yml
  register: lightsail

- name: Dump the database through its container (its port is not published)
  ansible.builtin.shell:
    cmd: >-
      {{ lightsail.database.exec_prefix | map('quote') | join(' ') }}
      pg_dump -Fc -U {{ lightsail.database.user }} {{ lightsail.database.database }} > /var/backups/stories.dump
    creates: /var/backups/stories.dump

- name: The database password as well (the result holds it, so nothing of the task is shown)
  stories1001.infra.compose_info:
    path: /opt/1001-stories/docker-compose.yml
    env_files: [/opt/1001-stories/.env]
    database_service: postgres
    sizes: false
    return_secrets: true
  register: lightsail_secrets
  no_log: true
"""

RETURN = r"""
compose_file:
  description: The compose file read.
  returned: always
  type: str
  sample: /opt/1001-stories/docker-compose.yml
project_directory:
  description: The project directory relative paths were resolved against.
  returned: always
  type: str
  sample: /opt/1001-stories
project_name:
  description: The compose project name (C(COMPOSE_PROJECT_NAME), else the file's C(name), else the project directory's name).
  returned: always
  type: str
  sample: 1001-stories
env_files:
  description: The files the compose file was interpolated with.
  returned: always
  type: list
  elements: str
  sample: [/opt/1001-stories/.env]
services:
  description: The names of the services, sorted.
  returned: always
  type: list
  elements: str
  sample: [app, certbot, nginx, node-exporter, postgres, prometheus, redis]
database:
  description: The database service; empty when there is none.
  returned: always
  type: dict
  contains:
    service:
      description: The service name.
      type: str
      returned: when a database service exists
      sample: postgres
    container_name:
      description: Its fixed container name, if the file sets one (for C(docker exec)).
      type: str
      returned: when a database service exists
      sample: 1001-stories-postgres
    image:
      description: The image, interpolated.
      type: str
      returned: when a database service exists
      sample: postgres:15-alpine
    engine:
      description: Always V(postgresql).
      type: str
      returned: when a database service exists
      sample: postgresql
    version:
      description: The major version from the image tag; null when the tag does not give one (such as V(latest)).
      type: str
      returned: when a database service exists
      sample: "15"
    image_tag:
      description: The image tag.
      type: str
      returned: when a database service exists
      sample: 15-alpine
    user:
      description: C(POSTGRES_USER) as the container gets it (C(environment) over C(env_file)); V(postgres), the image's default, when unset.
      type: str
      returned: when a database service exists
      sample: stories_user
    database:
      description: C(POSTGRES_DB) as the container gets it; the user's name, the image's default, when unset.
      type: str
      returned: when a database service exists
      sample: stories_db
    password_variable:
      description:
        - The variable the password comes from, when C(POSTGRES_PASSWORD) is set under C(environment) as a reference
          such as C(${DB_PASSWORD}); V(POSTGRES_PASSWORD) when it is a literal or comes from an env file; null when unset.
      type: str
      returned: when a database service exists
      sample: DB_PASSWORD
    password_source:
      description: V(environment) when C(environment) sets C(POSTGRES_PASSWORD), else the env file that does; null when unset.
      type: str
      returned: when a database service exists
      sample: environment
    password_set:
      description: Whether C(POSTGRES_PASSWORD) is set to a non-empty value.
      type: bool
      returned: when a database service exists
      sample: true
    password_file:
      description: C(POSTGRES_PASSWORD_FILE), when the password is given as a file (a secret) instead.
      type: str
      returned: when a database service exists
      sample: null
    password:
      description:
        - The value of C(POSTGRES_PASSWORD) as the container gets it. It only took effect when the data directory was first
          initialised; a later change of the variable does not change the role's password.
      type: str
      returned: with O(return_secrets=true)
    data_directory:
      description:
        - The host directory mounted on C(/var/lib/postgresql/data) (or holding C(PGDATA)), through a bind mount or a named
          volume bound to a host device.
      type: str
      returned: when a database service exists
      sample: /opt/1001-stories/data/postgres
    data_volume:
      description: The docker volume name of the data directory, when it is a named volume.
      type: str
      returned: when a database service exists
      sample: 1001-stories_postgres_data
    data_usage:
      description: Size of RV(database.data_directory), in the form of the entries of RV(volumes) (often unreadable without root).
      type: dict
      returned: with O(sizes=true), when the data directory is on the host
      sample: {"exists": true, "size_bytes": 73400320, "file_count": 1270, "complete": true}
    pgdata:
      description: C(PGDATA) inside the container.
      type: str
      returned: when a database service exists
      sample: /var/lib/postgresql/data/pgdata
    pgdata_directory:
      description: The host path of C(PGDATA).
      type: str
      returned: when a database service exists
      sample: /opt/1001-stories/data/postgres/pgdata
    published_ports:
      description: The ports published on the host, in the form of RV(app.ports). V([]) means the server is only reachable
        inside the compose network, so a client runs through RV(database.exec_prefix).
      type: list
      elements: dict
      returned: when a database service exists
      sample: []
    shared_preload_libraries:
      description: The libraries preloaded by the server.
      type: list
      elements: str
      returned: when a database service exists
      sample: [pg_stat_statements]
    shared_preload_libraries_from:
      description: Where RV(database.shared_preload_libraries) comes from, V(command), V(config_file) or V(environment); null when not set.
      type: str
      returned: when a database service exists
      sample: environment
    settings:
      description: The server settings given on the command (C(-c name=value)).
      type: dict
      returned: when a database service exists
      sample: {"config_file": "/etc/postgresql/postgresql.conf", "log_statement": "all"}
    config_file:
      description: The configuration file inside the container (C(-c config_file=)).
      type: str
      returned: when a database service exists
      sample: /etc/postgresql/postgresql.conf
    config_file_source:
      description: The host file bound to RV(database.config_file).
      type: str
      returned: when a database service exists
      sample: /opt/1001-stories/postgres/postgresql.conf
    exec_prefix:
      description:
        - The command that runs a program inside the running database container without a TTY, so its input and output can be
          piped; for example a task runs it followed by C(pg_dump -U <user> <database>). The environment of the task should
          provide the variables given in O(environment), if any.
      type: list
      elements: str
      returned: when a database service exists
      sample: [docker, compose, -f, /opt/1001-stories/docker-compose.yml, --project-directory, /opt/1001-stories, -p, 1001-stories,
               exec, -T, postgres]
cache:
  description: The cache service; empty when there is none. Settings not on the command are null (the server's default or its configuration file).
  returned: always
  type: dict
  contains:
    service:
      description: The service name.
      type: str
      returned: when a cache service exists
      sample: redis
    container_name:
      description: Its fixed container name, if the file sets one.
      type: str
      returned: when a cache service exists
      sample: 1001-stories-redis
    image:
      description: The image, interpolated.
      type: str
      returned: when a cache service exists
      sample: redis:7-alpine
    engine:
      description: V(redis) or V(valkey).
      type: str
      returned: when a cache service exists
      sample: redis
    version:
      description: The major version from the image tag.
      type: str
      returned: when a cache service exists
      sample: "7"
    image_tag:
      description: The image tag.
      type: str
      returned: when a cache service exists
      sample: 7-alpine
    appendonly:
      description: Whether the command turns on the append-only file (C(--appendonly yes)).
      type: bool
      returned: when a cache service exists
      sample: true
    appendfsync:
      description: C(--appendfsync).
      type: str
      returned: when a cache service exists
      sample: null
    save:
      description: The RDB snapshot rules, pairs of seconds and changes (C(--save 900 1)); V([]) when C(--save "") turns snapshots off.
      type: list
      elements: list
      returned: when a cache service exists
      sample: [[900, 1], [300, 10], [60, 10000]]
    maxmemory:
      description: C(--maxmemory), as written.
      type: str
      returned: when a cache service exists
      sample: 256mb
    maxmemory_policy:
      description: C(--maxmemory-policy).
      type: str
      returned: when a cache service exists
      sample: noeviction
    auth:
      description: Whether the command sets a password (C(--requirepass)).
      type: bool
      returned: when a cache service exists
      sample: false
    password:
      description: The C(--requirepass) value.
      type: str
      returned: with O(return_secrets=true), when the command sets one
    data_directory:
      description: The host directory behind the server's directory (C(--dir), else C(/data)).
      type: str
      returned: when a cache service exists
      sample: /opt/1001-stories/data/redis
    data_volume:
      description: The docker volume name of the data directory, when it is a named volume.
      type: str
      returned: when a cache service exists
      sample: 1001-stories_redis_data
    data_usage:
      description: Size of RV(cache.data_directory), in the form of the entries of RV(volumes).
      type: dict
      returned: with O(sizes=true), when the data directory is on the host
    published_ports:
      description: The ports published on the host, in the form of RV(app.ports).
      type: list
      elements: dict
      returned: when a cache service exists
      sample: []
    exec_prefix:
      description: The command that runs a program inside the running cache container (for example C(redis-cli BGSAVE)).
      type: list
      elements: str
      returned: when a cache service exists
app:
  description: The app service; empty when there is none.
  returned: always
  type: dict
  contains:
    service:
      description: The service name.
      type: str
      returned: when an app service exists
      sample: app
    container_name:
      description: Its fixed container name, if the file sets one.
      type: str
      returned: when an app service exists
      sample: 1001-stories-app
    image:
      description: The image, interpolated.
      type: str
      returned: when an app service exists
      sample: 1001-stories-app:latest
    ports:
      description: The ports, one entry per port (ranges expanded).
      type: list
      elements: dict
      returned: when an app service exists
      sample: [{"host_ip": null, "published": 3000, "target": 3000, "protocol": "tcp"}]
    health_check_url:
      description: The URL the container's health check requests; null when it requests none.
      type: str
      returned: when an app service exists
      sample: http://localhost:3000/api/health
    env_files:
      description: The app's C(env_file) files, absolute.
      type: list
      elements: str
      returned: when an app service exists
      sample: [/opt/1001-stories/.env.production]
    environment:
      description: The app container's environment, sorted by name, without the variables of RV(app.secret_names) unless O(return_secrets=true).
      type: dict
      returned: when an app service exists
      sample: {"NEXTAUTH_URL": "https://1001stories.seedsofempowerment.org", "NODE_ENV": "production"}
    secret_names:
      description: The names of the app's variables that look secret (passwords, secrets, tokens, keys, URLs with a password).
      type: list
      elements: str
      returned: when an app service exists
      sample: [DATABASE_URL, NEXTAUTH_SECRET, REDIS_URL]
volumes:
  description:
    - The host directories bound into the app, the data to migrate (bind mounts, and named volumes bound to a host
      device), sorted by name, then source and target.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The last component of the source.
      type: str
      sample: uploads
    service:
      description: The service it is bound into.
      type: str
      sample: app
    type:
      description: V(bind) or V(volume).
      type: str
      sample: bind
    source:
      description: The absolute host path.
      type: str
      sample: /opt/1001-stories/uploads
    target:
      description: The path inside the container.
      type: str
      sample: /app/uploads
    read_only:
      description: Whether the container mounts it read-only.
      type: bool
      sample: false
    volume:
      description: The docker volume name, for a named volume.
      type: str
      sample: null
    exists:
      description: Whether the source exists on the host.
      type: bool
      sample: true
    size_bytes:
      description: The total size of the regular files under it (symbolic links inside are not followed); 0 when it does not exist.
      type: int
      returned: with O(sizes=true)
      sample: 52428800
    file_count:
      description: The number of regular files under it.
      type: int
      returned: with O(sizes=true)
      sample: 4211
    complete:
      description: False when some directory under it could not be read (its contents are not counted).
      type: bool
      returned: with O(sizes=true)
      sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stories1001.infra.plugins.module_utils._compose import ComposeError
from ansible_collections.stories1001.infra.plugins.module_utils._compose import describe
from ansible_collections.stories1001.infra.plugins.module_utils._compose import is_secret
from ansible_collections.stories1001.infra.plugins.module_utils._compose import yaml


def shell_environment(variables):
    """The environment option as strings (YAML true -> "true"); None stays unset."""
    result = {}
    for key, value in (variables or {}).items():
        if value is None:
            result[str(key)] = None
        elif isinstance(value, bool):
            result[str(key)] = "true" if value else "false"
        else:
            result[str(key)] = str(value)
    return result


def main():
    argument_spec = dict(
        path=dict(type="path", required=True),
        project_directory=dict(type="path"),
        env_files=dict(type="list", elements="path"),
        environment=dict(type="dict", default={}),
        database_service=dict(type="str"),
        cache_service=dict(type="str"),
        app_service=dict(type="str"),
        sizes=dict(type="bool", default=True),
        return_secrets=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    if yaml is None:
        module.fail_json(msg="PyYAML is required on the host that runs compose_info")
    params = module.params
    environment = shell_environment(params["environment"])
    if not params["return_secrets"]:
        # Values the caller passes under secret-looking names stay out of the result (its invocation included).
        module.no_log_values.update(value for key, value in environment.items() if value and is_secret(key, value))
    try:
        result = describe(
            params["path"],
            project_directory=params["project_directory"],
            env_files=params["env_files"],
            environment=environment,
            database_service=params["database_service"],
            cache_service=params["cache_service"],
            app_service=params["app_service"],
            sizes=params["sizes"],
            return_secrets=params["return_secrets"],
        )
    except ComposeError as error:
        module.fail_json(msg=str(error))
    for warning in result.pop("warnings"):
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
