"""Adapters are chosen by priority; plug-ins arrive through the `nianbao.adapters` entry points,
written against the public contract (`nianbao.Adapter`), win a tie, and can be switched off."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import ClassVar

import pytest

import nianbao
from nianbao import Adapter, AdapterOptions, AdapterResult, ConvertOptions, InputInfo, TextOptions
from nianbao.adapters import registry as registry_module
from nianbao.adapters.pdf import PdfAdapter
from nianbao.adapters.registry import ENTRY_POINT_GROUP, AdapterRegistry, default_registry
from nianbao.adapters.text import TextAdapter
from nianbao.cli import main
from nianbao.cli.commands import _options
from nianbao.cli.parser import build_parser
from nianbao.convert import pipeline
from nianbao.convert.pipeline import convert_bytes
from nianbao.schemas.model import Block, Document, LineOrigin
from tests.conftest import SAMPLES


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


# --- plug-ins through real entry points: the priority rule and the switch ----------------------


class TextPlugin(Adapter):
    """Reads text at the text adapter's priority: a tie, which the plug-in wins."""

    name: ClassVar[str] = "text-plugin"
    priority: ClassVar[float] = TextAdapter.priority

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return info.format == "text"

    def with_options(self, options: AdapterOptions) -> Adapter:
        return TextPlugin(options.text.encoding)  # a plug-in gets the options too

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        text = data.decode(self.encoding or "utf-8")
        block = Block(
            kind="paragraph", text=f"plug-in: {text}", origin=LineOrigin(line_start=1, line_end=1)
        )
        return AdapterResult(document=Document(blocks=[block], tables=[]))


class PdfPlugin(ShoutingAdapter):
    """Would read PDFs, but at a higher number than the PDF adapter's: it loses."""

    name: ClassVar[str] = "pdf-plugin"
    priority: ClassVar[float] = PdfAdapter.priority + 1

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return info.format == "pdf"


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """The two plug-ins above, installed as entry points of the group the registry reads."""
    installed = [
        EntryPoint(name=name, value=f"tests.test_registry:{name}", group=ENTRY_POINT_GROUP)
        for name in ("TextPlugin", "PdfPlugin")
    ]

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [e for e in installed if e.group == group]

    monkeypatch.setattr(registry_module, "entry_points", entry_points)
    pipeline._default_registry.cache_clear()  # the pipeline keeps one per process
    yield installed
    pipeline._default_registry.cache_clear()


def test_a_plugin_wins_a_tie_with_a_built_in(plugins: list[EntryPoint]) -> None:
    names = [a.name for a in default_registry().adapters]
    assert names.index("text-plugin") < names.index("text")
    report = convert_bytes("一、总体情况".encode(), filename="x.txt")
    assert report.source.adapter == "text-plugin"
    assert report.document.blocks[0].text == "plug-in: 一、总体情况"


def test_a_plugin_loses_to_a_better_priority(plugins: list[EntryPoint]) -> None:
    registry = default_registry()
    names = [a.name for a in registry.adapters]
    assert "pdf-plugin" in names  # loaded ...
    info = InputInfo(name="x.pdf", size=8, format="pdf")
    assert PdfPlugin().accepts(b"%PDF-1.7", info)  # ... and would read the PDF ...
    assert isinstance(registry.find(b"%PDF-1.7", info), PdfAdapter)  # ... but 0.0 comes first
    report = nianbao.convert_document(SAMPLES / "real" / "hongze-2024.pdf")
    assert report.source.adapter == "pdf"


def test_a_plugin_is_handed_the_options(plugins: list[EntryPoint]) -> None:
    options = ConvertOptions(text=TextOptions(encoding="gbk"))
    report = convert_bytes("一、总体情况".encode("gbk"), filename="x.txt", options=options)
    assert report.document.blocks[0].text == "plug-in: 一、总体情况"


def test_plugins_can_be_switched_off(
    plugins: list[EntryPoint], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [a.name for a in default_registry(plugins=False).adapters] == [
        "docx",
        "xlsx",
        "html",
        "pdf",
        "image",
        "text",
    ]
    data = "一、总体情况".encode()
    assert convert_bytes(data, options=ConvertOptions(plugins=False)).source.adapter == "text"
    source = tmp_path / "x.txt"
    source.write_bytes(data)
    # No limits: converted in this process, where the entry points are patched (a worker may
    # come from the forkserver, which has only the installed ones).
    here = ["--time-limit", "0", "--memory-limit", "0"]
    for flags, adapter in (([], "text-plugin"), (["--no-plugins"], "text")):
        out = tmp_path / "x.json"
        assert main(["convert", str(source), "-o", str(out), *here, *flags]) == 0
        assert json.loads(out.read_text("utf-8"))["source"]["adapter"] == adapter
    watch = build_parser().parse_args(["watch", str(tmp_path), "--out", "o", "--no-plugins"])
    assert _options(watch).plugins is False


def test_a_later_registration_wins_a_tie() -> None:
    registry = AdapterRegistry([ShoutingAdapter(), TextAdapter()])
    first, later = PdfPlugin(), TextPlugin()
    registry.register(first)
    registry.register(later)
    assert [a.name for a in registry.adapters] == ["pdf-plugin", "shouting", "text-plugin", "text"]
    loud = type("Loud", (ShoutingAdapter,), {"name": "loud"})()
    registry.register(loud)
    assert [a.name for a in registry.adapters][:3] == ["pdf-plugin", "loud", "shouting"]
