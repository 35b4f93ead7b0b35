"""Test modules import helpers from ``tests/support/``, never from one another.

A helper another module needs lives in ``tests/support/`` under a public name;
a test module, or a conftest.py, is imported by pytest alone.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def is_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imports_of(source: str, module: str) -> list[tuple[str, str]]:
    """``(module, name)`` for every name imported, with relative imports resolved."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(base, alias.name) for alias in node.names]
    return found


def layout_problems(source: str, module: str) -> list[str]:
    problems = []
    for imported, name in imports_of(source, module):
        targets = [imported, f"{imported}.{name}"] if name else [imported]
        if any(t.startswith("tests.") and is_test_module(t) for t in targets):
            problems.append(f"{module} imports {'.'.join(filter(None, [imported, name]))}")
        elif imported.startswith("tests.support") and name.startswith("_"):
            problems.append(f"{module} imports the private {imported}.{name}")
    return problems


def test_no_module_imports_a_test_module_or_a_conftest():
    problems = [
        problem
        for path in sorted(TESTS.rglob("*.py"))
        for problem in layout_problems(path.read_text(), module_name(path))
    ]
    assert not problems, "move what they share to tests/support/:\n" + "\n".join(problems)


def test_the_check_finds_every_way_of_importing_a_test_module():
    source = """
from tests.purposes.test_scoring_tenancy import build_round
from tests.purposes import test_scoring_tenancy
import tests.test_browser_foundation
from .test_rendering import BOARD_SECTIONS
from tests.reports.conftest import build_roadmap
from tests.support.scoring import _private
from tests.support.scoring import build_round
from tests.purposes import tenancy_cases
"""
    assert layout_problems(source, "tests.reports.test_example") == [
        "tests.reports.test_example imports tests.purposes.test_scoring_tenancy.build_round",
        "tests.reports.test_example imports tests.purposes.test_scoring_tenancy",
        "tests.reports.test_example imports tests.test_browser_foundation",
        "tests.reports.test_example imports tests.reports.test_rendering.BOARD_SECTIONS",
        "tests.reports.test_example imports tests.reports.conftest.build_roadmap",
        "tests.reports.test_example imports the private tests.support.scoring._private",
    ]
