"""Event coding: each sentence's actors, action, direction and marks.

Reads an article's clean text, sentences, language and actor mentions (from the actors
stage), plus sentence vectors from the encoder; writes ``CodedEvent``s (``Article.events``).
Pure apart from the encoder, which is cached by content hash. Cannot fail on odd text: a
sentence the coder does not understand simply yields no event.

Per sentence:

1. **Slots**: the actors named in it. A city stands for its country (marked as a place);
   "Russian President Vladimir Putin" is one slot (the person); regions are places.
2. **Candidates**: a sentence is coded only if it names two actors, or one actor and a
   strong cue word. Only candidates are sent to the encoder (``events_max_sentences`` per
   article at most).
3. **Type**: ``model.EventModel`` on the sentence vector and the cue features; NONE wins
   often, which is the point (most sentences that name two countries report no event).
4. **Roles** (``roles.py``) around the cue word of the chosen type; **mode** from the mode
   words nearest to it; **flags**: hedged (modal, future, conditional, intent, "reportedly",
   Turkish -abil-/-ecek, French/Spanish future and conditional endings, Arabic س), negated
   (a negation before the action word in its clause, Turkish -me-/-ma- on the verb),
   reported (attribution: "according to", "said", "göre", "по данным", "据").
5. A second event is kept when another type's cue sits in another clause with its own
   actors and the model gives it at least ``events_secondary_probability``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crosswire.actors.kb import KnowledgeBase
from crosswire.actors.text import fold
from crosswire.embed import Encoder
from crosswire.events.lexicon import CueHit, Lexicon, Word, load_lexicon, words_of
from crosswire.events.model import EventModel, cue_features
from crosswire.events.plover import LABELS, NONE
from crosswire.events.roles import Roles, Slot, assign_roles, clause_ids, mark_slots
from crosswire.models import Article, CodedEvent, Mention, Sentence

MAX_SENTENCE_CHARS = 1200
NONE_MARGIN = 0.1  # tuned on the dev set (detection F1 and the seeds)
SOURCELESS_MIN = 0.45  # an event with a target but no named actor needs this confidence
NEGATION_WINDOW = 5  # words before the action word (CJK: characters, doubled)
VERB_FIRST = frozenset({"ar"})
SUBJECT_ANYWHERE = frozenset({"tr", "az"})  # "Türkiye, ... destek verdi": comma after subject
RECEIVING_TYPES = frozenset({"AID", "SUPPORT"})  # "received aid from X": X gives
VERB_FINAL_NEGATION = frozenset({"de", "nl"})  # "hat keine Truppen ... geschickt"
NEGATION_AFTER = frozenset({"de", "fr", "nl"})  # "liefert keine", "n'enverra pas"
STEMMED_CASES = frozenset({"ru", "uk", "be", "bg", "sr", "de", "pl", "cs"})
_RU_INSTRUMENTAL = ("ей", "ой", "ом", "ем", "ами", "ями")
_SKIP_TYPES = frozenset({"facility"})
_RAISING = re.compile(r"\s+(?:to|zu|à|a|de)\s", re.IGNORECASE)
_PLACE_TYPES = frozenset({"city", "region"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence worth coding, with everything but its vector."""

    index: int
    start: int
    end: int
    text: str
    language: str | None
    words: list[Word]
    slots: list[Slot]
    hits: list[CueHit]
    clauses: list[int]


