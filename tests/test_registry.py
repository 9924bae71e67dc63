"""Adapters are chosen by priority; plug-ins arrive through the `nianbao.adapters` entry points."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import ClassVar

import pytest

import nianbao
from nianbao.adapters.base import Adapter, AdapterResult
from nianbao.adapters.registry import AdapterRegistry, default_registry
from nianbao.adapters.sniff import InputInfo
from nianbao.adapters.text import TextAdapter
from nianbao.convert.pipeline import convert_bytes
from nianbao.schemas.model import Block, Document, LineOrigin


class ShoutingAdapter(Adapter):
    name: ClassVar[str] = "shouting"
    priority: ClassVar[float] = 5.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return head.startswith(b"!")

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        block = Block(
            kind="paragraph",
            text=data.decode().upper(),
            origin=LineOrigin(line_start=1, line_end=1),
        )
        return AdapterResult(document=Document(blocks=[block], tables=[]))


def test_priority_decides_and_text_is_the_fallback() -> None:
    registry = AdapterRegistry([TextAdapter(), ShoutingAdapter()])
    names = [a.name for a in registry.adapters]
    assert "shouting" in names and "broken" not in names
    assert names.index("shouting") < names.index("text")  # priority 5.0 before the fallback
    report = convert_bytes(b"!hello", filename="x.txt", registry=registry)
    assert report.source.adapter == "shouting"
    assert report.document.blocks[0].text == "!HELLO"
    assert convert_bytes("一、总体情况".encode(), registry=registry).source.adapter == "text"


def test_no_adapter_means_unsupported_format() -> None:
    with pytest.raises(nianbao.UnsupportedFormatError, match=r"x\.pdf: no adapter reads pdf"):
        convert_bytes(b"%PDF-1.4 ...", filename="x.pdf", registry=AdapterRegistry([TextAdapter()]))


def test_entry_point_plugins_are_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nianbao_test_plugin.py").write_text(
        "from tests.test_registry import ShoutingAdapter as Plugin\n", encoding="utf-8"
    )
    dist = tmp_path / "nianbao_test_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nianbao-test-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        textwrap.dedent("""\
            [nianbao.adapters]
            shouting = nianbao_test_plugin:Plugin
            broken = nianbao_test_plugin:DoesNotExist
        """),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(UserWarning, match="'broken' failed to load"):
        registry = default_registry()
    names = [a.name for a in registry.adapters]
    assert "shouting" in names and "broken" not in names
    assert names.index("shouting") < names.index("text")  # priority 5.0 before the fallback
