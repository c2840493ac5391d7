"""``crosswire train stories``: fit the story model on your own labelled data."""

from __future__ import annotations

from pathlib import Path

import click

from crosswire.cli.common import emit_json, get_app, handle_errors, json_option, out


@click.group()
def train() -> None:
    """Fit models on labelled data."""


@train.command(name="stories")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the model (JSON); use it with the story_model setting.")
@click.option("--l2", default=1.0, show_default=True, help="L2 regularisation strength.")
@json_option
@click.pass_context
@handle_errors
def train_stories(ctx: click.Context, gold: tuple[str, ...], out_path: str, l2: float,
                  as_json: bool) -> None:
    """Train the story-join model on GOLD JSONL files (ingest fields + a `story` label).

    Then set `story_model = "FILE"` (crosswire.toml or CROSSWIRE_STORY_MODEL) and run
    `crosswire recluster`.
    """
    from crosswire.evaluation.train_stories import train_story_model

    app = get_app(ctx)
    model, stats = train_story_model(list(gold), app.settings, app.encoder, l2=l2)
    Path(out_path).write_text(model.to_json(), encoding="utf-8")
    if as_json:
        emit_json({**stats, "out": out_path})
        return
    out.print(f"{stats['examples']} examples ({stats['positives']} positive) from "
              f"{', '.join(stats['trained_on'])}; training accuracy {stats['training_accuracy']}")
    for name, w in stats["weights"].items():
        out.print(f"  {name:>8}: {w:+.4f}")
    out.print(f"  {'bias':>8}: {stats['bias']:+.4f}")
    out.print(f"model written to {out_path}")


@train.command(name="events")
@click.argument("exemplars", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the model (JSON); use it with the events_model setting.")
@click.option("--l2", default=3.0, show_default=True, help="L2 regularisation strength.")
@click.option("--vector-weight", default=0.1, show_default=True,
              help="How much the sentence vector counts beside the cue words.")
@click.option("--folds", default=5, show_default=True,
              help="Cross-validation folds for the reported macro-F1 (0: none).")
@json_option
@click.pass_context
@handle_errors
def train_events(ctx: click.Context, exemplars: tuple[str, ...], out_path: str, l2: float,
                 vector_weight: float, folds: int, as_json: bool) -> None:
    """Train the event-type classifier on EXEMPLARS JSONL files (`language`, `text`, `type`).

    Then set `events_model = "FILE"` and run `crosswire recode`.
    """
    from crosswire.events.stage import coder_for
    from crosswire.events.train import train_event_model

    app = get_app(ctx)
    coder = coder_for(app.settings)
    model, stats = train_event_model(list(exemplars), coder, coder.kb, app.encoder, l2=l2,
                                     folds=folds, vector_weight=vector_weight)
    Path(out_path).write_text(model.to_json(), encoding="utf-8")
    if as_json:
        emit_json({**stats, "out": out_path})
        return
    out.print(f"{stats['exemplars']} exemplars in {', '.join(stats['languages'])}")
    for k in ("cv_macro_f1", "cv_macro_f1_cues_only"):
        if k in stats:
            out.print(f"  {k}: {stats[k]}")
    out.print(f"model written to {out_path}")


def register(group: click.Group) -> None:
    group.add_command(train)
