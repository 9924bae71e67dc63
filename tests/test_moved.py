"""The public paths that moved in 0.2 still work for one release, each with a warning."""

from __future__ import annotations

import subprocess
import sys
import warnings
from typing import Any, cast

import pytest

import nianbao
from nianbao._moved import MOVED
from tests.conftest import TEXT_SAMPLES


def test_calling_the_convert_package_warns_and_converts() -> None:
    with pytest.warns(DeprecationWarning, match="convert_document"):
        old = cast(Any, nianbao.convert)(TEXT_SAMPLES[0])
    assert old == nianbao.convert_document(TEXT_SAMPLES[0])


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_import_path_warns_and_gives_the_new_module(old: str) -> None:
    # A fresh interpreter: in this one the module may have been imported already.
    code = (
        "import importlib, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"new = importlib.import_module({MOVED[old]!r})\n"
        "names = [n for n in dir(new) if not n.startswith('__')]\n"
        "assert names and all(getattr(old, n) is getattr(new, n) for n in names)\n"
        "print([str(w.message) for w in caught if w.category is DeprecationWarning])\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert f"{old} is now {MOVED[old]}" in shown


def test_the_new_paths_import_without_a_warning() -> None:
    code = "import warnings\nwarnings.simplefilter('error')\n" + "".join(
        f"import {new}\n" for new in MOVED.values()
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_name_under_convert_is_still_an_import_error() -> None:
    with warnings.catch_warnings(), pytest.raises(ModuleNotFoundError):
        warnings.simplefilter("error")
        __import__("nianbao.convert.no_such_module")
