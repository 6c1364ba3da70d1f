"""The type checker's settings keep their promise: every Python file of the repository is checked, and
ledgers/, metrics/, store/, report/ are checked with every flag of ``mypy --strict`` and never skipped."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRICT_PACKAGES = ["ledgers", "metrics", "store", "report"]
# mypy --strict, less the flags set for every module in [tool.mypy] itself
STRICT_FLAGS = ["disallow_any_generics", "disallow_subclassing_any", "disallow_untyped_calls",
                "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_decorators",
                "warn_return_any", "no_implicit_reexport", "extra_checks"]
GLOBAL_FLAGS = ["check_untyped_defs", "strict_equality", "warn_redundant_casts", "warn_unused_ignores",
                "warn_unused_configs"]
SKIPPED = {".venv", "data", "docs", "out", "__pycache__"}


def _mypy() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    return config


def _covers(override: dict[str, Any], package: str) -> bool:
    modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
    return any(m in (package, f"{package}.*") or m.startswith(f"{package}.") for m in modules)


def _python_tops() -> set[str]:
    """The top-level files and folders of the repository that hold Python code."""
    tops = set()
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
        if any(n.endswith(".py") for n in names):
            rel = Path(folder).relative_to(ROOT)
            tops |= {n for n in names if n.endswith(".py")} if rel == Path(".") else {rel.parts[0]}
    return tops


def test_every_python_file_is_checked() -> None:
    missing = _python_tops() - set(_mypy()["files"])
    assert not missing, f"add {sorted(missing)} to [tool.mypy] files in pyproject.toml"


@pytest.mark.parametrize("flag", GLOBAL_FLAGS)
def test_global_flag_is_on(flag: str) -> None:
    assert _mypy()[flag] is True


@pytest.mark.parametrize("package", STRICT_PACKAGES)
@pytest.mark.parametrize("flag", STRICT_FLAGS)
def test_strict_package_has_every_strict_flag(package: str, flag: str) -> None:
    overrides = [o for o in _mypy()["overrides"] if _covers(o, package)]
    assert any(o.get(flag) is True for o in overrides), f"{package}: {flag}"
    assert not any(o.get(flag) is False for o in overrides), f"{package}: {flag} switched off"


@pytest.mark.parametrize("package", STRICT_PACKAGES)
def test_strict_package_is_never_skipped(package: str) -> None:
    for override in _mypy()["overrides"]:
        if _covers(override, package):
            assert not override.get("ignore_errors") and not override.get("disable_error_code"), override
