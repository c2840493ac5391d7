"""Summary: a few sentences that say what the story is, taken from its articles.

Reads the claims of a story and their sentence vectors; returns ``SummaryItem`` records and
writes nothing. Extractive and multi-document: each claim is scored by how many independent
sources state it, how central it is to the story (mean similarity of its sentences to all
the story's sentences) and how early it comes in an article (news leads with what
matters); claims are picked best first, passing over a claim that states what a picked one
states (its sentences score like aligned sentences against the picked ones).
Each picked claim is shown by its sentence in the reader's language when it has one,
otherwise by its most representative sentence, tagged with that sentence's language; when
the story has an article in the reader's language, claims that can be shown in it come
first. The items come out in story order (the position of their sentence in its article).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from crosswire.align import StoryAlignment
from crosswire.claims import Claim, Support, representative


@dataclass(frozen=True, slots=True)
class SummaryItem:
    claim_id: str
    text: str
    language: str | None
    support: tuple[Support, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim_id, "text": self.text, "language": self.language,
                "support": [s.to_dict() for s in self.support]}


def summarize(claims: Sequence[Claim], alignment: StoryAlignment,
              reader_language: str | None = None, n: int = 5, redundant: float = 1.4
              ) -> list[SummaryItem]:
    """Up to ``n`` central, non-redundant claims of a story, in story order.

    A candidate is redundant when one of its sentences scores ``redundant`` or more (the
    calibrated score of ``align``) against a sentence of a claim already picked.
    """
    if not claims or n <= 0:
        return []
    sal = np.array([c.salience for c in claims])
    spread = float(sal.max() - sal.min()) or 1.0
    support = np.array([len(c.sources) for c in claims], dtype=np.float64)
    relevance = support / support.max() + (sal - sal.min()) / spread
    # news puts what matters first: a claim made in an article's lead counts for more
    relevance = relevance + 0.5 * np.array([
        max(1.0 / (1 + alignment.units[u].sentence) for u in c.units) for c in claims])
    if reader_language and any(u.language == reader_language for u in alignment.units):
        # an article in the reader's language exists: prefer what it can be read in
        relevance = relevance + 0.5 * np.array([
            any(alignment.units[u].language == reader_language for u in c.units)
            for c in claims])
    picked: list[int] = []
    for i in sorted(range(len(claims)), key=lambda k: (-relevance[k], claims[k].id)):
        if len(picked) >= n:
            break
        block = alignment.scores[np.ix_(claims[i].units,
                                        [u for j in picked for u in claims[j].units])]
        if block.size and np.nanmax(np.nan_to_num(block, nan=-np.inf)) >= redundant:
            continue
        picked.append(i)
    items = []
    for i in picked:
        c = claims[i]
        rep = alignment.units[representative(alignment, c.units, reader_language)]
        items.append((rep, SummaryItem(c.id, rep.text, rep.language, tuple(c.support))))
    order = {aid: k for k, aid in enumerate(dict.fromkeys(u.article_id for u in
                                                            alignment.units))}
    items.sort(key=lambda it: (it[0].sentence, order.get(it[0].article_id, 0)))
    return [item for _, item in items]
