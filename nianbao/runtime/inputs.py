"""Which files are inputs, and where their reports go: the rules the hot folder and batch share.

Files that are still being written or that belong to another program are never inputs: Office
lock files (`~$report.docx`), browser and download-manager partials (`.part`, `.crdownload`,
`.download`), temporary files (`.tmp`), hidden files and folders (`.DS_Store`, `.git/`), and the
thumbnails Windows drops everywhere. A program that writes `x.pdf.part` and renames it to `x.pdf`
when complete is the safest way to feed the hot folder, and it works here as intended.

Format is decided by the bytes, never the name (see `nianbao.adapters.sniff`); names only decide
which files are worth trying, so that a picture, last run's reports or a `.json` in the same
folder are not "converted". One rule, `is_document_name`, for a folder given to `nianbao
convert` (other files are skipped and listed) and for the hot folder (other files are refused to
failed/, unread): a document suffix (`DOCUMENT_SUFFIXES`, Markdown included), or none at all, as
crawlers often save pages. A file named on the command line is always tried.

Symbolic links, one rule for the batch and the hot folder: a link found *inside* a folder is
never followed (the batch skips and lists it, the watcher refuses it to failed/ unread), so that
a folder of someone else's cannot have nianbao publish a file outside it (`x.txt ->
/etc/passwd`); a link *named* on the command line is followed, as the user chose it.

Only regular files are read: a FIFO, a device or a socket named as an input could make the read
wait for ever or never end (`/dev/zero`), so it is refused by name (`refuse_special`); a pipe is
given as standard input (`-`), which is read up to a bound (`spool_standard_input`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from nianbao.errors import DocumentLoadError
from nianbao.schemas.emit import refuse_special_kind

TEMPORARY_SUFFIXES = frozenset(
    {".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", ".lock"}
)
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})

#: What a folder given to `nianbao convert` is searched for (explicitly named files are always
#: tried, whatever their name).
DOCUMENT_SUFFIXES = frozenset(
    {".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".mht", ".mhtml"}
    | {".pdf", ".doc", ".docx", ".docm", ".wps", ".xls", ".xlsx", ".xlsm", ".et", ".rtf"}
    | {".md", ".markdown"}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scans, read by OCR
)


def is_ignored(name: str) -> bool:
    """True for files that are temporary, hidden, or another program's, by their name alone."""
    lower = name.lower()
    return (
        lower.startswith((".", "~$"))
        or lower.endswith("~")
        or Path(lower).suffix in TEMPORARY_SUFFIXES
        or lower in SYSTEM_FILES
    )


def is_document_name(name: str) -> bool:
    """True for a name worth trying as an input: not ignored, and a document's suffix or none."""
    suffix = Path(name).suffix.lower()
    return not is_ignored(name) and (suffix in DOCUMENT_SUFFIXES or not suffix)


def not_a_document(name: str) -> str:
    """Why a file is not tried, for the log and failed/."""
    return (
        f"not a document by its name ({Path(name).suffix}): nianbao reads "
        f"{', '.join(sorted(DOCUMENT_SUFFIXES))} and files without a suffix"
    )


def documents_in(
    folder: Path, others: list[Path] | None = None, links: list[Path] | None = None
) -> list[Path]:
    """The documents under `folder`, recursively, sorted; hidden folders are not entered.

    Files that `is_document_name` leaves out (but not ignored ones) are added to `others`;
    symbolic links (to files or folders: never followed inside a folder) and what is neither a
    file nor a folder (a FIFO, a socket) to `links`.
    """
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(is_ignored(part) for part in relative.parts):
            continue
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            if links is not None:
                links.append(path)
            continue
        if path.is_dir():
            continue
        if is_document_name(path.name):
            found.append(path)
        elif others is not None:
            others.append(path)
    for listed in (others, links):
        if listed is not None:
            listed.sort()
    return sorted(found)


def refuse_special(path: Path) -> None:
    """A `DocumentLoadError` if `path` (a link followed) is a FIFO, a device or a socket: its
    read could wait for a writer for ever or never end. What cannot be looked at is left to
    the read to say (missing, denied)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return
    name = shown(str(path))
    refuse_special_kind(
        mode, name, f"give a pipe's bytes as standard input: nianbao convert - < {name}"
    )


def is_standard_input(path: Path) -> bool:
    """Whether `path` is this process's own standard input (`/dev/stdin`, `/dev/fd/0`), which is
    read as `-` is, whatever kind of file it is."""
    try:
        named, ours = path.stat(), os.fstat(0)
    except (OSError, ValueError):
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


STDIN_NAME = "<stdin>"
_SPOOL_CHUNK = 1 << 20


def spool_standard_input(source: BinaryIO, target: Path, limit: int, why: str) -> None:
    """Copy `source` (standard input) into the file `target`, at most `limit` bytes: past it a
    `DocumentLoadError` (`nianbao convert - < /dev/zero` ends at once, its memory never grows).
    A conversion reads its input whole, under the memory limit, so more could not be converted
    anyway. `why` says where the bound comes from."""
    written = 0
    with target.open("wb") as spool:
        while chunk := source.read(_SPOOL_CHUNK):
            written += len(chunk)
            if written > limit:
                raise DocumentLoadError(
                    f"more than {_size(limit)} ({why}); not read further",
                    source=STDIN_NAME,
                )
            spool.write(chunk)


def _size(n: int) -> str:
    return f"{n / 2**30:g} GiB" if n >= 2**30 else f"{n / 2**20:g} MiB"


def shown(text: str) -> str:
    """`text` as valid Unicode: a lossless stand-in for a file name that is not UTF-8.

    Python holds such a name (GBK from a Windows share) with lone surrogates for its bytes, which
    no UTF-8 file, JSON or log line can take. In each word (between spaces and slashes) that
    holds one, every byte that is not ASCII is written `\\xc4`, not just the invalid ones, which
    would leave stray characters that happen to be valid UTF-8 (`\\xc4걨.txt` for 年报.txt in
    GBK). Valid text, and the other words of a message naming such a file, are left as they are.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _WORD.sub(lambda match: _shown_word(match.group()), text)
    return text


