"""Options one way (issue 18): one `ConvertOptions` of per-format groups, its defaults written
once (the command line reads them), and one route to the adapters, whatever registry reads."""

from __future__ import annotations

import pickle
import warnings
from dataclasses import FrozenInstanceError, fields
from typing import Any

import pytest

import nianbao
from nianbao.adapters.pdf import PdfAdapter
from nianbao.adapters.registry import AdapterRegistry
from nianbao.adapters.sniff import InputInfo
from nianbao.adapters.text import TextAdapter
from nianbao.cli.commands import _options
from nianbao.cli.parser import build_parser
from nianbao.convert.options import ConvertOptions, Limits, PdfOptions, TextOptions
from nianbao.convert.pipeline import convert_bytes, convert_path
from nianbao.runtime.watch import WatchOptions
from tests.conftest import SAMPLES

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"
# "一、总体情况" in GBK: detection alone may call so short a text something else.
GBK_TEXT = "一、总体情况\n本机关主动公开政府信息。\n".encode("gbk")


# --- the groups, validated on construction ----------------------------------------------------


def _(value: object) -> Any:
    """`value` past the type checker: the options must refuse it at run time too."""
    return value


def test_options_are_groups_frozen_and_compared_by_value() -> None:
    options = ConvertOptions(
        pdf=PdfOptions(table_engine="camelot-stream", max_pages=3, ocr_dpi=300, ocr=False),
        text=TextOptions(encoding="gbk"),
        limits=Limits(seconds=60, memory=2**30),
        plugins=False,
    )
    assert options.pdf.ocr_dpi == 300 and options.text.encoding == "gbk"
    assert options.limited and not options.plugins
    with pytest.raises(FrozenInstanceError):
        options.plugins = True  # type: ignore[misc]
    # A worker process is handed the options by pickle (fork, spawn or a Dask cluster).
    assert pickle.loads(pickle.dumps(options)) == options
    assert ConvertOptions() == ConvertOptions(pdf=PdfOptions(), text=TextOptions(), plugins=True)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: PdfOptions(max_pages=0), ValueError, "max_pages must be a whole number"),
        (lambda: PdfOptions(ocr_dpi=10), ValueError, "ocr_dpi must be a whole number, 72-600"),
        (lambda: PdfOptions(ocr=_("no")), ValueError, "ocr must be True or False"),
        (lambda: PdfOptions(pdf_engine=_("pdfminer")), ValueError, "pdf_engine must be one of"),
        (lambda: TextOptions(encoding="no-such-codec"), ValueError, "unknown encoding"),
        (lambda: Limits(seconds=-1), ValueError, "limits cannot be negative"),
        (lambda: Limits(memory=_(1.5)), ValueError, "whole number of bytes"),
        (lambda: ConvertOptions(pdf=_("pdfium")), TypeError, "pdf must be a PdfOptions, not str"),
        (lambda: ConvertOptions(text=_("gbk")), TypeError, r"text=TextOptions\(\.\.\.\)"),
        (lambda: ConvertOptions(limits=_(60)), TypeError, "limits must be a Limits, not int"),
        (lambda: ConvertOptions(plugins=_("no")), TypeError, "plugins must be True or False"),
        (
            lambda: ConvertOptions(**_({"max_page": 3})),
            TypeError,
            "unexpected keyword .*'max_page'",
        ),
    ],
)
def test_a_bad_option_is_refused_on_construction_with_a_clear_error(
    make: object, error: type[Exception], message: str
) -> None:
    assert callable(make)
    with warnings.catch_warnings(), pytest.raises(error, match=message):
        warnings.simplefilter("ignore", DeprecationWarning)
        make()


def test_limits_are_asked_for_one_way_and_none_is_the_entrys_default() -> None:
    assert not ConvertOptions().limited and Limits.of(ConvertOptions()) == Limits()
    assert Limits.of(None) == Limits()
    assert not ConvertOptions(limits=Limits(seconds=0, memory=0)).limited
    assert Limits.asked(None, None) is None
    assert Limits.asked(30, None) == Limits(seconds=30, memory=Limits().memory)
    assert Limits.asked(None, 0) == Limits(seconds=Limits().seconds, memory=0)


def test_watch_options_set_limits_only_through_the_convert_options() -> None:
    assert "limits" not in {f.name for f in fields(WatchOptions)}
    assert WatchOptions().worker_limits == Limits()
    limited = WatchOptions(convert=ConvertOptions(limits=Limits(seconds=5)))
    assert limited.worker_limits == Limits(seconds=5)


# --- the flat call of 0.1: deprecated until 0.3 -------------------------------------------------


