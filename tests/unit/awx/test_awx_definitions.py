"""awx/: every survey is an AWX survey spec whose variables the template's playbook reads, every job template and
workflow uses only what awx.awx's modules accept, and awx/configure.yml hands every key of the data to its module."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

import ansible_collections.awx.awx as awx_collection

REPO = Path(__file__).resolve().parents[3]
AWX = REPO / "awx"
DATA = yaml.safe_load((AWX / "templates.yml").read_text())
JOB_TEMPLATES = DATA["awx_job_templates"]
WORKFLOWS = DATA["awx_workflow_job_templates"]
SURVEYS = {path.stem: json.loads(path.read_text()) for path in sorted((AWX / "surveys").glob("*.json"))}
# Keys of the data that are not module options: awx/configure.yml turns `survey` into survey_enabled + survey_spec.
DATA_ONLY_KEYS = {"survey"}
# Issue 9 brings these playbooks; their templates are defined ahead of them.
PENDING_PLAYBOOKS = {"playbooks/migrate_lightsail.yml", "playbooks/migrate_rollback.yml"}
VARIABLE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

# AWX's survey spec (awx/main/models/mixins.py and the API's survey_spec validation), as a schema.
SURVEY_SCHEMA = {
    "type": "object",
    "required": ["name", "description", "spec"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "spec": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["question_name", "variable", "type", "required"],
                "additionalProperties": False,
                "properties": {
                    "question_name": {"type": "string", "minLength": 1},
                    "question_description": {"type": "string"},
                    "variable": {"type": "string", "pattern": VARIABLE.pattern},
                    "type": {"enum": ["text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"]},
                    "required": {"type": "boolean"},
                    "default": {"type": ["string", "integer", "number"]},
                    "choices": {"oneOf": [{"type": "array", "items": {"type": "string"}, "minItems": 1}, {"type": "string", "minLength": 1}]},
                    "min": {"type": ["integer", "number"]},
                    "max": {"type": ["integer", "number"]},
                    "new_question": {"type": "boolean"},
                },
            },
        },
    },
}


def _choices(question: dict) -> list[str]:
    choices = question["choices"]
    return choices.split("\n") if isinstance(choices, str) else choices


def survey_errors(survey: dict) -> list[str]:
    """What AWX would refuse in a survey spec, or what it would silently mishandle."""
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in jsonschema.Draft202012Validator(SURVEY_SCHEMA).iter_errors(survey)]
    if errors:
        return errors
    seen = set()
    for question in survey["spec"]:
        name, kind, default = question["variable"], question["type"], question.get("default")
        if name in seen:
            errors.append(f"{name}: asked twice")
        seen.add(name)
        if kind in ("multiplechoice", "multiselect"):
            if "choices" not in question:
                errors.append(f"{name}: a {kind} question needs choices")
                continue
            choices = _choices(question)
            if len(set(choices)) != len(choices):
                errors.append(f"{name}: repeated choices")
            defaults = [d for d in str(default or "").split("\n") if d] if kind == "multiselect" else ([default] if default else [])
            errors += [f"{name}: default {d!r} is not one of {choices}" for d in defaults if d not in choices]
        elif "choices" in question:
            errors.append(f"{name}: choices on a {kind} question")
        if kind in ("integer", "float"):
            if "min" not in question or "max" not in question:
                errors.append(f"{name}: a number needs min and max")
            elif default not in (None, ""):
                if kind == "integer" and not isinstance(default, int):
                    errors.append(f"{name}: default {default!r} is not an integer")
                elif not question["min"] <= default <= question["max"]:
                    errors.append(f"{name}: default {default} outside {question['min']}..{question['max']}")
        if kind in ("text", "textarea", "password") and isinstance(default, str) and default and "max" in question and len(default) > question["max"]:
            errors.append(f"{name}: default longer than max {question['max']}")
        if "min" in question and "max" in question and question["min"] > question["max"]:
            errors.append(f"{name}: min above max")
        if kind == "password" and default:
            errors.append(f"{name}: a password question must not carry a default")
        if question["required"] is False and kind in ("text", "textarea") and question.get("min", 0) > 0:
            errors.append(f"{name}: optional but min length {question['min']} (AWX would refuse the empty answer)")
    return errors


BAD_SURVEYS = {
    "unknown type": ({"type": "boolean"}, "is not one of"),
    "default outside the choices": ({"type": "multiplechoice", "choices": ["a", "b"], "default": "c"}, "default 'c' is not one of"),
    "choices missing": ({"type": "multiplechoice"}, "needs choices"),
    "integer without bounds": ({"type": "integer", "default": 3}, "needs min and max"),
    "integer default out of range": ({"type": "integer", "default": 30, "min": 1, "max": 10}, "outside 1..10"),
    "password with a default": ({"type": "password", "default": "hunter2"}, "must not carry a default"),
    "variable with a dash": ({"variable": "dr-mode"}, "does not match"),
}


@pytest.mark.parametrize("change, message", BAD_SURVEYS.values(), ids=BAD_SURVEYS.keys())
def test_the_survey_rules_refuse_what_awx_would(change, message):
    question = {"question_name": "Q", "variable": "q", "type": "text", "required": False} | change
    assert any(message in error for error in survey_errors({"name": "s", "description": "", "spec": [question]}))


def test_the_survey_rules_refuse_a_variable_asked_twice():
    question = {"question_name": "Q", "variable": "q", "type": "text", "required": False}
    assert "q: asked twice" in survey_errors({"name": "s", "description": "", "spec": [question, question]})


@pytest.mark.parametrize("name", SURVEYS)
def test_survey_is_an_awx_survey_spec(name):
    assert survey_errors(SURVEYS[name]) == []


def test_every_survey_file_is_used_and_every_used_survey_exists():
    used = {t["survey"] for t in JOB_TEMPLATES + WORKFLOWS if "survey" in t}
    assert used == set(SURVEYS)


def _module_options(module: str) -> dict:
    source = (Path(awx_collection.__path__[0]) / "plugins" / "modules" / f"{module}.py").read_text()
    documentation = re.search(r"DOCUMENTATION = r?'''(.*?)'''", source, re.S).group(1)
    return yaml.safe_load(documentation)["options"]


def _option_errors(data: dict, options: dict, where: str) -> list[str]:
    errors = []
    for key, value in data.items():
        if key not in options:
            errors.append(f"{where}.{key}: not an option")
            continue
        spec = options[key]
        if "choices" in spec and value not in spec["choices"]:
            errors.append(f"{where}.{key}: {value!r} is not one of {spec['choices']}")
        kind = spec.get("type", "str")
        expected = {"str": str, "bool": bool, "int": int, "dict": dict, "list": list, "float": (int, float)}.get(kind)
        if expected and not isinstance(value, expected):
            errors.append(f"{where}.{key}: {value!r} is not a {kind}")
        if kind == "dict" and "suboptions" in spec:
            errors += _option_errors(value, spec["suboptions"], f"{where}.{key}")
        if kind == "list" and "suboptions" in spec:
            for index, element in enumerate(value):
                errors += _option_errors(element, spec["suboptions"], f"{where}.{key}[{index}]")
    return errors


@pytest.mark.parametrize("template", JOB_TEMPLATES, ids=[t["name"] for t in JOB_TEMPLATES])
def test_job_template_fields_are_awx_job_template_options(template):
    options = _module_options("job_template")
    data = {k: v for k, v in template.items() if k not in DATA_ONLY_KEYS}
    assert _option_errors(data, options, template["name"]) == []
    assert {"name", "playbook", "job_type"} <= set(data)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w["name"] for w in WORKFLOWS])
def test_workflow_fields_are_awx_workflow_job_template_options(workflow):
    options = _module_options("workflow_job_template")
    data = {k: v for k, v in workflow.items() if k not in DATA_ONLY_KEYS}
    assert _option_errors(data, options, workflow["name"]) == []


def test_the_phase_workflow_runs_phase_1_2_3_with_an_approval_before_2_and_3():
    workflow = next(w for w in WORKFLOWS if "workflow_nodes" in w)
    nodes = {n["identifier"]: n for n in workflow["workflow_nodes"]}
    names = {t["name"] for t in JOB_TEMPLATES}
    # Walk the success path from the node no other node leads to.
    targets = {s["identifier"] for n in nodes.values() for s in n.get("related", {}).get("success_nodes", [])}
    (start,) = set(nodes) - targets
    path, node = [], nodes[start]
    while True:
        template = node["unified_job_template"]
        assert template["type"] in ("job_template", "workflow_approval")
        if template["type"] == "job_template":
            assert template["name"] in names, f"{template['name']} is not a job template of awx/templates.yml"
            path.append(next(t["playbook"] for t in JOB_TEMPLATES if t["name"] == template["name"]))
        else:
            path.append("approval")
        following = node.get("related", {}).get("success_nodes", [])
        if not following:
            break
        (node,) = [nodes[f["identifier"]] for f in following]
    assert path == ["playbooks/phase1.yml", "approval", "playbooks/phase2.yml", "approval", "playbooks/phase3.yml"]


def test_every_phase_has_a_check_mode_plan():
    runs = {t["playbook"] for t in JOB_TEMPLATES if t["job_type"] == "run" and re.search(r"/(phase\d|site)\.yml$", t["playbook"])}
    plans = {t["playbook"] for t in JOB_TEMPLATES if t["job_type"] == "check" and t.get("diff_mode")}
    assert runs == plans == {"playbooks/phase1.yml", "playbooks/phase2.yml", "playbooks/phase3.yml", "playbooks/site.yml"}


def test_names_are_unique_and_playbooks_exist():
    names = [t["name"] for t in JOB_TEMPLATES + WORKFLOWS]
    assert len(names) == len(set(names))
    missing = {t["playbook"] for t in JOB_TEMPLATES if not (REPO / t["playbook"]).exists()}
    assert missing <= PENDING_PLAYBOOKS, f"job templates of playbooks that do not exist: {sorted(missing - PENDING_PLAYBOOKS)}"


def _words(path: Path) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text()))


def variables_read(playbook: Path, seen: set | None = None) -> set[str]:
    """Every name the playbook, the playbooks it imports and the roles it runs mention, and their argument_specs options."""
    seen = set() if seen is None else seen
    if playbook in seen:
        return set()
    seen.add(playbook)
    text = playbook.read_text()
    words = _words(playbook)
    for imported in re.findall(r"import_playbook:\s*(\S+\.yml)", text):
        words |= variables_read(playbook.parent / imported, seen)
    for role in set(re.findall(r"stories1001\.infra\.([a-z_]+)", text)) & {p.name for p in (REPO / "roles").iterdir()}:
        spec = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
        words |= {option for entry in spec.values() for option in (entry or {}).get("options", {})}
        for path in (REPO / "roles" / role).glob("*/*.yml"):
            words |= _words(path)
    return words


SURVEYED = [(t["name"], t["playbook"], t["survey"]) for t in JOB_TEMPLATES if "survey" in t]


@pytest.mark.parametrize("name, playbook, survey", SURVEYED, ids=[s[0] for s in SURVEYED])
def test_every_survey_variable_is_read_by_the_templates_playbook(name, playbook, survey):
    if not (REPO / playbook).exists():
        assert playbook in PENDING_PLAYBOOKS
        pytest.skip(f"{playbook} comes with issue 9 (Lightsail migration); its survey's variables are checked once it exists")
    read = variables_read(REPO / playbook)
    unread = [q["variable"] for q in SURVEYS[survey]["spec"] if q["variable"] not in read]
    assert unread == [], f"{name}: {playbook} never reads {unread}"


def test_the_variables_check_catches_a_name_no_playbook_reads():
    assert "compute_image_tag" in variables_read(REPO / "playbooks/site.yml")
    assert "destroy_confirm" not in variables_read(REPO / "playbooks/phase1.yml")


def _configure_tasks() -> list[dict]:
    return yaml.safe_load((AWX / "configure.yml").read_text())[0]["tasks"]


@pytest.mark.parametrize("module, items", [("awx.awx.job_template", JOB_TEMPLATES), ("awx.awx.workflow_job_template", WORKFLOWS)])
def test_configure_hands_every_key_of_the_data_to_its_module(module, items):
    (task,) = [t for t in _configure_tasks() if module in t]
    arguments = task[module]
    given = {key for key, value in arguments.items() if re.search(r"\bitem\.(\w+)", str(value))}
    used = {key for item in items for key in item} - DATA_ONLY_KEYS
    assert used <= given, f"{module}: keys of awx/templates.yml that configure.yml drops: {sorted(used - given)}"
    assert "survey_spec" in arguments and "survey_enabled" in arguments
    options = _module_options(module.split(".")[-1])
    assert set(arguments) <= set(options) | {"controller_host", "controller_oauthtoken"}


@pytest.mark.parametrize(
    "module", ["organization", "execution_environment", "project", "credential", "inventory", "inventory_source"]
)
def test_configure_gives_awx_modules_only_their_options(module):
    tasks = [t for t in _configure_tasks() if f"awx.awx.{module}" in t]
    assert tasks, f"configure.yml has no awx.awx.{module} task"
    options = _module_options(module)
    for task in tasks:
        arguments = task[f"awx.awx.{module}"]
        assert set(arguments) <= set(options), sorted(set(arguments) - set(options))
        for key, value in arguments.items():
            if "choices" in options[key] and "{{" not in str(value):
                assert value in options[key]["choices"], (key, value)


def test_the_inventory_source_is_the_environments_platform_inventory():
    (task,) = [t for t in _configure_tasks() if "awx.awx.inventory_source" in t]
    source = task["awx.awx.inventory_source"]
    assert (source["source"], source["update_on_launch"], source["overwrite"]) == ("scm", True, True)
    for environment in ("local", "staging", "production"):
        path = REPO / source["source_path"].replace("{{ item }}", environment)
        assert yaml.safe_load(path.read_text())["plugin"] == "stories1001.infra.platform"
        assert (path.parent / "group_vars" / "all" / "00_platform.yml").resolve() == REPO / "group_vars" / "all" / "platform.yml"


def test_the_credential_is_an_amazon_web_services_one_and_never_logged():
    (task,) = [t for t in _configure_tasks() if "awx.awx.credential" in t]
    assert task["awx.awx.credential"]["credential_type"] == "Amazon Web Services"
    assert set(task["awx.awx.credential"]["inputs"]) == {"username", "password", "security_token"}
    assert task["no_log"] is True