class EventCoder:
    """Codes sentences; see the module docstring. Holds read-only data only."""

    def __init__(self, kb: KnowledgeBase, model: EventModel, secondary: float = 0.2,
                 max_sentences: int = 40, use_encoder: bool = True,
                 none_margin: float = NONE_MARGIN, encoder_margin: float = 1.0) -> None:
        self.kb = kb
        self.model = model
        self.none_margin = none_margin
        self.secondary = secondary
        self.max_sentences = max_sentences
        self.use_encoder = use_encoder
        self.encoder_margin = encoder_margin

    # --- slots --------------------------------------------------------------------------
    def slots(self, text: str, start: int, end: int, mentions: Sequence[Mention],
              language: str | None, words: Sequence[Word]) -> list[Slot]:
        """The actors a sentence names, merged and marked (see ``roles.Slot``)."""
        raw: list[Slot] = []
        for m in mentions:
            if m.start < start or m.end > end:
                continue
            k = self.kb.get(m.actor_id)
            typ = k.type if k is not None else (m.actor_type or "unknown")
            if typ in _SKIP_TYPES:
                continue
            actor, place = m.actor_id, typ in _PLACE_TYPES
            if typ == "city" and k is not None and k.country:
                actor = k.country
            raw.append(Slot(actor=actor, start=m.start, end=m.end, w0=0, w1=0, place=place,
                            base=self._base_form(text, m, language),
                            capital=bool(k is not None and typ == "city" and k.metonym_of)))
        known = [s for s in raw if not s.actor.startswith("new:")]
        if len({s.actor for s in known}) >= 2:
            raw = known
        merged = self._merge(text, raw)
        for s in merged:
            s.w0 = next((i for i, w in enumerate(words) if w.end > s.start), len(words))
            s.w1 = max(s.w0 + 1, next((i for i in range(len(words) - 1, -1, -1)
                                       if words[i].start < s.end), s.w0) + 1)
        return merged

    def _base_form(self, text: str, m: Mention, language: str | None) -> bool:
        if language not in STEMMED_CASES:
            return True
        k = self.kb.get(m.actor_id)
        if k is None:
            return True
        surface = fold(text[m.start:m.end])
        return any(fold(n) == surface for names in k.names.values() for n in names)

    def _merge(self, text: str, slots: list[Slot]) -> list[Slot]:
        out: list[Slot] = []
        for s in slots:
            prev = out[-1] if out else None
            if prev is not None:
                gap = text[prev.end:s.start]
                close = len(gap) <= 40 and not any(c in ",.;:()" for c in gap) \
                    and len(gap.split()) <= 4
                k = self.kb.get(s.actor)
                owner = k.country if k is not None and k.type == "person" else None
                if close and owner == prev.actor and not prev.place:
                    out[-1] = Slot(actor=s.actor, start=prev.start, end=s.end, w0=0, w1=0,
                                   base=s.base)
                    continue
                if close and s.actor == prev.actor and len(gap.split()) <= 1:
                    prev.end = s.end
                    prev.place = prev.place and s.place
                    continue
            out.append(s)
        return out

    # --- candidates ---------------------------------------------------------------------
    def candidate(self, article_text: str, sentence: Sentence, mentions: Sequence[Mention],
                  language: str | None, force: bool = False) -> Candidate | None:
        """The sentence's slots and cues if it is worth coding, else None.

        With ``force`` the candidate is returned even when it would not be coded (training
        needs the features of every exemplar).
        """
        start, end = sentence.start, sentence.end
        if not force and (end - start > MAX_SENTENCE_CHARS or not any(
                start <= m.start < end for m in mentions)):
            return None
        text = article_text[start:end]
        words = words_of(text, start)
        lang = sentence.language or language
        lex = load_lexicon(lang)
        slots = self.slots(article_text, start, end, mentions, lang, words)
        actors = {s.actor for s in slots if not s.place}
        hits = _dedupe(lex.cue_hits(words, article_text)) if lex else []
        known = {a for a in actors if not a.startswith("new:")}
        if not force and (not known or (len(actors) < 2 and not any(
                h.weight >= 1.0 for h in hits))):
            return None  # a name the knowledge base lacks ("mer Caspienne") is not enough
        clauses = clause_ids(article_text, words, lex)
        for s in slots:
            s.clause = clauses[min(s.w0, len(clauses) - 1)] if clauses else 0
        mark_slots(article_text, words, slots, lex, lang)
        return Candidate(sentence.index, start, end, text, lang, words, slots, hits, clauses)

    # --- coding -------------------------------------------------------------------------
    @staticmethod
    def features(c: Candidate) -> np.ndarray:
        """The cue features of a candidate (the classifier adds the sentence vector)."""
        first = min((s.w0 for s in c.slots if not s.place), default=None)
        main = c.clauses[first] if first is not None and c.clauses else None
        in_main = [h for h in c.hits if main is not None and c.clauses[h.start] == main]
        return cue_features(c.hits, len({s.actor for s in c.slots if not s.place}), in_main)

    def code(self, c: Candidate, article_text: str, vector: np.ndarray | None
             ) -> list[CodedEvent]:
        """The events a candidate sentence reports (zero, one, sometimes two)."""
        probs = self.model.probabilities(vector, self.features(c))
        order = [int(k) for k in np.argsort(-probs)]
        if LABELS[order[0]] == NONE:
            # a close second with its own action word in the sentence still counts: long
            # analytical sentences look like "no event" to the vector
            runner = order[1]
            if not (probs[runner] >= probs[order[0]] - self.none_margin and any(
                    h.type == LABELS[runner] and h.weight >= 1.0 for h in c.hits)):
                return []
            order = [runner, *[k for k in order if k != runner]]
        best = LABELS[order[0]]
        lex = load_lexicon(c.language)
        first = self._event(c, article_text, lex, best, float(probs[order[0]]))
        if first is None:
            return []
        out = [first]
        first_clause = _clause_of_trigger(c, first)
        for k in order[1:]:
            t = LABELS[int(k)]
            p = float(probs[k])
            if t == NONE or p < self.secondary:
                continue
            clauses_with_actors = {s.clause for s in c.slots if not s.place}
            strong = [h for h in c.hits if h.type == t and h.weight >= 1.0
                      and c.clauses[h.start] != first_clause
                      and c.clauses[h.start] in clauses_with_actors]
            if not strong:
                continue
            ev = self._event(c, article_text, lex, t, p, strong[0])
            if ev is not None and (ev.sources, ev.targets) != (first.sources, first.targets) \
                    and (ev.sources or ev.targets):
                out.append(ev)
                break
        return out

    def _event(self, c: Candidate, article_text: str, lex: Lexicon | None, event_type: str,
               p: float, hit: CueHit | None = None) -> CodedEvent | None:
        if hit is None:
            mine = [h for h in c.hits if h.type == event_type]
            strong = [h for h in mine if h.weight >= 1.0]
            hit = strong[0] if strong else (mine[0] if mine else None)
        t0 = hit.start if hit else None
        t1 = hit.end if hit else None
        passive = self._passive(c, article_text, lex, t0, t1)
        receive = event_type in RECEIVING_TYPES and self._receive(c, lex, t0, t1)
        if passive and c.language == "ru":
            for s in c.slots:
                if not s.base and not s.marks and fold(article_text[s.start:s.end]).endswith(
                        _RU_INSTRUMENTAL):
                    s.marks.add("agent")
        roles: Roles = assign_roles(
            c.slots, event_type, t0, t1, passive, receive, verb_first=c.language in VERB_FIRST,
            subject_scope="sentence" if c.language in SUBJECT_ANYWHERE else "clause")
        places = {s.actor for s in c.slots if s.place} - {s.actor for s in c.slots
                                                           if not s.place}
        if not roles.sources and (not (passive or p >= SOURCELESS_MIN)
                                  or not set(roles.targets) - places):
            return None  # nobody acts: analysis prose ("cooperation with X is an option")
        trigger = (c.words[t0].start, c.words[t1 - 1].end) if hit and t0 is not None \
            and t1 is not None else None
        return CodedEvent(
            sentence=c.index, start=c.start, end=c.end, type=event_type,
            sources=roles.sources, targets=roles.targets, mutual=roles.mutual,
            mode=self._mode(c, lex, event_type, t0),
            hedged=self._hedged(c, lex, t0, t1, event_type),
            negated=self._negated(c, lex, t0, t1),
            reported=bool(lex and lex.has("reported", c.words, 0, len(c.words))),
            confidence=p, trigger=trigger)

    # --- voice, mode, flags -------------------------------------------------------------
    def _passive(self, c: Candidate, text: str, lex: Lexicon | None, t0: int | None,
                 t1: int | None) -> bool:
        if lex is None or t0 is None or t1 is None:
            return False
        lo = c.words[max(0, t0 - 2)].start
        hi = c.words[min(len(c.words), t1) - 1].end
        cl = c.clauses[t0]
        cl_lo = next(w.start for w, k in zip(c.words, c.clauses, strict=True) if k == cl)
        cl_hi = max(w.end for w, k in zip(c.words, c.clauses, strict=True) if k == cl)
        has_agent = any(s.marks & {"agent", "origin"} for s in c.slots)
        sentence = text[c.start:c.end]
        for rx in lex.passive:
            for m in rx.finditer(sentence):
                ms, me = m.start() + c.start, m.end() + c.start
                if _RAISING.match(sentence, m.end()):  # "is expected to travel"
                    continue
                if ms < hi and me > lo:
                    return True
                if ms < cl_hi and me > cl_lo and has_agent:
                    return True
        words = lex.roles.get("passive_words")
        if (words and any(s <= t0 for s, _, _ in words.find(c.words))) or (
                words and any("agent" in s.marks for s in c.slots)):
            return True
        if lex.passive_suffix:
            rest = _remainder(c, lex, t0, t1)
            return any(rx.search(rest) for rx in lex.passive_suffix)
        return False

    @staticmethod
    def _receive(c: Candidate, lex: Lexicon | None, t0: int | None, t1: int | None) -> bool:
        if lex is None or t0 is None or t1 is None:
            return False
        ps = lex.roles.get("receive")
        if not ps:
            return False
        in_slot = {k for s in c.slots for k in range(s.w0, s.w1)}
        cl = c.clauses[t0]
        return any((s < t1 or s < t1 + 4) and c.clauses[s] == cl and s not in in_slot
                   for s, _, _ in ps.find(c.words))

    @staticmethod
    def _mode(c: Candidate, lex: Lexicon | None, event_type: str, t0: int | None
              ) -> str | None:
        ps = lex.modes.get(event_type) if lex else None
        if not ps:
            return None
        found = ps.find(c.words)
        if not found:
            return None
        at = t0 if t0 is not None else 0
        cl = c.clauses[at] if c.clauses else 0
        _, _, mode = min(found, key=lambda f: (c.clauses[f[0]] != cl, abs(f[0] - at)))
        return str(mode)

    def _hedged(self, c: Candidate, lex: Lexicon | None, t0: int | None, t1: int | None,
                event_type: str = "") -> bool:
        if lex is None:
            return False
        if c.text.rstrip().endswith(("?", "？", "؟")):
            return True
        if t0 is None or t1 is None:
            return bool(lex.has("hedge", c.words, 0, len(c.words)))
        cl = c.clauses[t0]
        lo = next(i for i, k in enumerate(c.clauses) if k == cl)
        hi = max(i for i, k in enumerate(c.clauses) if k == cl) + 1
        in_slot = {k for s in c.slots for k in range(s.w0, s.w1)}
        scope_lo = lo
        if lo > 0 and lex.has("complementizer", c.words, lo - 1, lo + 1):
            # "experts fear that / se espera que / يرجح أن ...": the matrix clause counts
            scope_lo = next(i for i, k in enumerate(c.clauses) if k == c.clauses[lo - 1])
        found = [k for k in lex.has("hedge", c.words, scope_lo, hi) if k not in in_slot]
        if event_type == "THREATEN":  # "threatened to strike if the drills go on": a threat
            found = [k for k in found if k not in set(lex.has("conditional", c.words, 0,
                                                              len(c.words)))]
        if found:
            return True
        if any(c.words[k].future for k in range(t0, min(t1 + 2, len(c.words)))):
            return True
        rest = _remainder(c, lex, t0, t1)
        following = [c.words[k].folded for k in range(t1, min(t1 + 2, len(c.words)))
                     if k not in in_slot]
        if any(rx.search(rest) for rx in lex.regexes.get("hedge_suffix", [])):
            return True
        if any(rx.search(w) for rx in lex.regexes.get("hedge_word", []) for w in following):
            return True
        endings = lex.regexes.get("hedge_ending", [])
        if endings:  # future and conditional verbs: "enviará", "fournira" (accents kept)
            verbs = [c.words[k].text.lower() for k in range(lo, hi) if k not in in_slot]
            if any(rx.search(w) for rx in endings for w in verbs):
                return True
        return False

    def _negated(self, c: Candidate, lex: Lexicon | None, t0: int | None, t1: int | None
                 ) -> bool:
        if lex is None:
            return False
        if t0 is None or t1 is None:
            return False
        cl = c.clauses[t0]
        lo = next(i for i, k in enumerate(c.clauses) if k == cl)
        hi = max(i for i, k in enumerate(c.clauses) if k == cl) + 1
        window = NEGATION_WINDOW * (2 if lex.cjk else 1)
        before_lo = lo if c.language in VERB_FINAL_NEGATION else max(lo, t0 - window)
        after_hi = min(hi, t1 + 3) if c.language in NEGATION_AFTER else t1
        if lex.has("negation", c.words, before_lo, after_hi):
            return True
        rest = _remainder(c, lex, t0, t1)
        following = [c.words[k].folded for k in range(t1, min(t1 + 2, hi))]
        return any(rx.search(rest) for rx in lex.regexes.get("negation_suffix", [])) or any(
            rx.search(w) for rx in lex.regexes.get("negation_word", []) for w in following)

    # --- vectors ------------------------------------------------------------------------
    def needs_vector(self, c: Candidate) -> bool:
        """Whether the encoder could change this candidate's type: the cue words alone leave
        the top two types within ``encoder_margin``, or say NONE against a strong cue word.
        Clear cases are coded by their cue words and cost no encoder time."""
        if self.encoder_margin >= 1.0:
            return True
        probs = self.model.probabilities(None, self.features(c))
        first, second = (float(p) for p in np.sort(probs)[::-1][:2])
        if first - second < self.encoder_margin:
            return True
        return LABELS[int(np.argmax(probs))] == NONE and any(h.weight >= 1.0 for h in c.hits)

    def vectors(self, candidates: Sequence[Candidate], encoder: Encoder | None
                ) -> list[np.ndarray | None]:
        """Sentence vectors for the candidates that need one (``needs_vector``), one batch."""
        out: list[np.ndarray | None] = [None] * len(candidates)
        if encoder is None or not self.use_encoder:
            return out
        idx = [i for i, c in enumerate(candidates) if self.needs_vector(c)]
        if idx:
            for i, v in zip(idx, encoder.encode_passages([candidates[i].text for i in idx]),
                            strict=True):
                out[i] = v
        return out

    # --- articles -----------------------------------------------------------------------
    def code_articles(self, articles: Sequence[Article], encoder: Encoder | None) -> None:
        """Fill ``article.events`` for a batch, embedding every candidate sentence at once."""
        todo: list[tuple[Article, Candidate]] = []
        for a in articles:
            a.events = []
            found = [c for s in a.sentences
                     if (c := self.candidate(a.text, s, a.mentions, a.language)) is not None]
            found.sort(key=lambda c: (-len({s.actor for s in c.slots}), c.index))
            todo += [(a, c) for c in sorted(found[: self.max_sentences], key=lambda c: c.index)]
        vectors = self.vectors([c for _, c in todo], encoder)
        for (a, c), v in zip(todo, vectors, strict=True):
            a.events.extend(self.code(c, a.text, v))


def _dedupe(hits: list[CueHit]) -> list[CueHit]:
    seen: dict[tuple[str, int], CueHit] = {}
    for h in hits:
        k = (h.type, h.start)
        if k not in seen or h.weight > seen[k].weight or h.end > seen[k].end:
            seen[k] = h
    return sorted(seen.values(), key=lambda h: (h.start, h.type))


def _remainder(c: Candidate, lex: Lexicon, t0: int, t1: int) -> str:
    """What follows the cue stem inside the action word (Turkish suffixes: gönder|medi)."""
    word = c.words[t1 - 1].folded
    stems = lex.cues.stems_of(word) + [st for pair in lex.pairs
                                       for st in pair.first.stems_of(word)]
    best = max(stems, key=len, default="")
    return word[len(best):] if best else ""


def _clause_of_trigger(c: Candidate, ev: CodedEvent) -> int:
    if ev.trigger is None:
        return -1
    for w, k in zip(c.words, c.clauses, strict=True):
        if w.start == ev.trigger[0]:
            return k
    return -1

