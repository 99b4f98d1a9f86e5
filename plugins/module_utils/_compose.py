# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read a Docker Compose project the way Docker Compose does: interpolation, env files, a service's environment,
volumes and ports, and what a migration needs to know about its database, cache and app.

The rules follow the Compose specification and compose-go, the library docker compose uses:
https://docs.docker.com/reference/compose-file/interpolation/ and
https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/.

Pure functions (only the file-system reads are I/O), so they are unit-tested without Ansible.
Private to stories1001.infra: the interface may change without notice.
"""

import os
import re
import shlex

try:
    import yaml
except ImportError:  # pragma: no cover - reported by the module
    yaml = None

NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
# Operators of a braced expression, longest first: ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ...
OPERATORS = (":-", ":?", ":+", "-", "?", "+")
ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Escapes a double-quoted env-file value understands (compose-go dotenv's expandEscapes).
ESCAPE = re.compile(r"\\(?:[abcfnrtv$\"\\]|0[0-7]{0,3})")
ESCAPES = {"a": "\a", "b": "\b", "c": "\\c", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "\\": "\\"}
SECRET_NAME = re.compile(r"(PASSW(OR)?D|PASS$|SECRET|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY(_|$)|_KEY_ID$|DSN$|SALT$|COOKIE)", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@\s]*:[^/@\s]+@")
HTTP_URL = re.compile(r"https?://[^\s'\"]+")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yml", "docker-compose.override.yaml")
POSTGRES_DATA = "/var/lib/postgresql/data"
REDIS_DATA = "/data"
APP_PORT = 3000


class ComposeError(Exception):
    """Something docker compose itself would refuse; the message names the file, service or variable, never a value."""


# ---------------------------------------------------------------------------------------------------------------------
# Interpolation


def _closing_brace(text, start):
    """Index of the } closing the ${ whose body starts at start, nested ${...} and $$ skipped; -1 when unclosed."""
    depth, i = 1, start
    while i < len(text):
        if text.startswith("$$", i):
            i += 2
            continue
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def interpolate(text, lookup, missing=None, where="value"):
    """Substitute variables in text as compose does.

    :param lookup: a mapping or a function name -> value, None (or absent) when the variable is unset.
    :param missing: a set that receives the names of unset variables used without a default (compose warns about
        them and uses an empty string).
    :param where: what is interpolated, for error messages (for example services.app.image).
    :raises ComposeError: on ${VAR:?err}/${VAR?err} and on a malformed expression.
    """
    if not isinstance(text, str) or "$" not in text:
        return text
    get = lookup.get if hasattr(lookup, "get") else lookup
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char != "$":
            out.append(char)
            i += 1
            continue
        following = text[i + 1:i + 2]
        if following == "$":
            out.append("$")
            i += 2
        elif following == "{":
            end = _closing_brace(text, i + 2)
            if end < 0:
                raise ComposeError(f"{where}: invalid interpolation format: a ${{ is not closed")
            out.append(_braced(text[i + 2:end], get, missing, where))
            i = end + 1
        else:
            match = NAME.match(text, i + 1)
            if not match:
                raise ComposeError(f"{where}: invalid interpolation format: a $ is followed by neither a variable name, {{ nor $ (write $$ for a literal $)")
            out.append(_value(match.group(), get, missing))
            i = match.end()
    return "".join(out)


def _value(name, get, missing):
    value = get(name)
    if value is None:
        if missing is not None:
            missing.add(name)
        return ""
    return value


def _braced(body, get, missing, where):
    match = NAME.match(body)
    if not match:
        raise ComposeError(f"{where}: invalid interpolation format: a ${{...}} does not start with a variable name")
    name, rest = match.group(), body[match.end():]
    if not rest:
        return _value(name, get, missing)
    operator = next((op for op in OPERATORS if rest.startswith(op)), None)
    if operator is None:
        raise ComposeError(f"{where}: invalid interpolation format for variable {name}: unknown modifier")
    argument = rest[len(operator):]
    value = get(name)
    is_set, non_empty = value is not None, bool(value)
    if operator in (":-", "-"):
        if (non_empty if operator == ":-" else is_set):
            return value
        return interpolate(argument, get, missing, where)
    if operator in (":?", "?"):
        if (non_empty if operator == ":?" else is_set):
            return value
        reason = interpolate(argument, get, None, where) or ("empty or unset" if operator == ":?" else "unset")
        raise ComposeError(f"{where}: required variable {name} is missing a value: {reason}")
    # :+ and +
    if (non_empty if operator == ":+" else is_set):
        return interpolate(argument, get, missing, where)
    return ""


def variables_in(text):
    """The variable names text refers to, in order, $$ escapes skipped (used to say where a value comes from)."""
    names = []
    if not isinstance(text, str):
        return names
    for match in re.finditer(r"\$\$|\$\{?([_A-Za-z][_A-Za-z0-9]*)", text):
        if match.group(1) and match.group(1) not in names:
            names.append(match.group(1))
    return names


def interpolate_tree(node, lookup, missing=None, where=""):
    """Interpolate every string value of a loaded compose file (keys are left alone, as compose does)."""
    if isinstance(node, dict):
        return {key: interpolate_tree(value, lookup, missing, f"{where}.{key}" if where else str(key)) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(value, lookup, missing, f"{where}[{index}]") for index, value in enumerate(node)]
    return interpolate(node, lookup, missing, where or "value")


# ---------------------------------------------------------------------------------------------------------------------
# Env files


def _unescape(value):
    def replace(match):
        sequence = match.group()[1:]
        if sequence == "$":
            return "$$"  # a literal $, kept from interpolation
        if sequence.startswith("0"):
            return chr(int(sequence[1:] or "0", 8))
        return ESCAPES[sequence]

    return ESCAPE.sub(replace, value)


def parse_env_file(text, lookup=None, missing=None, where="env file"):
    """Parse an env file as compose does (compose-go's dotenv); returns a dict in file order, later keys winning.

    KEY=VALUE, KEY: VALUE, export KEY=VALUE; "double quotes" (escapes such as \\n, may span lines, interpolated),
    'single quotes' (literal), unquoted values (trimmed, a # after a blank starts a comment, interpolated); KEY alone
    takes the value of lookup (left out when unset). Interpolation looks up lookup first, then the file's earlier keys.
    """
    lookup = lookup or {}
    get = lookup.get if hasattr(lookup, "get") else lookup
    values = {}

    def resolve(name):
        value = get(name)
        return values.get(name) if value is None else value

    i, line = 0, 1
    length = len(text)
    while i < length:
        # Blank space, empty lines and whole-line comments.
        if text[i] in " \t\r\n":
            line += text[i] == "\n"
            i += 1
            continue
        if text[i] == "#":
            end = text.find("\n", i)
            i = length if end < 0 else end
            continue
        if text.startswith("export", i) and i + 6 < length and text[i + 6] in " \t":
            i += 6
            while i < length and text[i] in " \t":
                i += 1
        start = i
        while i < length and text[i] not in "=:\n":
            i += 1
        key = text[start:i].strip()
        if not ENV_KEY.match(key):
            raise ComposeError(f"{where}, line {line}: {'a key is missing' if not key else 'invalid variable name'}")
        if i >= length or text[i] == "\n":
            value = get(key)
            if value is not None:
                values[key] = value
            continue
        i += 1
        while i < length and text[i] in " \t":
            i += 1
        quote = text[i] if i < length and text[i] in "\"'" else None
        if quote:
            end = i + 1
            while end < length and (text[end] != quote or text[end - 1] == "\\"):
                end += 1
            if end >= length:
                raise ComposeError(f"{where}, line {line}: the value of {key} has no closing {quote}")
            raw = text[i + 1:end]
            line += raw.count("\n")
            if quote == '"':
                value = interpolate(_unescape(raw), resolve, missing, f"{where}, line {line}")
            else:
                value = raw
            rest_end = text.find("\n", end)
            i = length if rest_end < 0 else rest_end
        else:
            end = text.find("\n", i)
            end = length if end < 0 else end
            raw = text[i:end]
            comment = re.search(r"[ \t]#", raw)
            if comment:
                raw = raw[:comment.start()]
            value = interpolate(raw.strip(), resolve, missing, f"{where}, line {line}")
            i = end
        values[key] = value
    return values


def read_env_file(path, lookup=None, missing=None):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise ComposeError(f"cannot read env file {path}: {error.strerror}") from None
    return parse_env_file(text, lookup, missing, where=f"env file {path}")


def interpolation_environment(env_files, shell=None, missing=None):
    """The variables compose interpolates the compose file with: the env files in order (later wins), then the
    shell environment, which wins over every file (and is what each file's own interpolation looks up first)."""
    shell = {key: value for key, value in (shell or {}).items() if value is not None}
    merged = {}
    for path in env_files:
        merged.update(read_env_file(path, lambda name: shell.get(name, merged.get(name)), missing))
    merged.update(shell)
    return merged


# ---------------------------------------------------------------------------------------------------------------------
# Services


def _scalar(value):
    """An environment value as compose passes it to the container (YAML true -> "true", 5 -> "5")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def environment_entries(environment, where="environment"):
    """A service's environment: (list of K=V / K, or a mapping) -> list of (name, value or None for K alone)."""
    if environment is None:
        return []
    if isinstance(environment, dict):
        return [(str(key), None if value is None else _scalar(value)) for key, value in environment.items()]
    if isinstance(environment, list):
        entries = []
        for item in environment:
            key, sep, value = _scalar(item).partition("=")
            entries.append((key, value if sep else None))
        return entries
    raise ComposeError(f"{where} must be a list or a mapping")


def env_file_entries(env_file, project_directory, where="env_file"):
    """A service's env_file (string, list of strings or of {path, required}) -> list of (absolute path, required)."""
    if env_file is None:
        return []
    items = env_file if isinstance(env_file, list) else [env_file]
    entries = []
    for item in items:
        if isinstance(item, dict):
            if "path" not in item:
                raise ComposeError(f"{where}: an entry has no path")
            path, required = item["path"], item.get("required", True)
            required = required if isinstance(required, bool) else str(required).lower() == "true"
        else:
            path, required = item, True
        entries.append((resolve_path(str(path), project_directory), required))
    return entries


def service_environment(service, project_directory, variables, missing=None, where="service"):
    """The environment a service's container gets, as compose builds it, and where each variable comes from.

    Every env_file in order (later wins), then environment:, which wins over them. service is the interpolated
    service. Returns (environment dict, sources dict name -> "environment" or the env file's path).
    """
    environment, sources = {}, {}
    for path, required in env_file_entries(service.get("env_file"), project_directory, f"{where}.env_file"):
        if not os.path.exists(path):
            if required:
                raise ComposeError(f"{where}: env file {path} not found")
            continue
        for key, value in read_env_file(path, variables, missing).items():
            environment[key], sources[key] = value, path
    for key, value in environment_entries(service.get("environment"), f"{where}.environment"):
        if value is None:
            value = variables.get(key)
            if value is None:
                # K alone with K unset: compose leaves the variable out (an env_file value stays).
                continue
        environment[key], sources[key] = value, "environment"
    return environment, sources


def resolve_path(path, project_directory):
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(project_directory, path))


def is_file_path(source):
    """compose-go's isFilePath: a short-syntax volume source is a host path when it starts with ., / or ~."""
    return bool(source) and source[0] in "./~"


def parse_volume(spec, project_directory, top_level_volumes, project_name, where="volumes"):
    """One entry of a service's volumes (short or long syntax) -> dict(type, source, target, read_only, volume).

    source is the host path: the bind source resolved against the project directory, or for a named volume the
    device of its local driver's bind options (driver_opts type none, o bind, device). volume is the docker volume name.
    """
    if isinstance(spec, dict):
        kind = spec.get("type", "volume")
        source, target = spec.get("source"), spec.get("target")
        read_only = spec.get("read_only", False)
        read_only = read_only if isinstance(read_only, bool) else str(read_only).lower() == "true"
    else:
        parts = str(spec).split(":")
        if len(parts) > 3:
            raise ComposeError(f"{where}: invalid volume specification")
        mode = parts[2] if len(parts) == 3 else ""
        source, target = (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        kind = "bind" if is_file_path(source) else "volume"
        read_only = "ro" in mode.split(",")
    if not target:
        raise ComposeError(f"{where}: a volume has no target")
    mount = {"type": kind, "source": None, "target": target, "read_only": read_only, "volume": None}
    if kind == "bind":
        if not source:
            raise ComposeError(f"{where}: a bind mount has no source")
        mount["source"] = resolve_path(str(source), project_directory)
    elif kind == "volume" and source:
        if source not in (top_level_volumes or {}):
            raise ComposeError(f"{where}: the volume {source} is not declared in the top-level volumes section")
        declared = top_level_volumes[source] or {}
        external = declared.get("external") in (True, "true")
        mount["volume"] = declared.get("name") or (source if external else f"{project_name}_{source}")
        options = declared.get("driver_opts") or {}
        if "bind" in str(options.get("o", "")).split(",") and options.get("device"):
            mount["source"] = resolve_path(str(options["device"]), project_directory)
    return mount


def parse_ports(ports, where="ports"):
    """A service's ports (short "[ip:][published:]target[/proto]" or long syntax) -> list of dicts, ranges expanded."""
    result = []
    for spec in ports or []:
        if isinstance(spec, dict):
            published = spec.get("published")
            result.append({"host_ip": spec.get("host_ip"), "published": _port_number(published) if published not in (None, "") else None,
                           "target": _port_number(spec.get("target")), "protocol": spec.get("protocol", "tcp")})
            continue
        text, protocol = str(spec), "tcp"
        if "/" in text:
            text, protocol = text.rsplit("/", 1)
        host_ip = published = None
        if text.startswith("[") and "]:" in text:  # [::1]:8080:80
            host_ip, text = text[1:].split("]:", 1)
        parts = text.rsplit(":", 2)
        if len(parts) == 3:
            host_ip, published, target = parts
        elif len(parts) == 2:
            published, target = parts
        else:
            target = parts[0]
        targets = _port_range(target, where)
        published_ports = _port_range(published, where) if published else [None] * len(targets)
        if len(published_ports) != len(targets):
            published_ports = [published_ports[0]] * len(targets) if len(published_ports) == 1 else [None] * len(targets)
        for published_port, target_port in zip(published_ports, targets):
            result.append({"host_ip": host_ip or None, "published": published_port, "target": target_port, "protocol": protocol})
    return result


def _port_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _port_range(text, where):
    first, last = (str(text).split("-", 1) + [""])[:2]
    try:
        return list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise ComposeError(f"{where}: invalid port {text}") from None


def command_args(command):
    """A command (list or string, as compose takes it) -> list of arguments."""
    if command is None:
        return []
    if isinstance(command, list):
        return [_scalar(arg) for arg in command]
    return shlex.split(str(command))


def parse_image(image):
    """An image reference -> (repository, tag, digest); the tag is what follows the last : after the last /."""
    image = str(image or "")
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    repository, tag = image, None
    if ":" in image.rsplit("/", 1)[-1]:
        repository, tag = image.rsplit(":", 1)
    return repository, tag, digest


def image_name(image):
    return parse_image(image)[0].rsplit("/", 1)[-1].lower()


def major_version(tag):
    match = re.match(r"v?(\d+)", tag or "")
    return match.group(1) if match else None


def is_secret(name, value):
    """Whether a variable looks secret: its name (PASSWORD, SECRET, TOKEN, KEY...) or a URL carrying a password."""
    return bool(SECRET_NAME.search(name)) or bool(URL_WITH_PASSWORD.match(value or ""))


def host_path(container_path, mounts):
    """The host path behind a path inside the container, through the mount with the longest matching target."""
    best = None
    for mount in mounts:
        target = mount["target"].rstrip("/") or "/"
        if mount["source"] and (container_path == target or container_path.startswith(target.rstrip("/") + "/")):
            if best is None or len(target) > len(best["target"].rstrip("/")):
                best = mount
    if best is None:
        return None
    remainder = container_path[len(best["target"].rstrip("/")):].lstrip("/")
    return os.path.join(best["source"], remainder) if remainder else best["source"]


def directory_usage(path):
    """Total bytes and number of regular files under path (symlinks inside are not followed); a file counts itself.

    complete is False when some directory could not be read (its contents are then not counted)."""
    if not os.path.exists(path):
        return {"exists": False, "size_bytes": 0, "file_count": 0, "complete": True}
    if not os.path.isdir(path):
        return {"exists": True, "size_bytes": os.path.getsize(path), "file_count": 1, "complete": True}
    size = count = 0
    complete = True
    pending = [path]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            size += entry.stat(follow_symlinks=False).st_size
                            count += 1
                    except OSError:
                        complete = False
        except OSError:
            complete = False
    return {"exists": True, "size_bytes": size, "file_count": count, "complete": complete}


# ---------------------------------------------------------------------------------------------------------------------
# The project


def load_yaml(text, where):
    if yaml is None:
        raise ComposeError("PyYAML is required on the host that runs the module")
    try:
        return yaml.load(text, Loader=ComposeLoader)  # nosec - ComposeLoader is a SafeLoader
    except yaml.YAMLError as error:
        # Not str(error): it quotes the offending line, which may hold a secret.
        mark = getattr(error, "problem_mark", None)
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise ComposeError(f"{where} is not valid YAML: {problem}{position}") from None


if yaml is not None:

    class ComposeLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        """YAML 1.2 scalars, as compose (go-yaml v3) reads them: yes/no/on/off stay strings, 22:22 is no
        sexagesimal number, 0755 is decimal."""

    ComposeLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    ComposeLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    ComposeLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))

    def _construct_int(loader, node):
        value = loader.construct_scalar(node)
        if value.startswith(("0o", "0x")):
            return int(value, 0)
        return int(value, 10)

    ComposeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def project_name(compose, directory, variables):
    """compose's project name: COMPOSE_PROJECT_NAME, else the file's name:, else the project directory's name,
    lower case with only a-z, 0-9, _ and - kept."""
    name = variables.get("COMPOSE_PROJECT_NAME") or compose.get("name") or os.path.basename(os.path.normpath(directory))
    return re.sub(r"[^a-z0-9_-]", "", str(name).lower())


def load_project(path, project_directory=None, env_files=None, environment=None):
    """Load a compose file as docker compose would with --project-directory and --env-file.

    env_files None means compose's default: <project_directory>/.env when it exists. environment stands for the
    shell environment (it wins over the env files). Returns a dict: path, project_directory, project_name,
    env_files, variables, compose (interpolated), raw (as written), missing (unset variables used), warnings.
    """
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        found = next((os.path.join(path, name) for name in COMPOSE_FILES if os.path.isfile(os.path.join(path, name))), None)
        if found is None:
            raise ComposeError(f"no compose file ({', '.join(COMPOSE_FILES)}) in {path}")
        path = found
    if not os.path.isfile(path):
        raise ComposeError(f"compose file {path} not found")
    directory = os.path.abspath(os.path.expanduser(project_directory)) if project_directory else os.path.dirname(path)
    warnings = []
    explicit = env_files is not None
    if env_files is None:
        default = os.path.join(directory, ".env")
        env_files = [default] if os.path.isfile(default) else []
    else:
        env_files = [resolve_path(str(file), os.getcwd()) for file in env_files]
        for file in env_files:
            if not os.path.isfile(file):
                raise ComposeError(f"env file {file} not found")
    missing = set()
    variables = interpolation_environment(env_files, environment, missing)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise ComposeError(f"cannot read compose file {path}: {error.strerror}") from None
    raw = load_yaml(text, f"compose file {path}")
    if not isinstance(raw, dict):
        raise ComposeError(f"compose file {path} is not a mapping")
    if not isinstance(raw.get("services"), dict) or not raw["services"]:
        raise ComposeError(f"compose file {path} has no services")
    for name, service in raw["services"].items():
        if not isinstance(service, dict):
            raise ComposeError(f"compose file {path}: service {name} is not a mapping")
        if "extends" in service:
            warnings.append(f"service {name} uses extends, which this module does not follow: its inherited settings are not read")
    if "include" in raw:
        warnings.append("the compose file uses include, which this module does not follow: included services are not read")
    compose = interpolate_tree(raw, variables, missing)
    for override in OVERRIDE_FILES:
        if os.path.isfile(os.path.join(os.path.dirname(path), override)):
            warnings.append(f"{override} is beside the compose file: docker compose merges it when run without -f; this module reads {path} alone")
    return {
        "path": path,
        "project_directory": directory,
        "project_name": project_name(compose, directory, variables),
        "env_files": env_files,
        "explicit_env_files": env_files if explicit else [],
        "variables": variables,
        "compose": compose,
        "raw": raw,
        "missing": missing,
        "warnings": warnings,
    }


def service_mounts(project, name):
    service = project["compose"]["services"][name]
    top_level = project["compose"].get("volumes") or {}
    mounts = []
    for index, spec in enumerate(service.get("volumes") or []):
        mounts.append(parse_volume(spec, project["project_directory"], top_level, project["project_name"], f"services.{name}.volumes[{index}]"))
    return mounts


def find_service(services, wanted, role, matches):
    """The service for a role: the one named (it must exist), else the only one that matches; None when none does."""
    if wanted:
        if wanted not in services:
            raise ComposeError(f"{role} service {wanted} is not in the compose file (services: {', '.join(sorted(services))})")
        return wanted
    found = sorted(name for name, service in services.items() if matches(name, service))
    if len(found) > 1:
        raise ComposeError(f"several services look like the {role} ({', '.join(found)}): name one with {role}_service")
    return found[0] if found else None


def is_database(name, service):
    return image_name(service.get("image")).startswith(("postgres", "postgis"))


def is_cache(name, service):
    return image_name(service.get("image")).startswith(("redis", "valkey"))


def find_app(services, wanted):
    if wanted:
        return find_service(services, wanted, "app", None)
    serving = sorted(name for name, service in services.items() if any(port["target"] == APP_PORT for port in parse_ports(service.get("ports"))))
    if len(serving) == 1:
        return serving[0]
    if "app" in services:
        return "app"
    if serving:
        raise ComposeError(f"several services publish port {APP_PORT} ({', '.join(serving)}): name one with app_service")
    return None


def exec_prefix(project, service):
    """The argv that runs a command inside a service's running container (no TTY, so input can be piped)."""
    argv = ["docker", "compose", "-f", project["path"], "--project-directory", project["project_directory"], "-p", project["project_name"]]
    for file in project["explicit_env_files"]:
        argv += ["--env-file", file]
    return argv + ["exec", "-T", service]


def _postgres_settings(args):
    """-c name=value and --name=value of a postgres command line -> dict."""
    settings = {}
    for index, arg in enumerate(args):
        text = None
        if arg == "-c" and index + 1 < len(args):
            text = args[index + 1]
        elif arg.startswith("-c") and len(arg) > 2:
            text = arg[2:]
        elif arg.startswith("--") and "=" in arg:
            text = arg[2:]
        if text and "=" in text:
            key, value = text.split("=", 1)
            settings[key.strip().replace("-", "_")] = value.strip()
    return settings


def _config_file_setting(path, setting):
    """The last value of a setting in a postgresql.conf, or None (also when it cannot be read)."""
    pattern = re.compile(r"^\s*" + re.escape(setting) + r"\s*=?\s*(?:'((?:[^']|'')*)'|([^#\s]*))")
    value = None
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                match = pattern.match(line)
                if match:
                    value = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
    except (OSError, UnicodeDecodeError):
        return None
    return value


def _libraries(value):
    return [library.strip() for library in (value or "").split(",") if library.strip()]


def describe_database(project, name, return_secrets=False, missing=None):
    service = project["compose"]["services"][name]
    raw = project["raw"]["services"][name]
    where = f"services.{name}"
    environment, sources = service_environment(service, project["project_directory"], project["variables"], missing, where)
    tag = parse_image(service.get("image"))[1]
    mounts = service_mounts(project, name)
    user = environment.get("POSTGRES_USER") or "postgres"
    pgdata = environment.get("PGDATA") or POSTGRES_DATA
    args = command_args(service.get("command"))
    settings = _postgres_settings(args)
    config_file = settings.get("config_file")
    config_source = host_path(config_file, mounts) if config_file else None

    libraries, libraries_from = None, None
    if "shared_preload_libraries" in settings:
        libraries, libraries_from = settings["shared_preload_libraries"], "command"
    elif config_source and _config_file_setting(config_source, "shared_preload_libraries") is not None:
        libraries, libraries_from = _config_file_setting(config_source, "shared_preload_libraries"), "config_file"
    elif environment.get("POSTGRES_SHARED_PRELOAD_LIBRARIES") is not None:
        libraries, libraries_from = environment["POSTGRES_SHARED_PRELOAD_LIBRARIES"], "environment"

    password_source = sources.get("POSTGRES_PASSWORD")
    password_variable = None
    if password_source == "environment":
        raw_entries = dict(environment_entries(raw.get("environment")))
        referenced = variables_in(raw_entries.get("POSTGRES_PASSWORD"))
        password_variable = referenced[0] if referenced else "POSTGRES_PASSWORD"
    elif password_source:
        password_variable = "POSTGRES_PASSWORD"
    data_mount = next((mount for mount in mounts if mount["target"].rstrip("/") == POSTGRES_DATA), None)
    data_directory = (data_mount or {}).get("source") or host_path(pgdata, mounts)
    database = {
        "service": name,
        "image": service.get("image"),
        "container_name": service.get("container_name"),
        "engine": "postgresql",
        "version": major_version(tag),
        "image_tag": tag,
        "user": user,
        "database": environment.get("POSTGRES_DB") or user,
        "password_variable": password_variable,
        "password_source": password_source,
        "password_set": bool(environment.get("POSTGRES_PASSWORD")),
        "password_file": environment.get("POSTGRES_PASSWORD_FILE"),
        "data_directory": data_directory,
        "data_volume": (data_mount or {}).get("volume"),
        "pgdata": pgdata,
        "pgdata_directory": host_path(pgdata, mounts),
        "published_ports": parse_ports(service.get("ports"), f"{where}.ports"),
        "shared_preload_libraries": _libraries(libraries),
        "shared_preload_libraries_from": libraries_from,
        "settings": settings,
        "config_file": config_file,
        "config_file_source": config_source,
        "exec_prefix": exec_prefix(project, name),
    }
    if return_secrets:
        database["password"] = environment.get("POSTGRES_PASSWORD")
    return database


def _redis_options(args):
    """redis-server --name value [value...] arguments -> list of (name, [values])."""
    options = []
    for arg in args:
        if arg.startswith("--"):
            options.append((arg[2:].lower(), []))
        elif options:
            options[-1][1].append(arg)
    return options


def describe_cache(project, name, return_secrets=False):
    service = project["compose"]["services"][name]
    tag = parse_image(service.get("image"))[1]
    options = _redis_options(command_args(service.get("command")))
    values = {}
    save = None
    for key, args in options:
        if key == "save":
            if not args or args == [""]:
                save = []
                continue
            save = save or []
            numbers = [int(arg) for arg in " ".join(args).split() if arg.lstrip("-").isdigit()]
            save.extend([numbers[i], numbers[i + 1]] for i in range(0, len(numbers) - 1, 2))
        else:
            values[key] = " ".join(args)
    appendonly = values.get("appendonly")
    mounts = service_mounts(project, name)
    data_in_container = values.get("dir") or REDIS_DATA
    data_mount = next((mount for mount in mounts if mount["target"].rstrip("/") == data_in_container.rstrip("/")), None)
    cache = {
        "service": name,
        "image": service.get("image"),
        "container_name": service.get("container_name"),
        "engine": "valkey" if image_name(service.get("image")).startswith("valkey") else "redis",
        "version": major_version(tag),
        "image_tag": tag,
        "appendonly": None if appendonly is None else appendonly.lower() == "yes",
        "appendfsync": values.get("appendfsync"),
        "save": save,
        "maxmemory": values.get("maxmemory"),
        "maxmemory_policy": values.get("maxmemory-policy"),
        "auth": "requirepass" in values,
        "data_directory": (data_mount or {}).get("source") or host_path(data_in_container, mounts),
        "data_volume": (data_mount or {}).get("volume"),
        "published_ports": parse_ports(service.get("ports"), f"services.{name}.ports"),
        "exec_prefix": exec_prefix(project, name),
    }
    if return_secrets and "requirepass" in values:
        cache["password"] = values["requirepass"]
    return cache


def health_check_url(healthcheck):
    test = (healthcheck or {}).get("test")
    text = " ".join(command_args(test) if isinstance(test, list) else [str(test or "")])
    match = HTTP_URL.search(text)
    return match.group() if match else None


def describe_app(project, name, return_secrets=False, missing=None):
    service = project["compose"]["services"][name]
    where = f"services.{name}"
    environment = service_environment(service, project["project_directory"], project["variables"], missing, where)[0]
    secret_names = sorted(key for key, value in environment.items() if is_secret(key, value))
    app = {
        "service": name,
        "image": service.get("image"),
        "container_name": service.get("container_name"),
        "ports": parse_ports(service.get("ports"), f"{where}.ports"),
        "health_check_url": health_check_url(service.get("healthcheck")),
        "env_files": [entry[0] for entry in env_file_entries(service.get("env_file"), project["project_directory"], f"{where}.env_file")],
        "environment": {key: value for key, value in sorted(environment.items()) if return_secrets or key not in secret_names},
        "secret_names": secret_names,
    }
    return app


def data_volumes(project, name, sizes=True):
    """The host directories bind into a service (bind mounts, and named volumes bound to a host device): the data to
    migrate, sorted by name, then source and target."""
    volumes = []
    for mount in service_mounts(project, name):
        if not mount["source"]:
            continue
        entry = {
            "name": os.path.basename(mount["source"].rstrip("/")) or mount["source"],
            "service": name,
            "type": mount["type"],
            "source": mount["source"],
            "target": mount["target"],
            "read_only": mount["read_only"],
            "volume": mount["volume"],
        }
        if sizes:
            entry.update(directory_usage(mount["source"]))
        else:
            entry["exists"] = os.path.exists(mount["source"])
        volumes.append(entry)
    return sorted(volumes, key=lambda volume: (volume["name"], volume["source"], volume["target"]))


def describe(path, project_directory=None, env_files=None, environment=None, database_service=None, cache_service=None,
             app_service=None, sizes=True, return_secrets=False):
    """Everything the module returns, plus a warnings list (names and paths only, never values)."""
    project = load_project(path, project_directory, env_files, environment)
    services = project["compose"]["services"]
    missing = set(project["missing"])
    database = find_service(services, database_service, "database", is_database)
    cache = find_service(services, cache_service, "cache", is_cache)
    app = find_app(services, app_service)
    result = {
        "compose_file": project["path"],
        "project_directory": project["project_directory"],
        "project_name": project["project_name"],
        "env_files": project["env_files"],
        "services": sorted(services),
        "database": describe_database(project, database, return_secrets, missing) if database else {},
        "cache": describe_cache(project, cache, return_secrets) if cache else {},
        "app": describe_app(project, app, return_secrets, missing) if app else {},
        "volumes": data_volumes(project, app, sizes) if app else [],
    }
    if database and sizes and result["database"]["data_directory"]:
        result["database"]["data_usage"] = directory_usage(result["database"]["data_directory"])
    if cache and sizes and result["cache"]["data_directory"]:
        result["cache"]["data_usage"] = directory_usage(result["cache"]["data_directory"])
    warnings = list(project["warnings"])
    warnings += [f'The "{name}" variable is not set. Defaulting to a blank string.' for name in sorted(missing)]
    for role in ("database", "cache", "app"):
        if not result[role]:
            warnings.append(f"no {role} service found; name it with {role}_service")
    for volume in result["volumes"] + [result[role] for role in ("database", "cache") if result[role]]:
        usage = volume.get("data_usage", volume)
        if usage.get("complete") is False:
            warnings.append(f"some directories under {volume.get('source') or volume.get('data_directory')} could not be read: their sizes are not counted")
    result["warnings"] = warnings
    return result
