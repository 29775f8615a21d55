"""Error codes: every app's codes have a status, and every code raised is one of them."""

import ast
import importlib
from enum import StrEnum
from pathlib import Path

import pytest

from tandem.core import errors
from tandem.core.errors import (
    HTTP_STATUS,
    CoreError,
    DomainError,
    DuplicateErrorCode,
    ErrorCode,
    UnknownErrorCode,
    register_codes,
)

TANDEM = Path(__file__).resolve().parents[2]


def error_enums() -> dict[str, type[StrEnum]]:
    """Every code enum declared in a ``tandem/<app>/errors.py``, by class name."""
    found: dict[str, type[StrEnum]] = {}
    for path in sorted(TANDEM.glob("*/errors.py")):
        module = importlib.import_module(f"tandem.{path.parent.name}.errors")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, StrEnum)
                and value.__module__ == module.__name__
            ):
                assert value.__name__ not in found, f"two code enums named {value.__name__}"
                found[value.__name__] = value
    return found


def test_every_declared_code_has_a_status_registered_by_its_own_enum():
    enums = error_enums()
    assert {"ErrorCode", "CoreError"} <= set(enums)
    for enum in enums.values():
        owner = f"{enum.__module__}.{enum.__qualname__}"
        for code in enum:
            assert code.value in HTTP_STATUS, f"{owner}.{code.name} has no HTTP status"
            assert errors._REGISTERED_BY[code.value] == owner, code


def _raise_sites() -> list[tuple[str, int, ast.expr, dict[str, str]]]:
    """The code argument of every ``DomainError(...)`` in the project's source, with the
    annotations of the parameters of the functions around it (a helper may take the
    code as a parameter typed with an app's enum)."""
    sites = []
    for path in sorted(TANDEM.rglob("*.py")):
        if path == Path(__file__).resolve():  # raises an undeclared code on purpose
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        typed: dict[ast.AST, dict[str, str]] = {}
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                params = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
                own = {a.arg: ast.unparse(a.annotation) for a in params if a.annotation}
                for inner in ast.walk(func):
                    typed[inner] = {**typed.get(inner, {}), **own}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name != "DomainError":
                continue
            code = node.args[0] if node.args else next(k.value for k in node.keywords)
            where = str(path.relative_to(TANDEM.parent))
            sites.append((where, node.lineno, code, typed.get(node, {})))
    return sites


def test_every_code_raised_anywhere_is_registered():
    enums = error_enums()
    sites = _raise_sites()
    assert len(sites) > 50  # the walk found the services
    wrong = []
    for where, line, code, typed in sites:
        if isinstance(code, ast.Constant) and code.value in HTTP_STATUS:
            continue
        if (
            isinstance(code, ast.Attribute)
            and isinstance(code.value, ast.Name)
            and code.value.id in enums
            and code.attr in enums[code.value.id].__members__
        ):
            continue
        if isinstance(code, ast.Name) and typed.get(code.id) in enums:
            continue  # a parameter typed with a registered enum (mypy checks callers)
        wrong.append(f"{where}:{line}: {ast.unparse(code)}")
    assert not wrong, "DomainError needs a code from an app's errors.py:\n" + "\n".join(wrong)


def test_a_code_value_another_enum_registered_is_refused(monkeypatch):
    monkeypatch.setattr(errors, "HTTP_STATUS", dict(HTTP_STATUS))
    monkeypatch.setattr(errors, "_REGISTERED_BY", dict(errors._REGISTERED_BY))

    class Clashing(StrEnum):
        FRESH = "fresh_code"
        CONFLICT = "conflict"

    with pytest.raises(DuplicateErrorCode, match=r"'conflict'.*ErrorCode"):
        register_codes({Clashing.CONFLICT: 409})
    assert errors._REGISTERED_BY["conflict"] == "tandem.core.errors.ErrorCode"
    # The same enum again (a module reloaded) is no clash; a new value is taken.
    register_codes({ErrorCode.CONFLICT: 409, Clashing.FRESH: 409})
    assert errors.HTTP_STATUS["fresh_code"] == 409


def test_a_status_that_is_not_an_error_is_refused(monkeypatch):
    monkeypatch.setattr(errors, "HTTP_STATUS", dict(HTTP_STATUS))
    monkeypatch.setattr(errors, "_REGISTERED_BY", dict(errors._REGISTERED_BY))

    class Odd(StrEnum):
        FINE = "odd_but_fine"

    with pytest.raises(ValueError, match="4xx or 5xx"):
        register_codes({Odd.FINE: 200})
    assert "odd_but_fine" not in errors.HTTP_STATUS


def test_an_unregistered_code_is_a_programming_error():
    class Undeclared(StrEnum):
        NOPE = "nope_never_registered"

    with pytest.raises(UnknownErrorCode, match="nope_never_registered"):
        DomainError(Undeclared.NOPE, "no")


def test_the_status_comes_from_the_one_map():
    assert DomainError(ErrorCode.INVALID, "x", field="name").status == 422
    assert DomainError(ErrorCode.NOT_FOUND, "x").status == 404
    error = DomainError(CoreError.JOB_NOT_FAILED, "x", given=3)
    assert (error.status, error.code.value, error.details) == (409, "job_not_failed", {"given": 3})
