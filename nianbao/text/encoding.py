"""Decode the bytes of a text or HTML input without ever guessing silently.

Order of evidence: a byte-order mark, then a charset the document declares, then strict UTF-8,
then the NUL pattern of UTF-16 without a BOM, then chardet. GB2312 and GBK are read as GB18030,
their superset, because real GBK files carry characters GB2312 lacks. Whatever was chosen, and how
sure we are, goes into `EncodingInfo`; undecodable bytes and mojibake become diagnostics.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from nianbao.schemas.model import Diagnostic, EncodingInfo, EncodingMethod, Severity

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Chinese legacy code pages whose superset decodes every file they can produce.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
}

_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DECLARATION_WINDOW = 4096
_LOW_CONFIDENCE = 0.5
_PLAUSIBLE = 0.98
_COMMON_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u2027\u00b7]")
# UTF-8 read as Latin-1/cp1252 turns each CJK character into three letters from this range.
_MOJIBAKE = re.compile("[\u00c0-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]{2}")


@dataclass
class Decoded:
    text: str
    encoding: EncodingInfo
    diagnostics: list[Diagnostic] = field(default_factory=list)


def canonical_codec(name: str) -> str | None:
    """Python's codec name for a label, widened to its superset; None if Python lacks it."""
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def decode(data: bytes, override: str | None = None) -> Decoded:
    """Decode `data`, recording the encoding, the evidence for it, and anything that went wrong.

    `override` (a codec the user named) replaces detection: the method is then `override`, and
    bytes it cannot decode are reported as usual. A byte-order mark of that codec is dropped.
    """
    if override is not None:
        return _overridden(data, override)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _finish(data[len(bom) :], codec, 1.0, "bom")

    diagnostics: list[Diagnostic] = []
    declared = _declared_codec(data)
    if declared is not None:
        try:
            return _finish(data, declared, 1.0, "declared", strict=True)
        except UnicodeDecodeError:
            diagnostics.append(
                _diag(
                    "encoding.declared_wrong",
                    "warning",
                    f"the document declares {declared} but is not valid {declared}",
                )
            )

    utf16 = _utf16_by_nul_pattern(data)  # before UTF-8: NULs are valid UTF-8 too
    if utf16 is not None:
        return _with(_finish(data, utf16, 0.9, "utf-16-pattern"), diagnostics)

    try:
        return _with(_finish(data, "utf-8", 1.0, "utf-8", strict=True), diagnostics)
    except UnicodeDecodeError:
        pass

    # Imported here, the last resort: most inputs (every PDF, DOCX, XLSX; UTF-8 text) never
    # come to it, and its import is ~5 ms of a cold start.
    import chardet  # noqa: PLC0415

    guess = chardet.detect(data)
    codec = canonical_codec(guess.get("encoding") or "") or "gb18030"
    confidence = float(guess.get("confidence") or 0.0)
    if _chinese_share(data, codec, errors="strict") >= _PLAUSIBLE:
        # chardet scores GB18030 low on long documents even when every byte decodes to common
        # Chinese text; a strict decode that yields such text is strong evidence of its own.
        confidence = max(confidence, 0.9)
    elif codec != "gb18030" and _chinese_share(data, "gb18030", errors="replace") >= _PLAUSIBLE:
        # A few bad bytes throw chardet off entirely (it may answer cp855 at 0.01); these are
        # Chinese documents, so a GB18030 reading with a handful of gaps is the better guess.
        codec, confidence = "gb18030", min(confidence, 0.5)
    return _with(_finish(data, codec, round(confidence, 3), "detected"), diagnostics)


def _overridden(data: bytes, name: str) -> Decoded:
    codec = canonical_codec(name)
    if codec is None:
        raise LookupError(f"unknown encoding: {name!r}")
    for bom, bom_codec in _BOMS:
        if data.startswith(bom) and codec == bom_codec:  # `utf-16` reads its own BOM
            data = data[len(bom) :]
            break
    return _finish(data, codec, 1.0, "override")


def _finish(
    data: bytes, codec: str, confidence: float, method: EncodingMethod, *, strict: bool = False
) -> Decoded:
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        if strict:
            raise
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        diagnostics.append(
            _diag(
                "encoding.undecodable",
                "warning",
                f"{bad} byte sequence(s) are not valid {codec}; they appear as U+FFFD in the text",
            )
        )
        confidence = min(confidence, 0.3)
    info = EncodingInfo(name=codec, confidence=confidence, method=method)
    if confidence < _LOW_CONFIDENCE:
        diagnostics.append(
            _diag(
                "encoding.low_confidence",
                "warning",
                f"decoded as {codec} with confidence {confidence:.2f}",
            )
        )
    mojibake = len(_MOJIBAKE.findall(text))
    if mojibake >= 3:
        diagnostics.append(
            _diag(
                "encoding.mojibake",
                "warning",
                f"{mojibake} places look like UTF-8 text that was once decoded as "
                "Latin-1 or cp1252 (e.g. 'å¹´' for '年'); the source is damaged",
            )
        )
    return Decoded(text, info, diagnostics)


def _with(decoded: Decoded, earlier: list[Diagnostic]) -> Decoded:
    decoded.diagnostics[:0] = earlier
    return decoded


def _declared_codec(data: bytes) -> str | None:
    match = _DECLARED.search(data[:_DECLARATION_WINDOW])
    return canonical_codec(match.group(1).decode("ascii")) if match else None


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII and many CJK code units put NULs in one byte position."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # Text with some ASCII (digits, punctuation, line breaks) puts NULs in one position only;
    # CJK-only UTF-16 has none, and is left to chardet.
    if odd > 0.05 * half and even < 0.005 * half:
        return "utf-16-le"
    if even > 0.05 * half and odd < 0.005 * half:
        return "utf-16-be"
    return None


def _chinese_share(data: bytes, codec: str, *, errors: str) -> float:
    """The share of printable ASCII and common Chinese characters in `data` read as `codec`."""
    try:
        text = data.decode(codec, errors=errors)
    except (UnicodeDecodeError, LookupError):
        return 0.0
    chars = [ch for ch in text if not ch.isspace()]
    if sum(1 for ch in chars if ord(ch) > 0x2E7F) <= 10:
        return 0.0  # too little Chinese to judge by
    common = sum(1 for ch in chars if (ch.isascii() and ch.isprintable()) or _COMMON_CJK.match(ch))
    return common / len(chars)


def _diag(code: str, severity: Severity, message: str) -> Diagnostic:
    return Diagnostic(code=code, severity=severity, message=message)
