"""The `rag` program: the library's commands (rag.cli) plus the apps built on the library, `rag ui` (ui/)
and `rag eval` (eval/). They are put together here, above all three, so that rag/ imports none of its apps.

    python -m newsrag_cli ask "..."      # what the installed `rag` command runs
"""
from __future__ import annotations

import click

from eval.cli import eval_group
from rag.cli import cli

cli.add_command(eval_group, "eval")


@cli.command()
@click.option("--host", default=None, help="Default 127.0.0.1 (RAG_UI_HOST).")
@click.option("--port", default=None, type=int, help="Default 7860 (RAG_UI_PORT).")
def ui(host: str | None, port: int | None) -> None:
    """Start the web UI."""
    from rag.engine import Engine
    from ui.app import launch  # gradio: loaded only for this command

    launch(Engine(), host=host, port=port)


def main() -> None:
    cli(prog_name="rag")  # `python -m newsrag_cli` too calls itself what the user types


if __name__ == "__main__":
    main()
