"""One error tree: every class in `nianbao.errors`, drawn in its docstring with its exit code, and
a failure that crosses a process boundary comes back as the same class with the same code."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import nianbao
from nianbao import errors
from nianbao.convert.options import ConvertOptions, Limits
from nianbao.errors import (
    DocumentLoadError,
    Failure,
    FormSpecError,
    InternalError,
    MemoryLimitError,
    NianbaoError,
    OutputError,
    TimeLimitError,
)
from nianbao.runtime.pool import WorkerPool
from nianbao.runtime.worker import Converted, Work
from tests.conftest import ROOT

CLASSES = [
    value
    for value in vars(errors).values()
    if isinstance(value, type)
    and issubclass(value, NianbaoError)
    and value.__module__ == errors.__name__
]


def _drawn() -> dict[str, tuple[int, int | None]]:
    """Each class the docstring's tree draws: its depth, and the exit code written beside it."""
    drawn = {}
    for line in (errors.__doc__ or "").splitlines():
        found = re.match(r"\s{4}([│├└─ ]*)(\w+Error)\b.*?(\d+)?$", line)
        if found:
            code = found.group(3)
            drawn[found.group(2)] = (len(found.group(1)) // 4, int(code) if code else None)
    return drawn


def test_every_class_of_the_package_is_in_errors_py() -> None:
    """No exception class of nianbao's is defined outside errors.py (a private one, for control
    flow inside a module and never raised out of it, excepted)."""
    outside = []
    for path in (ROOT / "nianbao").rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {ast.unparse(base) for base in node.bases}
                if any(base.endswith(("Error", "Exception")) for base in bases):
                    outside.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert outside == []


def test_the_docstring_draws_the_tree_with_the_exit_codes() -> None:
    drawn = _drawn()
    assert sorted(drawn) == sorted(kind.__name__ for kind in CLASSES)
    for kind in CLASSES:
        depth, code = drawn[kind.__name__]
        assert depth == len(kind.__mro__) - 4, (
            kind
        )  # NianbaoError, Exception, BaseException, object
        if code is not None:
            assert code == kind.exit_code, kind
        assert (kind.__doc__ and kind.__doc__ != NianbaoError.__doc__) or kind is NianbaoError


def test_moved_classes_still_import_from_their_old_homes() -> None:
    # The forms' modules keep their names for code that imports them (not for mypy's re-export).
    from nianbao.forms import FormSpecError as from_forms  # noqa: PLC0415
    from nianbao.forms.equations import EquationError  # type: ignore[attr-defined]  # noqa: PLC0415
    from nianbao.forms.files import FormSpecError as from_files  # type: ignore[attr-defined]  # noqa: PLC0415
    from nianbao.runtime import outputs, watch, worker  # noqa: PLC0415

    assert nianbao.MemoryLimitError is MemoryLimitError is worker.MemoryLimitError
    assert nianbao.TimeLimitError is TimeLimitError is worker.TimeLimitError
    assert worker.WorkerDiedError is errors.WorkerDiedError
    assert worker.NotARegularFileError is errors.NotARegularFileError
    assert worker.Failure is Failure and worker.WorkerPool is WorkerPool
    assert outputs.OutputError is OutputError and watch.InboxInUseError is errors.InboxInUseError
    assert from_forms is from_files is FormSpecError is nianbao.FormSpecError
    assert EquationError is errors.EquationError


@pytest.mark.parametrize("kind", CLASSES, ids=lambda kind: kind.__name__)
def test_a_failure_as_data_is_rebuilt_as_the_same_class(kind: type[NianbaoError]) -> None:
    failure = Failure.of(kind("went  wrong\nhere"))
    assert (failure.code, failure.message, failure.exit_code) == (
        kind.__name__,
        "went wrong here",
        kind.exit_code,
    )
    error = failure.error(source="x.pdf")
    assert type(error) is kind and failure.kind is kind
    assert (error.exit_code, str(error)) == (kind.exit_code, "x.pdf: went wrong here")


def test_an_exception_that_is_not_ours_crosses_as_a_bug() -> None:
    failure = Failure.of(KeyError("k"))
    assert failure.kind is InternalError and failure.exit_code == 70
    assert failure.message == "internal error: KeyError: 'k' (please report it)"


def test_a_code_this_version_does_not_know_keeps_its_exit_code() -> None:
    error = Failure("ErrorOfANewerVersion", "something", 9).error()
    assert type(error) is NianbaoError and error.exit_code == 9


def test_a_plug_ins_class_cannot_shadow_one_of_the_tree() -> None:
    class DocumentLoadError(NianbaoError):  # a plug-in's, of the same name
        exit_code = 99

    assert Failure.of(DocumentLoadError("x")).kind is errors.DocumentLoadError


# --- across the worker's pipe -----------------------------------------------------------------


def raise_output_error(path: Path) -> Converted:
    raise OutputError("disk full")


def raise_form_error(path: Path) -> Converted:
    raise FormSpecError("form-2021.toml: not valid TOML")


def raise_key_error(path: Path) -> Converted:
    raise KeyError("a bug")


@pytest.mark.parametrize(
    ("work", "kind"),
    [
        (raise_output_error, OutputError),
        (raise_form_error, FormSpecError),
        (raise_key_error, InternalError),
    ],
)
def test_a_failure_crossing_the_worker_boundary_comes_back_as_its_class(
    tmp_path: Path, work: Work, kind: type[NianbaoError]
) -> None:
    with WorkerPool(1, Limits(seconds=60, memory=0), work) as pool:
        outcome = pool.run_one(tmp_path / "any.txt")
    assert outcome is not None and isinstance(outcome.result, Failure)
    error = outcome.result.error()
    assert type(error) is kind and error.exit_code == kind.exit_code
    assert outcome.result.exit_code == kind.exit_code


def test_the_library_call_under_limits_raises_the_workers_failure_as_itself(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentLoadError) as caught:
        nianbao.convert_document(empty, options=ConvertOptions(limits=Limits(seconds=60)))
    assert type(caught.value) is DocumentLoadError and caught.value.exit_code == 3
    assert str(caught.value).startswith(str(empty))


# --- exit codes live on the classes -----------------------------------------------------------


def _literal_exit_codes(path: Path) -> list[str]:
    """`return 2`, `Failure("X", "...", 1)`, `sys.exit(3)`: a number where a class's exit code
    belongs (0, success, is no error's)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        value: ast.expr | None = None
        if isinstance(node, ast.Return):
            value = node.value
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("Failure", "sys.exit"):
            value = node.args[-1] if node.args else None
        if isinstance(value, ast.Constant) and type(value.value) is int and value.value != 0:
            found.append(f"{path.name}: {ast.unparse(node)}")
    return found


def test_no_literal_exit_codes_in_runtime_or_cli() -> None:
    paths = [*(ROOT / "nianbao" / "runtime").glob("*.py"), *(ROOT / "nianbao" / "cli").glob("*.py")]
    assert [line for path in sorted(paths) for line in _literal_exit_codes(path)] == []


def test_the_readme_lists_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("Exit codes:") :].split("\n\n")[0]
    for code in sorted({kind.exit_code for kind in CLASSES}):
        assert re.search(rf"\b{code}\b", paragraph), code


def test_main_maps_without_a_chain_of_classes() -> None:
    from nianbao import cli  # noqa: PLC0415

    source = inspect.getsource(cli.main)
    assert "exit_code" in source and "isinstance" not in source
