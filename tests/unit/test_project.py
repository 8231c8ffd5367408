"""Project-level promises: one dependency list, mirrored by environment.yml."""

import re
import tomllib

import yaml

from aftersales import paths


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match[1].lower().replace("_", "-"), match[2].replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = dict(_split(r) for r in project["dependencies"])
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    mirrored = dict(_split(d) for d in conda if not d.startswith(("python=", "pip")))
    assert mirrored == declared
    assert "python=3.11" in conda and "-e .[dev]" in pip_section
    assert env["channels"] == ["conda-forge"]


def test_no_dependency_needs_python_312():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    constraints = dict(_split(r) for r in project["dependencies"])
    assert "<2.5" in constraints["numpy"] and "<1.18" in constraints["scipy"]
    assert project["requires-python"] == ">=3.11"
