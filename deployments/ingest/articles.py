"""Reading article files into text, or into a reason why they cannot be read.

The body is the article's evidence: every citation offset points into it, and its SHA-256 is the
article's identity. So decoding changes as little as possible (a leading BOM goes, newlines become
`\\n`, nothing else), and anything that is not plainly UTF-8 text is refused with a reason an
editor can act on rather than being guessed at. No database access here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from deployments.records.models import normalize_newlines

MAX_BYTES = 5 * 1024 * 1024
TITLE_MAX_LENGTH = 500

# Real prose holds next to no control characters; a file with more than this share of them is
# binary data that merely happens to decode.
CONTROL_SHARE_LIMIT = 0.10

_BOM = b"\xef\xbb\xbf"
# Control characters (Unicode category Cc) other than tab, newline, vertical tab, form feed, CR.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# In bytes that are not UTF-8 only the ASCII ones count: 0x80-0x9f are letters in cp1252.
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0e-\x1f\x7f]")


class ArticleTextError(ValueError):
    """A file or text that cannot become an article body; `str(error)` says why."""


class UnreadableFile(ArticleTextError):
    pass


class EmptyText(ArticleTextError):
    pass


class BinaryData(ArticleTextError):
    pass


class NotUtf8(ArticleTextError):
    pass


class TooLarge(ArticleTextError):
    pass


@dataclass(frozen=True)
class Source:
    """One file to import, or the reason a path named on the command line yields none."""

    path: Path
    error: ArticleTextError | None = None


def collect_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Files in argument order; a folder gives its own `*.txt` files by name, not nested ones."""
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() == ".txt"
                and not child.name.startswith(".")
                and child.is_file()
            )
            if not files:
                sources.append(Source(path, UnreadableFile("a folder with no .txt files")))
            sources.extend(Source(child) for child in files)
        elif path.exists():
            sources.append(Source(path))
        else:
            sources.append(Source(path, UnreadableFile("no such file or folder")))
    return sources


def read_article_file(path: Path) -> str:
    """The file's text as an article body; the size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(size)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise UnreadableFile("no such file or folder") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile("a folder, not a file") from exc
    except PermissionError as exc:
        raise UnreadableFile("permission denied") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from exc
    return decode_article(data)


def decode_article(data: bytes) -> str:
    """Bytes as received to the body to store: UTF-8 without BOM, `\\n` newlines, else unchanged."""
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    data = data.removeprefix(_BOM)
    if b"\x00" in data:
        raise BinaryData("binary data (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _control_share(_CONTROL_BYTES, data) > CONTROL_SHARE_LIMIT:
            raise BinaryData("binary data (too many control characters), not text") from exc
        raise NotUtf8(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start} is invalid); "
            "other encodings are not detected yet, so convert the file to UTF-8 first"
        ) from exc
    text = normalize_newlines(text)
    check_text(text)
    return text


def check_text(text: str) -> None:
    """Refuse text that could not be an article, whichever way it arrived."""
    if not text:
        raise EmptyText("empty")
    if not text.strip():
        raise EmptyText("empty (only whitespace)")
    if _control_share(_CONTROL_CHARS, text) > CONTROL_SHARE_LIMIT:
        raise BinaryData("binary data (too many control characters), not text")


def title_from_text(text: str) -> str:
    """The first non-empty line, trimmed: a stand-in until an editor sets the real title."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:TITLE_MAX_LENGTH]
    return ""


def _control_share(pattern: re.Pattern, data: str | bytes) -> float:
    return len(pattern.findall(data)) / len(data) if data else 0.0


def _too_large(size: int) -> TooLarge:
    return TooLarge(f"larger than 5 MB ({size:,} bytes)")
