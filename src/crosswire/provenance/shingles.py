"""Shingles, MinHash signatures and LSH band keys: the cheap test for copies.

Reads an article's clean text; returns sets and integers, writes nothing. Text is folded
(NFKC, lower case, punctuation dropped, digits kept) and cut into tokens: words, or single
characters in scripts written without spaces (Chinese, Japanese, Thai). A shingle is
``SHINGLE`` consecutive tokens. MinHash (``rensa``, ``NUM_PERM`` permutations, fixed seed)
turns the shingle set into a signature whose rows agree with probability equal to the
Jaccard similarity of two sets; LSH cuts the signature into ``NUM_BANDS`` bands of
``NUM_PERM / NUM_BANDS`` rows and hashes each band to one 64-bit key. Two texts that share
any band key are candidates, and a candidate is a copy only after the exact Jaccard check.

With 32 bands of 4 rows, a pair with Jaccard 0.5 shares a band with probability 0.87, 0.6
with 0.99, 0.3 with 0.23 (1 - (1 - J^4)^32); the exact check removes the false candidates.
Never fails on odd text: an empty or one-word text has no shingles and no keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from rensa import RMinHash

SHINGLE = 4
NUM_PERM = 128
NUM_BANDS = 32
SEED = 20241016

_WORD = re.compile(r"\w+", re.UNICODE)
# scripts without spaces between words: every character is a token
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def tokens(text: str) -> list[str]:
    """Folded word tokens; characters of unspaced scripts are tokens of their own."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for m in _WORD.finditer(folded):
        word = m.group(0)
        if _UNSPACED.search(word):
            run = ""
            for ch in word:
                if _UNSPACED.match(ch):
                    if run:
                        out.append(run)
                        run = ""
                    out.append(ch)
                else:
                    run += ch
            if run:
                out.append(run)
        else:
            out.append(word)
    return out


def shingle_set(text: str, k: int = SHINGLE) -> set[str]:
    """The set of k-token shingles of a text (a short text gives one shingle, or none)."""
    toks = tokens(text)
    if len(toks) < k:
        return {" ".join(toks)} if len(toks) >= 2 else set()
    return {" ".join(toks[i:i + k]) for i in range(len(toks) - k + 1)}


def signature(shingles: Iterable[str]) -> list[int]:
    """MinHash signature of a shingle set (``NUM_PERM`` unsigned 32-bit values)."""
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(list(shingles))
    return [int(v) for v in m.digest()]


def band_keys(sig: list[int], bands: int = NUM_BANDS) -> list[int]:
    """One signed 64-bit key per band (band number mixed in, so bands never collide)."""
    rows = len(sig) // bands
    keys = []
    for b in range(bands):
        h = hashlib.blake2b(digest_size=8, person=b"cw-lsh")
        h.update(b.to_bytes(2, "little"))
        for v in sig[b * rows:(b + 1) * rows]:
            h.update(v.to_bytes(8, "little"))
        keys.append(int.from_bytes(h.digest(), "little", signed=True))
    return keys


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the larger one (an excerpt of a longer text)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
