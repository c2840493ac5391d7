"""Bytes to text, refusing what is not text.

Every input is hostile: binary files, wrong encodings and oversize documents are refused with
an ``InputError`` whose message names the reason (the caller adds the file name). UTF-8 is
required unless the document declares another charset (HTML ``<meta charset>``) or the user
passes ``--encoding``; a BOM selects UTF-8 or UTF-16.
"""

from __future__ import annotations

import codecs
import re

from crosswire.errors import InputError

_MAGIC = [
    (b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"\x7fELF", "a program"), (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"), (b"SQLite format 3", "a SQLite database"),
    (b"RIFF", "a RIFF media file"), (b"\x00\x00\x00", "binary data"),
]  # fmt: skip
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def check_size(n_bytes: int, limit: int, what: str = "file") -> None:
    if n_bytes > limit:
        raise InputError(
            f"{what} is {human_size(n_bytes)}, over the {human_size(limit)} limit "
            "(setting max_document_bytes)"
        )


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in its first 4 KB, if Python knows it."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _looks_binary(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary data"
    return None


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def decode_bytes(data: bytes, encoding: str | None = None, html: bool = False) -> str:
    """Decode ``data`` as text or raise ``InputError`` saying why it is not text."""
    if not data.strip():
        raise InputError("empty file (no text)")
    what = _looks_binary(data)
    if what:
        raise InputError(f"binary file, not text (looks like {what})")
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif encoding is None and html:
        encoding = declared_charset(data)
    enc = encoding or "utf-8"
    try:
        text = data.decode(enc)
    except LookupError as exc:
        raise InputError(f"unknown encoding {enc!r}") from exc
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        hint = ""
        guess = _guess(data) if enc == "utf-8" else None
        if guess and guess.replace("_", "-") not in ("utf-8", "ascii"):
            hint = f"; it looks like {guess}: convert it to UTF-8 or pass --encoding {guess}"
        elif enc == "utf-8":
            hint = "; convert it to UTF-8 or pass --encoding NAME"
        raise InputError(f"not valid {enc} (byte 0x{bad} at offset {exc.start}){hint}") from exc
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:20000]) // 20):
        raise InputError("binary file, not text (too many control characters)")
    return text


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _strict(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_web_bytes(data: bytes, declared: str | None = None, html: bool = False
                     ) -> tuple[str, str]:
    """Decode a fetched body whose declared charset may be wrong; returns (text, encoding).

    Order: a BOM; valid UTF-8 with non-ASCII bytes (servers that label UTF-8 pages Latin-1 are
    common, and other encodings almost never form valid multi-byte UTF-8 by accident); the
    Content-Type charset; the page's ``<meta charset>``; charset-normalizer's guess. Raises
    ``InputError`` for binary data or when nothing decodes it.
    """
    if not data.strip():
        raise InputError("empty response (no text)")
    what = _looks_binary(data)
    if what:
        raise InputError(f"binary response, not text (looks like {what})")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates: list[str | None] = []
    if not data.isascii():
        candidates.append("utf-8")
    candidates += [declared, declared_charset(data) if html else None, "utf-8"]
    for enc in candidates:
        text = _strict(data, enc)
        if text is not None:
            assert enc is not None
            return text, codecs.lookup(enc).name
    guess = _guess(data)
    text = _strict(data, guess)
    if text is None or guess is None:
        raise InputError(f"cannot decode the response: it is not valid {declared or 'UTF-8'} "
                         "and its encoding could not be recognised")
    return text, codecs.lookup(guess).name
