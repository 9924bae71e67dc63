"""What the adapters read: one options group per input format, as docling's `FormatOption`.

    AdapterOptions(pdf=PdfOptions(...), text=TextOptions(...))

`nianbao.ConvertOptions` is these groups plus how a conversion runs (its limits, whether
plug-ins are loaded). They reach an adapter by one route: the registry finds the adapter for an
input and hands it the options (`Adapter.with_options`), and each built-in adapter keeps the
group that is its own (the PDF adapter `pdf`, the text and HTML adapters `text`). A plug-in gets
the same object, so one that reads text can honour the encoding a user named.

Light to import, as `pdf_options`: the command line builds its flags from these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.adapters.pdf_options import PdfOptions


@dataclass(frozen=True)
class TextOptions:
    """How the text and HTML adapters decode their bytes (the `text` group of
    `ConvertOptions`); validated on construction (`ValueError`)."""

    #: Decode with this codec (`gbk`, `utf-8`, `big5`...) instead of detecting one; the report's
    #: `source.encoding.method` is then `override`. None detects (BOM, `<meta charset>`, chardet).
    encoding: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is None:
            return
        if not isinstance(self.encoding, str):
            raise ValueError(f"encoding must be the name of a codec, not {self.encoding!r}")
        # Loaded only when a codec is named: it brings chardet, which `import nianbao` must not.
        from nianbao.text.encoding import canonical_codec  # noqa: PLC0415

        if canonical_codec(self.encoding) is None:
            raise ValueError(f"unknown encoding: {self.encoding!r}")


@dataclass(frozen=True)
class AdapterOptions:
    """The options of every input format, one group each; an adapter reads its own."""

    #: How PDFs are read: engines, pages, OCR.
    pdf: PdfOptions = field(default_factory=PdfOptions)
    #: How text and HTML are decoded.
    text: TextOptions = field(default_factory=TextOptions)

    def __post_init__(self) -> None:
        _check_group("pdf", self.pdf, PdfOptions)
        _check_group("text", self.text, TextOptions)


def _check_group(name: str, value: object, expected: type) -> None:
    if not isinstance(value, expected):
        raise TypeError(
            f"{name} must be a {expected.__name__}, not {type(value).__name__} "
            f"(e.g. {name}={expected.__name__}(...))"
        )
