"""Details: the part of a shared-claim sentence that only its own source states.

Reads the shared claims of a story and the encoder; fills ``Claim.details``. Two sentences
can state the same claim while one adds something ("... with Turkey acting as mediator",
"... especially for its nuclear and ballistic missile programmes"). Without a translation
model we find those parts by occlusion: the sentence is cut at its commas, semicolons and
dashes (and before "and", "while", "but"... when both sides are long); each piece is
removed in turn and the rest re-embedded. A piece whose removal does not lower the
similarity to what the other sources say (within ``tolerance``), while removing another
piece lowers it clearly (by ``carried``), is a detail the others do not give.

Costs one encoder call for the whole story (one text per piece of each shared-claim sentence
that has two or more pieces); fails with ``EncoderError`` only when the model cannot run.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from crosswire.align import StoryAlignment
from crosswire.claims import Claim, Support
from crosswire.embed import Encoder

_BREAK = re.compile(r"(?<=[,;:،؛])\s+|(?<=[，；：])|\s+[—–]\s+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_MAX_PIECES = 6


def _size(text: str) -> int:
    """Words, counting two CJK characters as one word."""
    return len(_CJK.findall(text)) // 2 + len(_CJK.sub(" ", text).split())


# clause-joining words: a piece is also cut before one when both sides keep four words
_CONJUNCTION = re.compile(
    r"\s(?=(?:and|while|whereas|but|und|während|aber|sowie|et|mais|tandis|alors que|y|pero|"
    r"mientras|ve|ancak|ama|fakat|и|а|но|однако|而|但)\s)|(?<=[\u4e00-\u9fff])(?=[而但并])")


def split_pieces(text: str, min_words: int = 2) -> list[tuple[int, int]]:
    """Offsets of the pieces of a sentence: cut at commas, semicolons and dashes (short
    pieces join the next), and before a clause-joining word when both sides are long."""
    cuts = [0]
    for m in _BREAK.finditer(text):
        cuts.append(m.end())
    for m in _CONJUNCTION.finditer(text):
        before = max(c for c in cuts if c <= m.start())
        after = min([c for c in cuts if c > m.end()] + [len(text)])
        if _size(text[before:m.start()]) >= 4 and _size(text[m.end():after]) >= 4:
            cuts.append(m.end())
    cuts = sorted(set(cuts))
    cuts.append(len(text))
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        if pieces and _size(text[pieces[-1][0]:pieces[-1][1]]) < min_words:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    if len(pieces) > 1 and _size(text[pieces[-1][0]:pieces[-1][1]]) < min_words:
        last = pieces.pop()
        pieces[-1] = (pieces[-1][0], last[1])
    return pieces


_TRIM = " ,;:،؛，；—–"


def _without(text: str, piece: tuple[int, int]) -> str:
    return (text[:piece[0]] + text[piece[1]:]).strip(_TRIM)


def find_details(encoder: Encoder, alignment: StoryAlignment, claims: Sequence[Claim],
                 tolerance: float = 0.005, carried: float = 0.02, min_words: int = 4
                 ) -> None:
    """Attach to each shared claim the pieces of its sentences that only their source states."""
    jobs: list[tuple[Claim, int, Support, list[tuple[int, int]], np.ndarray]] = []
    texts: list[str] = []
    for claim in claims:
        if not claim.shared:
            continue
        # build_claims lists a claim's support in the order of its units
        for m, support in zip(claim.units, claim.support, strict=True):
            others = [o for o, s in zip(claim.units, claim.support, strict=True)
                      if s.source != support.source]
            pieces = split_pieces(support.text)
            if not others or not 2 <= len(pieces) <= _MAX_PIECES:
                continue
            target = alignment.vectors[others].mean(axis=0)
            target = target / (np.linalg.norm(target) or 1.0)
            jobs.append((claim, m, support, pieces, target))
            texts.extend(_without(support.text, p) for p in pieces)
    if not jobs:
        return
    vectors = encoder.encode_passages(texts)
    k = 0
    for claim, m, support, pieces, target in jobs:
        base = float(alignment.vectors[m] @ target)
        gains = [float(vectors[k + i] @ target) - base for i in range(len(pieces))]
        k += len(pieces)
        if min(gains) > -carried:
            continue  # no piece carries the match: nothing to tell apart
        for n, ((a, b), gain) in enumerate(zip(pieces, gains, strict=True)):
            piece = support.text[a:b]
            text = piece.strip(_TRIM)
            if n == 0 and _size(text) < 6:
                continue  # a lead-in ("Based on expert analysis,") is no detail
            if gain >= -tolerance and _size(text) >= min_words:
                start = support.start + a + len(piece) - len(piece.lstrip(_TRIM))
                claim.details.append(Support(support.article_id, support.sentence, start,
                                             start + len(text), support.language,
                                             support.source, text))