def test_the_readmes_flat_call_still_works_and_says_how_it_is_spelled_now() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        flat = nianbao.ConvertOptions(
            pdf_engine="pdfium", max_pages=20, encoding="gbk", time_limit=60, memory_limit=2**30
        )
    assert flat == ConvertOptions(
        pdf=PdfOptions(pdf_engine="pdfium", max_pages=20),
        text=TextOptions(encoding="gbk"),
        limits=Limits(seconds=60, memory=2**30),
    )
    (warning,) = caught
    assert warning.filename == __file__  # it points at the caller's line
    assert str(warning.message) == (
        "ConvertOptions(pdf_engine, max_pages, encoding, time_limit, memory_limit) is now "
        "ConvertOptions(pdf=PdfOptions(pdf_engine=..., max_pages=...), "
        "text=TextOptions(encoding=...), limits=Limits(seconds=..., memory=...)); "
        "the flat keywords go in nianbao 0.3"
    )
    with pytest.warns(DeprecationWarning):
        one_limit = ConvertOptions(time_limit=30)
    assert one_limit.limits == Limits(seconds=30)  # the other limit its default, as in 0.1


def test_a_flat_keyword_and_its_group_together_are_refused() -> None:
    with pytest.raises(TypeError, match=r"max_pages and pdf= both given"):
        ConvertOptions(pdf=PdfOptions(), max_pages=2)


# --- the command line reads the defaults ------------------------------------------------------


def test_the_command_lines_defaults_are_the_option_classes_own() -> None:
    for verb in (["convert", "x.txt"], ["watch", "inbox", "--out", "out"]):
        args = build_parser().parse_args(verb)
        assert _options(args) == ConvertOptions()


def test_every_option_has_its_flag() -> None:
    args = build_parser().parse_args(
        [
            "convert",
            "x.pdf",
            "--table-engine",
            "camelot-lattice",
            "--pdf-engine",
            "pdfplumber",
            "--max-pages",
            "2",
            "--ocr-dpi",
            "300",
            "--no-ocr",
            "--encoding",
            "gb18030",
            "--time-limit",
            "30",
            "--no-plugins",
        ]
    )
    assert _options(args) == ConvertOptions(
        pdf=PdfOptions(
            table_engine="camelot-lattice",
            pdf_engine="pdfplumber",
            max_pages=2,
            ocr_dpi=300,
            ocr=False,
        ),
        text=TextOptions(encoding="gb18030"),
        limits=Limits(seconds=30),
        plugins=False,
    )


def test_the_help_shows_the_defaults_of_the_classes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["convert", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    pdf, limits = PdfOptions(), Limits()
    assert f"(default {pdf.pdf_engine})" in shown
    assert f"default {pdf.table_engine})" in shown
    assert f"default {pdf.ocr_dpi})" in shown
    assert f"(default {limits.seconds:g})" in shown


# --- one route to the adapters ----------------------------------------------------------------


def test_a_registry_given_no_longer_drops_the_pdf_options() -> None:
    options = ConvertOptions(pdf=PdfOptions(max_pages=1))
    report = convert_path(HONGZE, registry=AdapterRegistry([PdfAdapter()]), options=options)
    assert report.source.pages == 1
    assert "pdf.truncated" in {d.code for d in report.diagnostics}


def test_the_encoding_reaches_the_text_adapter_with_or_without_a_registry() -> None:
    options = ConvertOptions(text=TextOptions(encoding="gbk"))
    for registry in (None, AdapterRegistry([TextAdapter()])):
        report = convert_bytes(GBK_TEXT, filename="gbk.txt", registry=registry, options=options)
        assert report.source.encoding is not None
        assert report.source.encoding.method == "override"  # GBK is read as its superset GB18030
        assert report.document.blocks[0].text == "一、总体情况"


def test_the_adapter_found_is_handed_its_group_and_keeps_it() -> None:
    registry = AdapterRegistry([PdfAdapter(), TextAdapter()])
    options = ConvertOptions(pdf=PdfOptions(max_pages=4), text=TextOptions(encoding="big5"))
    pdf = registry.find(b"%PDF-1.7", InputInfo("x.pdf", 8, "pdf"), options)
    text = registry.find(b"abc", InputInfo("x.txt", 3, "text"), options)
    assert isinstance(pdf, PdfAdapter) and pdf.options == options.pdf
    assert isinstance(text, TextAdapter) and text.options == options.text
    # Without options, the adapter registered reads as it was built.
    assert registry.find(b"%PDF-1.7", InputInfo("x.pdf", 8, "pdf")) is registry.adapters[0]


# --- the public face ----------------------------------------------------------------------------


def test_the_plugin_contract_and_the_options_are_public() -> None:
    from nianbao.adapters import base  # noqa: PLC0415  # the old path stays importable

    public = {
        "Adapter": base.Adapter,
        "AdapterResult": base.AdapterResult,
        "InputInfo": base.InputInfo,
        "AdapterOptions": base.AdapterOptions,
        "ConvertOptions": ConvertOptions,
        "PdfOptions": PdfOptions,
        "TextOptions": TextOptions,
        "Limits": Limits,
    }
    for name, value in public.items():
        assert name in nianbao.__all__
        assert getattr(nianbao, name) is value
    assert issubclass(nianbao.ConvertOptions, nianbao.AdapterOptions)