_WORD = re.compile(r"[^\s/]+")


def _shown_word(word: str) -> str:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return word
    try:
        return word.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte stands for
        return word.encode("utf-8", "backslashreplace").decode("utf-8")


def printable(text: str) -> str:
    """`text` with control characters shown as `?` (a file named `a\nb` cannot forge log lines)
    and bytes that are not UTF-8 as `\\xc4`."""
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in shown(text))


def listed(paths: Sequence[Path], most: int = 5) -> str:
    """`a.pdf, b.pdf and 3 more`: the first `most` of `paths`, printable, and how many more."""
    shown_paths = ", ".join(printable(str(p)) for p in paths[:most])
    return shown_paths + (f" and {len(paths) - most} more" if len(paths) > most else "")


def passed_over(not_reports: Sequence[Path]) -> str:
    """The line that says which .json files of folders `review` and `validate` passed over as
    not nianbao reports (`nianbao.collection.report_file.names_report_schema`), and why."""
    what = "file, not a nianbao report" if len(not_reports) == 1 else "files, not nianbao reports"
    return (
        f'passed over {len(not_reports)} .json {what} (no "schema": "nianbao.report/N"): '
        + listed(not_reports)
    )


#: The longest file name most file systems take, in bytes (ext4, XFS, btrfs, NTFS in UTF-16
#: units, which a name of 255 bytes never exceeds).
NAME_MAX = 255


def fit_name(base: str, tail: str) -> str:
    """`base + tail`, with `base` cut short and marked with a hash of it if the whole would be
    longer than `NAME_MAX` bytes: `<base>.error.json` for an input whose name is already long."""
    name = base + tail
    if len(os.fsencode(name)) <= NAME_MAX:
        return name
    mark = "~" + hashlib.sha256(os.fsencode(base)).hexdigest()[:8]
    room = NAME_MAX - len(os.fsencode(mark + tail))
    cut = base
    while len(os.fsencode(cut)) > room:
        cut = cut[:-1]
    return cut + mark + tail


def report_name(source: Path) -> str:
    """`report.pdf` -> `report.json`: the name a report gets unless that one is taken."""
    return fit_name(source.stem, ".json")


def alternative_names(source: Path) -> Iterable[str]:
    """Names to try, in order, for the report of `source` when `report_name` is taken.

    The full input name comes first (`report.docx.json` beside `report.json` from `report.pdf`),
    then numbered ones, so that a name is never reused for a different input.
    """
    yield report_name(source)
    yield fit_name(source.name, ".json")
    n = 2
    while True:
        yield fit_name(source.stem, f" ({n}).json")
        n += 1


# Cluster addresses and URL inputs: checked when the command line is read, before the cluster's
# own imports (dask) are paid for.
LOCAL_CLUSTER = re.compile(r"local(?::(\d+))?$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: A scheduler's address: `tcp://` (or none: Dask's default) or `tls://`, a host name, an IPv4
#: address or a bracketed IPv6 one, and a port (optional after a scheme: Dask's 8786).
SCHEDULER = re.compile(
    r"(?:(?P<scheme>tcp|tls)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,5}))?"
)
SCHEDULER_SCHEMES = ("tcp", "tls")


def address_problem(text: str) -> str | None:
    """Why `text` is not a cluster nianbao can use, or None: `local`, `local:N` (N >= 1),
    `tcp://host:port`, `tls://host:port` or `host:port`. Dask's other schemes are refused:
    `inproc://` lives inside one process, `ucx://` and `ws://` are not installed with it."""
    local = LOCAL_CLUSTER.match(text)
    if local is not None:
        return (
            None if local.group(1) is None or int(local.group(1)) >= 1 else "local:0 runs nothing"
        )
    scheme = text.split("://", 1)[0] if "://" in text else None
    if scheme is not None and scheme not in SCHEDULER_SCHEMES:
        return f"{scheme}:// is not a scheduler's address nianbao can use"
    match = SCHEDULER.fullmatch(text)
    if match is None or (scheme is None and match.group("port") is None):
        return "not a scheduler's address"
    if match.group("port") is not None and not 0 < int(match.group("port")) < 65536:
        return f"port {match.group('port')} is not a port (1-65535)"
    return None


def valid_address(text: str) -> bool:
    """`local`, `local:N` (N >= 1), `tcp://host:port`, `tls://host:port` or `host:port`."""
    return address_problem(text) is None


def is_url(text: str) -> bool:
    return bool(_URL.match(text))
