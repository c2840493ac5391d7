"""``crosswire eval KIND GOLD.jsonl``: measure crosswire against labelled data."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from crosswire.cli.common import emit_json, get_app, handle_errors, json_option, out


def print_metrics(result: dict[str, Any]) -> None:
    t = Table(title=f"eval {result.get('kind', '')}: {result.get('gold', '')}", pad_edge=False)
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k, v in result.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            t.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    out.print(t)


@click.group(name="eval")
def eval_group() -> None:
    """Measure quality on labelled data (KIND GOLD.jsonl)."""


@eval_group.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.pass_context
@handle_errors
def clustering(ctx: click.Context, gold: str, as_json: bool) -> None:
    """Story clustering: B-cubed and pairwise precision/recall/F1.

    GOLD is JSONL with the ingest fields plus a gold `story` label on each line. The records
    are ingested into a temporary database; your --db is not touched.
    """
    from crosswire.evaluation.clustering import evaluate_clustering

    result = evaluate_clustering(gold, get_app(ctx).settings)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)
    for label, n in sorted(result["split_gold_stories"].items()):
        out.print(f"split: gold story {label!r} is in {n} predicted stories", markup=False)
    for sid, info in sorted(result["merged_predicted_stories"].items()):
        out.print(f"merged: story {sid} ({info['title']}) mixes {info['gold']}", markup=False)


@eval_group.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--errors", default=30, show_default=True,
              help="How many missed or wrong mentions to list.")
@json_option
@click.pass_context
@handle_errors
def entities(ctx: click.Context, gold: str, errors: int, as_json: bool) -> None:
    """Actor linking: precision/recall/F1 overall and per language.

    GOLD is JSONL with `language` and `text`, the gold mentions marked inline as
    [surface|actor-id] (`new` for names the knowledge base does not know).
    """
    from crosswire.evaluation.entities import evaluate_entities

    result = evaluate_entities(gold, get_app(ctx).settings, errors=errors)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)
    t = Table(title="per language", pad_edge=False)
    for col in ("language", "precision", "recall", "f1", "strict f1", "gold", "predicted"):
        t.add_column(col, justify="right")
    for lang, m in result["per_language"].items():
        t.add_row(lang, f"{m['precision']:.4f}", f"{m['recall']:.4f}", f"{m['f1']:.4f}",
                  f"{m['strict_f1']:.4f}", str(m["n_gold"]), str(m["n_predicted"]))
    out.print(t)
    for e in result["errors"]:
        if e["kind"] == "missed":
            out.print(f"missed {e['id']}: {e['text']!r} (gold {e['gold']})", markup=False)
        else:
            out.print(f"wrong  {e['id']}: {e['text']!r} -> {e['predicted']} "
                      f"(gold {e['gold']})", markup=False)


@eval_group.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--split", metavar="NAME", help="Only the cases of this split (e.g. dev, test).")
@click.option("--show-errors", is_flag=True, help="Also list the missed and wrong pairs.")
@json_option
@click.pass_context
@handle_errors
def alignment(ctx: click.Context, gold: str, split: str | None, show_errors: bool,
              as_json: bool) -> None:
    """Cross-lingual claim alignment: precision/recall/F1 over aligned sentence pairs.

    GOLD is JSONL, one case (a few articles as labelled sentences) a line; see
    docs/compare.md. Nothing is stored.
    """
    from crosswire.evaluation.alignment import evaluate_alignment

    app = get_app(ctx)
    result = evaluate_alignment(gold, app.encoder, app.brief_options().align, split)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)
    for name, row in result["by_language_pair"].items():
        out.print(f"{name}: F1 {row['f1']:.3f} over {row['gold']} gold pairs", markup=False)
    for r in result["rejected"]:
        out.print(f"rejected line {r['line']}: {r['reason']}", markup=False)
    if show_errors:
        for kind in ("missed", "wrong"):
            for e in result[kind]:
                out.print(f"{kind} ({e['case']}): {e['a']}  <->  {e['b']}", markup=False)


@eval_group.command(name="events")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--errors", default=30, show_default=True,
              help="How many wrong types, directions and flags to list.")
@json_option
@click.pass_context
@handle_errors
def eval_events(ctx: click.Context, gold: str, errors: int, as_json: bool) -> None:
    """Event coding: type macro-F1 and per-type F1, direction, hedge and negation accuracy.

    GOLD is JSONL with `language`, `text` and `events` (a list such as
    ["AID.military ru > kp hedged"]; [] for no event). The sentences are linked and coded
    with the same code the pipeline runs; no database is used.
    """
    from crosswire.evaluation.events import evaluate_events
    from crosswire.events.stage import coder_for

    app = get_app(ctx)
    coder = coder_for(app.settings)
    result = evaluate_events(gold, coder, coder.kb,
                             app.encoder if app.settings.events_encoder else None,
                             unknown=app.settings.actors_unknown, errors=errors)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)
    t = Table(title="per type", pad_edge=False)
    for col in ("type", "precision", "recall", "f1", "gold"):
        t.add_column(col, justify="right")
    for typ, m in result["per_type"].items():
        t.add_row(typ, f"{m['precision']:.4f}", f"{m['recall']:.4f}", f"{m['f1']:.4f}",
                  str(m["n_gold"]))
    out.print(t)
    t = Table(title="per language", pad_edge=False)
    for col in ("language", "macro f1", "sentences"):
        t.add_column(col, justify="right")
    for lang, m in result["per_language"].items():
        t.add_row(lang, f"{m['macro_f1']:.4f}", str(m["n_sentences"]))
    out.print(t)
    for e in result["errors"]:
        extra = ", ".join(f"{k} {v}" for k, v in e.items() if k not in ("id", "kind", "text"))
        out.print(f"{e['kind']} {e['id']}: {extra} | {e['text']}", markup=False)


@eval_group.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--split", metavar="NAME", help="Only the records of this split (e.g. dev, test).")
@click.option("--show-errors", is_flag=True, help="Also list the wrong and missed relations.")
@json_option
@click.pass_context
@handle_errors
def provenance(ctx: click.Context, gold: str, split: str | None, show_errors: bool,
               as_json: bool) -> None:
    """Copies, translations, rewrites, machine-written flags: precision and recall.

    GOLD is JSONL: ingest records with `id`, `case`, `relation` ({type, of} or null) and
    `machine_written`; see docs/provenance.md. Ingested into a temporary database.
    """
    from crosswire.evaluation.provenance import evaluate_provenance

    result = evaluate_provenance(gold, get_app(ctx).settings, split)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)
    if show_errors:
        for e in result["errors"]:
            out.print(json.dumps(e, ensure_ascii=False), markup=False)


@eval_group.command(name="search")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.pass_context
@handle_errors
def search_eval(ctx: click.Context, gold: str, as_json: bool) -> None:
    """Cross-lingual search: each title as a query, the same story's articles in other
    languages as the answers; recall@10, MRR and hit@10 by meaning, by words and both.

    GOLD is JSONL with the ingest fields plus a gold `story` label on each line (the format
    of `eval clustering`). The records are ingested into a temporary database.
    """
    from crosswire.evaluation.search import evaluate_search

    result = evaluate_search(gold, get_app(ctx).settings)
    if as_json:
        emit_json(result)
        return
    print_metrics(result)


def register(group: click.Group) -> None:
    group.add_command(eval_group)
