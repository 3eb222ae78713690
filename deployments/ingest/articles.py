"""Reading article files into text, or into a reason why they cannot be read.

The body is the article's evidence: every citation offset points into it, and its SHA-256 is the
article's identity. So decoding changes as little as possible (a leading BOM goes, newlines become
`\\n`, nothing else). Text in another real encoding (cp1252, Latin-1, UTF-16...) is converted
and the conversion noted; anything else is refused with a reason an editor can act on. A saved
web page becomes its main text through trafilatura, with the page's own title, site name, date
and address, and the SHA-256 of the HTML as received. No database access here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

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


class NoArticleText(ArticleTextError):
    pass


# What import_articles reads, by file suffix.
FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
# A web page whose main text has fewer words than this holds no article.
MIN_PAGE_WORDS = 20
# charset-normalizer's "chaos" (0 to 1) above which a guessed encoding is not trusted.
MAX_CHAOS = 0.2


@dataclass(frozen=True)
class ArticleFile:
    """An article file read into the body to store, and what is known about how it came."""

    text: str
    format: str = "text"  # text, markdown or html
    encoding: str = "utf-8"  # what the bytes were converted from
    raw_sha256: str = ""  # of the file as received, when the body is not its bytes (HTML)
    page: dict = field(default_factory=dict)  # a web page's own title, sitename, date, url


@dataclass(frozen=True)
class Source:
    """One file to import, or the reason a path named on the command line yields none."""

    path: Path
    error: ArticleTextError | None = None


def collect_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Files in argument order; a folder gives its own article files (FORMATS) by name, not
    nested ones."""
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() in FORMATS
                and not child.name.startswith(".")
                and child.is_file()
            )
            if not files:
                kinds = ", ".join(sorted(FORMATS))
                sources.append(Source(path, UnreadableFile(f"a folder with no {kinds} files")))
            sources.extend(Source(child) for child in files)
        elif path.exists():
            sources.append(Source(path))
        else:
            sources.append(Source(path, UnreadableFile("no such file or folder")))
    return sources


def read_article_file(path: Path) -> str:
    """The file's text as an article body; the size is checked before anything is read."""
    return load_article_file(path).text


def load_article_file(path: Path) -> ArticleFile:
    """The file as an article: a web page (by its suffix) or text; ArticleTextError if neither."""
    data = _read_bytes(path)
    if FORMATS.get(path.suffix.lower()) == "html":
        return read_page(data)
    article = decode_article_bytes(data)
    return ArticleFile(article.text, FORMATS.get(path.suffix.lower(), "text"), article.encoding)


def read_upload(name: str, data: bytes) -> ArticleFile:
    """An uploaded file (its name and bytes) as an article, like load_article_file."""
    kind = FORMATS.get(Path(name).suffix.lower())
    if kind == "html":
        return read_page(data)
    article = decode_article_bytes(data)
    return ArticleFile(article.text, kind or "text", article.encoding)


def _read_bytes(path: Path) -> bytes:
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
    return data


def decode_article(data: bytes) -> str:
    """Bytes as received to the body to store: UTF-8 without BOM, `\\n` newlines, else unchanged
    (text in another encoding is converted)."""
    return decode_article_bytes(data).text


def decode_article_bytes(data: bytes) -> ArticleFile:
    """Bytes to a body: UTF-8 as it is; another real text encoding converted (and named)."""
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    text, encoding = _decode(data)
    text = normalize_newlines(text)
    check_text(text)
    return ArticleFile(text, encoding=encoding)


def _decode(data: bytes) -> tuple[str, str]:
    data = data.removeprefix(_BOM)
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            invalid = f"byte 0x{data[exc.start]:02x} at offset {exc.start} is invalid"
    else:
        invalid = f"a NUL byte at offset {data.index(b'\x00')}"
    wide = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16/32 byte-order marks
    if not wide and b"\x00" in data:
        raise BinaryData("binary data (contains NUL bytes), not text")
    if not wide and _control_share(_CONTROL_BYTES, data) > CONTROL_SHARE_LIMIT:
        raise BinaryData("binary data (too many control characters), not text")
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None or guess.chaos >= MAX_CHAOS:
        if b"\x00" in data:
            raise BinaryData("binary data (contains NUL bytes), not text")
        if _control_share(_CONTROL_BYTES, data[2:]) > CONTROL_SHARE_LIMIT:
            raise BinaryData("binary data (too many control characters), not text")
        raise NotUtf8(f"not UTF-8 ({invalid}) and not recognisably any other text encoding")
    return str(guess), guess.encoding


def read_page(data: bytes) -> ArticleFile:
    """A saved web page: its main text (trafilatura) as the body, and its own metadata."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    html, encoding = _decode(data)
    text = trafilatura.extract(html, output_format="txt", favor_precision=True) or ""
    words = len(text.split())
    if words < MIN_PAGE_WORDS:
        raise NoArticleText(f"a web page with no article text (its main text has {words} words)")
    text = normalize_newlines(text)
    check_text(text)
    found = extract_metadata(html)
    page = {}
    if found is not None:
        for name in ("title", "sitename", "hostname", "date", "url", "author"):
            value = getattr(found, name, None)
            if value:
                page[name] = value
    raw_sha256 = hashlib.sha256(data).hexdigest()
    return ArticleFile(text, "html", encoding, raw_sha256, page)


def check_text(text: str) -> None:
    """Refuse text that could not be an article, whichever way it arrived."""
    if not text:
        raise EmptyText("empty")
    if not text.strip():
        raise EmptyText("empty (only whitespace)")
    if _control_share(_CONTROL_CHARS, text) > CONTROL_SHARE_LIMIT:
        raise BinaryData("binary data (too many control characters), not text")
    if (nul := text.find("\x00")) != -1:  # UTF-16 can encode one; PostgreSQL cannot store it
        raise BinaryData(f"binary data (a NUL character at offset {nul}), not text")


def title_from_text(text: str, skip: Iterable[tuple[int, int]] = ()) -> str:
    """The first non-empty line that starts outside the `skip` spans (boilerplate), trimmed: a
    stand-in until an editor sets the real title. With every line skipped, the first one."""
    skip = list(skip)
    start, first = 0, ""
    for line in text.split("\n"):
        if line.strip():
            first = first or line.strip()
            if not any(low <= start < high for low, high in skip):
                return line.strip()[:TITLE_MAX_LENGTH]
        start += len(line) + 1
    return first[:TITLE_MAX_LENGTH]


def _control_share(pattern: re.Pattern, data: str | bytes) -> float:
    return len(pattern.findall(data)) / len(data) if data else 0.0


def _too_large(size: int) -> TooLarge:
    return TooLarge(f"larger than 5 MB ({size:,} bytes)")
