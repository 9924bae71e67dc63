"""What names a report is the forms' data (prose.toml's `title_*`), read by the code that finds
titles, years and bodies, and checked when the forms are loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.forms import FormSpecError, load
from tests.conftest import copy_forms, edit


def test_a_subject_added_to_the_forms_names_reports_in_every_title_pattern(
    tmp_path: Path,
) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "prose.toml", '"政务公开", ', '"政务公开", "办事公开", ')
    titles = load(folder).titles
    assert titles.words.search("2024年办事公开工作年度报告")
    assert titles.line.search("某某镇办事公开工作年度报告")
    assert titles.in_chrome.search("某某镇办事公开报告")
    naming = titles.naming.search("2017年某某镇办事公开工作报告")
    assert naming is not None and naming.group("year", "body") == ("2017", "某某镇")
    body = titles.body.search("某某镇二〇一七年办事公开")
    assert body is not None and body.group("body", "year") == ("某某镇", "二〇一七")


def test_a_title_pattern_without_its_body_group_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "prose.toml", "年(?:度)?(?P<body>", "年(?:度)?(")
    with pytest.raises(FormSpecError, match=r"prose\.toml: title_naming: .* no group `body`"):
        load(folder)


def test_a_title_pattern_that_is_no_regular_expression_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "prose.toml", "title_line = '''{SUBJECT}", "title_line = '''({SUBJECT}")
    with pytest.raises(FormSpecError, match=r"prose\.toml: title_line: .* is no pattern"):
        load(folder)
