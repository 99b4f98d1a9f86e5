"""Jobs of awx/templates.yml's job templates, run the way AWX runs them: ansible-runner on a private data directory
built from the template's definition, against the emulator.

For every job AWX would: update the inventory source on launch (``ansible-inventory --list --export`` on the
environment's platform inventory, as configure.yml's inventory source points it, here inventories/local), hand the
job that inventory as a script, the template's extra_vars plus its survey's defaults and the answers a person gives,
the AWS credential's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; STORIES_AWS_ENDPOINT stands for AWS's
endpoints), ``--check --diff`` for a check job, the limit and tags chosen at launch, and run the playbook from the
project (this repository) with the collection on the collection path, as the execution environment carries it.

A launch is refused here, as AWX refuses it, when it gives what the template does not ask for on launch (a limit, tags,
variables) or leaves a required survey question unanswered.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import ansible_runner
import yaml

from aws_harness import REPO, play_calls, recap

DATA = yaml.safe_load((REPO / "awx" / "templates.yml").read_text())
TEMPLATES = {t["name"]: t for t in DATA["awx_job_templates"]}
SURVEYS = {path.stem: json.loads(path.read_text()) for path in (REPO / "awx" / "surveys").glob("*.json")}
CONFIGURE = yaml.safe_load((REPO / "awx" / "configure.yml").read_text())[0]
# The AWX credential's inputs (moto takes any key).
CREDENTIAL = {"username": "testing", "password": "testing"}


def source_path(environment: str) -> str:
    (task,) = [t for t in CONFIGURE["tasks"] if "awx.awx.inventory_source" in t]
    return task["awx.awx.inventory_source"]["source_path"].replace("{{ item }}", environment)


def survey_defaults(survey: dict) -> dict:
    """What AWX adds for questions left unanswered: each default that passes the question's own validation
    (awx.main.models.mixins.SurveyJobTemplateMixin), so an empty default of a required text or a choice is not sent."""
    values = {}
    for question in survey["spec"]:
        default, kind = question.get("default"), question["type"]
        if default is None or kind == "password":
            continue
        if kind in ("multiplechoice", "multiselect"):
            if default in question["choices"]:
                values[question["variable"]] = default
        elif kind in ("integer", "float"):
            if default != "" and question["min"] <= default <= question["max"]:
                values[question["variable"]] = default
        elif question.get("min", 0) <= len(str(default)) <= question.get("max", 1024):
            values[question["variable"]] = default
    return values


class Job:
    """A job of an AWX job template: its private data directory, run, result.

    ``rc``, ``output`` and ``recap()`` read as the integration tests' ansible-playbook runs do."""

    def __init__(
        self,
        name: str,
        emulator,
        workdir: Path,
        answers: dict | None = None,
        extra_vars: dict | None = None,
        limit: str | None = None,
        tags: str | None = None,
        job_type: str | None = None,
    ):
        self.name = name
        self.template = template = TEMPLATES[name]
        self.emulator = emulator
        launched = ((extra_vars, "ask_variables_on_launch"), (limit, "ask_limit_on_launch"), (tags, "ask_tags_on_launch"), (job_type, "ask_job_type_on_launch"))
        for given, prompt in launched:
            assert not given or template.get(prompt), f"{name} does not set {prompt}: AWX would not take {given!r} at launch"
        survey = SURVEYS[template["survey"]]
        given = {**survey_defaults(survey), **(answers or {})}
        missing = [q["variable"] for q in survey["spec"] if q["required"] and q["variable"] not in given]
        assert not missing, f"{name}: a person must answer {missing}"
        self.extravars = {**template.get("extra_vars", {}), **given, **(extra_vars or {})}
        self.limit, self.tags, self.job_type = limit, tags, job_type or template.get("job_type", "run")
        self.env = {
            "AWS_ACCESS_KEY_ID": CREDENTIAL["username"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIAL["password"],
            "STORIES_AWS_ENDPOINT": emulator.url,
            "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".venv" / "collections"),
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "ANSIBLE_NOCOLOR": "1",
        }
        self.directory = workdir
        self._prepare()

    def _prepare(self) -> None:
        """The private data directory: env/ (extravars, envvars, cmdline) and inventory/ (the updated source)."""
        env_dir = self.directory / "env"
        env_dir.mkdir(parents=True)
        (env_dir / "extravars").write_text(json.dumps(self.extravars))
        (env_dir / "envvars").write_text(json.dumps(self.env))
        options = (["--check"] if self.job_type == "check" else []) + (["--diff"] if self.template.get("diff_mode") else [])
        (env_dir / "cmdline").write_text(" ".join(options))
        # The inventory update AWX runs on launch (update_on_launch), with the same credential.
        update = ansible_runner.run_command(
            executable_cmd="ansible-inventory",
            cmdline_args=["-i", str(REPO / source_path("local")), "--list", "--export", "--output", str(self.directory / "inventory.json")],
            envvars=self.env,
            host_cwd=str(REPO),
            quiet=True,
        )
        assert update[2] == 0, update
        script = self.directory / "inventory" / "hosts"
        script.parent.mkdir()
        # As AWX writes it: an executable that prints the imported inventory (hosts, groups, their variables).
        script.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write(open({str(self.directory / 'inventory.json')!r}).read())\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)

    def run(self, timeout: int = 1200) -> "Job":
        self.emulator.clear_calls()
        self.result = ansible_runner.run(
            private_data_dir=str(self.directory),
            project_dir=str(REPO),
            playbook=self.template["playbook"],
            limit=self.limit,
            tags=self.tags,
            quiet=True,
            timeout=timeout,
        )
        self.output = self.result.stdout.read()
        self.calls = play_calls(self.emulator.calls())
        return self

    @property
    def rc(self) -> int:
        return self.result.rc

    @property
    def text(self) -> str:
        return " ".join(self.output.split())

    def recap(self) -> dict[str, dict[str, int]]:
        return recap(self.output)

    def changed(self) -> dict:
        return (self.result.stats or {}).get("changed", {})

    def artifacts(self) -> dict:
        stats = [e for e in self.result.events if e.get("event") == "playbook_on_stats"]
        return stats[-1]["event_data"].get("artifact_data", {}) if stats else {}

    def succeeded(self) -> bool:
        return self.result.status == "successful" and self.result.rc == 0

    def tail(self) -> str:
        return self.output[-5000:]
