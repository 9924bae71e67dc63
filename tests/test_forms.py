"""The forms as data (`nianbao/forms`): the spec loads, rejects what it cannot use, drives the
profile by editing data only, and holds each section 三 label once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.errors import EquationError
from nianbao.forms import FORMS, FormSpecError, load
from nianbao.forms.equations import Term, parse
from nianbao.schemas.validation import build_schema, schema_errors
from tests.conftest import copy_forms, edit

ROOT = Path(__file__).resolve().parent.parent
SEED_004 = ROOT / "samples" / "text" / "004_7635fab03e0d303d.txt"

# --- equations -------------------------------------------------------------------------------


def test_an_equation_with_a_choice_and_placeholders() -> None:
    equation = parse("a.{col} + b.{col} = c.{col} + (d.{col} + e.{col} | f.{col})")
    filled = equation.expand(col="total")
    assert filled.keys == ("a.total", "b.total", "c.total", "d.total", "e.total", "f.total")
    assert filled.right[1] == Term((("d.total", "e.total"), ("f.total",)))


@pytest.mark.parametrize("text", ["a + = b", "a = b +", "a = (b | c", "a = b = c", "a * b = c"])
def test_a_broken_equation_says_where(text: str) -> None:
    with pytest.raises(EquationError, match=r"expected|not|unexpected"):
        parse(text)


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("first_year = 2021\n", 'first_year = 2021\ncolour = "red"\n', "colour"),
        ('columns = ["issued", "repealed", "in_force"]', 'columns = ["issued", "x"]', "'x'"),
        ('group = "refused"', 'group = "nowhere"', "'nowhere'"),
        ("review.total = review.upheld", "review.total = review.upheld +", "expected a key"),
        ("review.total = review.upheld", "review.total = review.won", "'review.won'"),
        ('"proactive.in_force"]', '"proactive.in_power"]', "proactive.in_power"),
        ('key = "carried_forward"', 'key = "carried_over"', "written twice"),
    ],
)
def test_a_broken_form_file_is_refused_naming_it(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "form-2021.toml", old, new)
    with pytest.raises(FormSpecError, match=r"form-2021\.toml") as raised:
        load(folder)
    assert problem in str(raised.value)


def test_a_form_that_extends_no_form_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "form-2019.toml", 'extends = "2021"', 'extends = "2020"')
    with pytest.raises(FormSpecError, match=r"form-2019\.toml: extends '2020'"):
        load(folder)


# --- a broken NIANBAO_FORMS folder is the user's error, said in one line -----------------------

BROKEN_FORMS = {
    "a TOML syntax error": ('name = "', 'name = = "', "not valid TOML"),
    "an equation typo": (
        "review.total = review.upheld",
        "review.total = review.upheld + + review.corrected",
        "expected a key",
    ),
    "a key typo in an equation": (
        "review.total = review.upheld",
        "review.total = review.won",
        "'review.won'",
    ),
    "a file not in UTF-8": ('name = "', 'name = "\udcc4', "not UTF-8"),
}


def _break(folder: Path, how: str) -> Path:
    old, new, _ = BROKEN_FORMS[how]
    path = folder / "form-2021.toml"
    text = path.read_text(encoding="utf-8").replace(old, new, 1)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))  # \udcc4: the GBK byte C4
    return path


@pytest.mark.parametrize("how", BROKEN_FORMS)
def test_a_broken_forms_folder_is_a_one_line_error_with_its_exit_code(
    tmp_path: Path, how: str
) -> None:
    """Exit 78 (EX_CONFIG), not 70: the folder is the user's to fix. The forms are loaded when
    `nianbao.forms` is first imported, so this also shows that the import happens where the
    command line can say what went wrong."""
    broken = _break(copy_forms(tmp_path), how)
    env = {**os.environ, "NIANBAO_FORMS": str(broken.parent), "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "nianbao.cli", "convert", str(SEED_004)]
    done = subprocess.run(
        [*command, "-o", str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == FormSpecError.exit_code == 78, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip()
    assert line.startswith(f"nianbao: error: {broken}: "), line
    assert BROKEN_FORMS[how][2] in line and "NIANBAO_FORMS" in line
    assert "internal error" not in line
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    "verb",
    [
        ["watch", "{tmp}", "--out", "{tmp}/out"],
        ["export", "x.json", "--csv", "{tmp}/x.csv"],
        ["check", "{tmp}"],
        ["validate", "x.json"],
        ["schema"],
    ],
    ids=lambda verb: verb[0],
)
def test_every_verb_that_reads_the_forms_says_the_same_line(
    tmp_path: Path, verb: list[str]
) -> None:
    broken = _break(copy_forms(tmp_path), "a TOML syntax error")
    env = {**os.environ, "NIANBAO_FORMS": str(broken.parent), "PYTHONIOENCODING": "utf-8"}
    args = [arg.format(tmp=tmp_path) for arg in verb]
    done = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 78, done.stderr
    assert done.stderr.startswith(f"nianbao: error: {broken}: not valid TOML")
    assert done.stderr.count("\n") == 1


def test_a_library_user_meets_a_broken_forms_folder_as_a_nianbao_error(tmp_path: Path) -> None:
    broken = _break(copy_forms(tmp_path), "an equation typo")
    program = (
        "import nianbao\n"
        "try:\n"
        f"    nianbao.convert_document({str(SEED_004)!r})\n"
        "except nianbao.NianbaoError as exc:\n"
        "    print(type(exc).__name__, exc.exit_code, exc)\n"
    )
    env = {**os.environ, "NIANBAO_FORMS": str(broken.parent), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    assert done.stdout.startswith(f"FormSpecError 78 {broken}: "), done.stdout + done.stderr
    assert "expected a key" in done.stdout


def test_form_errors_are_in_the_error_tree() -> None:
    assert issubclass(FormSpecError, nianbao.NianbaoError)
    assert issubclass(EquationError, FormSpecError)
    with pytest.raises(nianbao.NianbaoError):
        parse("a.x + = a.y")


def test_the_shipped_forms() -> None:
    assert FORMS.ids == ("2021", "2019", "2008")
    assert len(FORMS.form("2021").figure_keys()) == 200
    # 2019: section 二 of 22 cells, section 三 with the single （六） row, section 四
    assert len(FORMS.form("2019").figure_keys()) == 22 + 23 * 7 + 15
    # The 2008 form's national 统计表 is printed by some of its reports only: never missing.
    assert FORMS.form("2008").figure_keys() == ()
    (national,) = FORMS.form("2008").indicator_tables
    assert len(national.figure_keys()) == 69
    assert {c.rule for c in FORMS.checks} == {
        "applications.balance",
        "applications.results_sum",
        "applications.row_totals",
        "review.total",
        "litigation_direct.total",
        "litigation_after_review.total",
        *(f"statistics.{total}" for total in ("applications.received", "applications.completed")),
        *(f"statistics.{total}" for total in ("applications.answered", "review.total")),
        *(f"statistics.{total}" for total in ("litigation.total", "complaints.total")),
        *(f"statistics.{total}" for total in ("archives.total", "staffing.staff")),
    }


def test_each_section_three_label_is_written_once_in_the_package() -> None:
    """The spec is the only place a label is written: not in code, not twice in the data."""
    texts = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "nianbao").rglob("*")
        if p.suffix in (".py", ".toml")
    ]
    table = FORMS.table("applications")
    labels = {
        text
        for label in (*table.rows, *table.columns, *table.groups)
        for text in label.labels
        if text not in FORMS.shared_labels  # 其他, 总计: every table prints them
    }
    assert "属于国家秘密" in labels and "法人或其他组织" in labels
    # The 2008-era 统计表 labels a panel figure is read from (同意部分公开答复数) and the national
    # 统计表's are other rows of another table, which contain these words: they are not counted.
    era2008 = sorted(
        {label for form in FORMS.forms for p in form.panel for label in p.indicators}
        | {label for t in FORMS.indicator_tables for row in t.rows for label in row.labels},
        key=len,
        reverse=True,
    )
    for indicator_label in era2008:
        texts = [t.replace(f'"{indicator_label}"', "") for t in texts]
    counts = {label: sum(t.count(label) for t in texts) for label in labels}
    assert {label: n for label, n in counts.items() if n != 1} == {}


# --- the profile driven by the data ----------------------------------------------------------

#: A province's wording for 二、上年结转政府信息公开申请数量, which the shipped forms do not know.
PROVINCE_WORDING = "二、往年遗留申请件数"


def _convert_with_forms(source: Path, out: Path, forms: Path | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_FORMS"}
    if forms is not None:
        env["NIANBAO_FORMS"] = str(forms)
    command = [sys.executable, "-m", "nianbao.cli", "convert", str(source), "-o", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_a_label_variant_and_a_check_added_by_editing_data_only(tmp_path: Path) -> None:
    source = tmp_path / "province.txt"
    text = SEED_004.read_text(encoding="utf-8")
    assert "二、上年结转政府信息公开申请数量" in text
    source.write_text(text.replace("二、上年结转政府信息公开申请数量", PROVINCE_WORDING))

    # The shipped forms do not know the wording: the row is not matched by its label (it is only
    # read back by the row order of the form, from the text, and said so).
    shipped = _convert_with_forms(source, tmp_path / "shipped.json", None)
    unmatched = [d for d in shipped["diagnostics"] if d["code"] == "figures.unmatched_row"]
    assert any("往年遗留申请件数" in d["message"] for d in unmatched)

    folder = copy_forms(tmp_path)
    edit(
        folder / "form-2021.toml",
        'label = "上年结转政府信息公开申请数量"\n',
        'label = "上年结转政府信息公开申请数量"\nvariants = ["往年遗留申请件数"]\n',
    )
    with (folder / "form-2021.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n[[checks]]\n"
            'rule = "applications.nothing_carried"\n'
            'equation = "applications.carried_over.total = applications.carried_forward.total"\n'
            'what = "上年结转 = 结转下年度"\n'
        )
    edited = _convert_with_forms(source, tmp_path / "edited.json", folder)
    assert not [d for d in edited["diagnostics"] if d["code"] == "figures.unmatched_row"]
    annual = edited["annual_report"]
    assert isinstance(annual, dict)
    carried_over = annual["figures"]["applications.carried_over.total"]
    assert (carried_over["raw"], carried_over["origin"]["kind"]) == ("0", "table_cell")
    added = [c for c in annual["checks"] if c["rule"] == "applications.nothing_carried"]
    assert [(c["status"], c["expected"], c["actual"]) for c in added] == [("pass", 0, 0)]


# --- what derives from the spec --------------------------------------------------------------


def test_the_schema_lists_the_forms_figure_keys_and_templates() -> None:
    annual = build_schema()["$defs"]["AnnualReport"]["properties"]
    assert annual["figures"]["propertyNames"]["enum"] == list(FORMS.figure_keys)
    assert annual["template"]["anyOf"][0]["enum"] == ["2021", "2019", "2008"]
    data = nianbao.convert_document(SEED_004).model_dump(mode="json", by_alias=True)
    assert schema_errors(data) == []
    data["annual_report"]["figures"]["applications.invented.total"] = data["annual_report"][
        "figures"
    ]["applications.granted.total"]
    assert any("applications.invented.total" in e for e in schema_errors(data))
