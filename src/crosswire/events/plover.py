"""The PLOVER event vocabulary as crosswire uses it: types, modes, and which types are mutual.

PLOVER (openeventdata/PLOVER) has 16 event types. crosswire codes each with an optional mode
(the means: troops or weapons for MOBILIZE, military or humanitarian for AID...). The modes
here are a small closed set so that reports in different languages agree on them.
"""

from __future__ import annotations

TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
NONE = "NONE"
LABELS: tuple[str, ...] = (NONE, *TYPES)

DEFINITIONS: dict[str, str] = {
    "AGREE": "agree to, accept or sign an agreement, treaty, ceasefire or proposal",
    "CONSULT": "meet, visit, host, hold talks, phone, negotiate",
    "SUPPORT": "express support, back, praise, endorse, recognise",
    "CONCEDE": "release prisoners, lift or ease restrictions, allow, hand back, apologise",
    "COOPERATE": "cooperate, hold joint exercises, share intelligence, coordinate, ally",
    "AID": "give, supply or sell weapons, money, loans, technology or humanitarian aid",
    "RETREAT": "withdraw or pull out forces, evacuate, leave",
    "REQUEST": "ask, urge, call on, demand, appeal",
    "ACCUSE": "accuse, blame, condemn, criticise, voice concern",
    "REJECT": "reject, refuse, dismiss, veto",
    "THREATEN": "threaten, warn of consequences, issue an ultimatum",
    "PROTEST": "demonstrate, rally, march, strike",
    "SANCTION": "impose sanctions, freeze assets, blacklist, expel diplomats, cut ties",
    "MOBILIZE": "deploy, station or mass troops, weapons or warships",
    "COERCE": "arrest, detain, seize, expel, ban, blockade",
    "ASSAULT": "attack, strike, shell, bomb, invade, kill",
}

MODES: dict[str, tuple[str, ...]] = {
    "AGREE": ("treaty", "ceasefire"),
    "CONSULT": ("visit", "meeting", "call"),
    "COOPERATE": ("military", "intelligence", "economic"),
    "AID": ("humanitarian", "technology", "military", "economic"),
    "MOBILIZE": ("naval", "weapons", "troops", "alert"),
    "ASSAULT": ("aerial", "artillery", "ground"),
    "COERCE": ("arrest", "seize", "expel", "ban"),
    "SANCTION": ("diplomatic", "economic"),
    "THREATEN": ("nuclear", "sanction", "military"),
    "PROTEST": ("demonstration", "strike"),
}

# "X and Y signed", "talks between X and Y", "X met with Y": one event, no direction
SYMMETRIC = frozenset({"AGREE", "CONSULT", "COOPERATE"})
# a place the action comes from is its target ("withdrew from Niger")
FROM_IS_TARGET = frozenset({"RETREAT"})
# the owner of troops or weapons named in the sentence acts ("North Korean troops")
FORCE_OWNER_ACTS = frozenset({"MOBILIZE", "RETREAT", "ASSAULT", "AID"})
# a place where it happens stands for the target ("deployed troops in Belarus")
LOCATION_IS_TARGET = frozenset({"MOBILIZE", "ASSAULT", "COERCE", "PROTEST", "CONSULT"})
