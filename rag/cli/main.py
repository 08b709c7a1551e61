"""The `rag` command line: ingest, ask, chat, batch, stats, articles, show, plugins, doctor, serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rag.answer.answerers import ANSWERERS
from rag.cli.common import ConfigOpt, _progress, _rag, echo, echo_json, friendly, say, show_error
from rag.cli.corpus import articles, show
from rag.cli.eval import eval_app
from rag.cli.ingest import ingest
from rag.cli.plugins import plugins
from rag.cli.timeline import timeline
from rag.errors import RagError
from rag.records import AskOptions, Filters, answer_record
from rag.service.render import answer_text
from rag.settings import load_settings

app = typer.Typer(
    help="Ask a pile of news articles questions and get answers you can check.\n\n"
    "Start with `rag ingest corpus/`, then `rag ask \"How many troops ...?\"`.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print the log of the libraries "
                                                "underneath (llama.cpp, Chroma, HTTP) to stderr.")] = False) -> None:
    if verbose:
        import logging
        import sys

        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s")


app.command()(ingest)  # first in --help: where everything starts


def _options(top_k: int | None, source: list[str] | None = None, publisher: list[str] | None = None,
             since: str | None = None, until: str | None = None) -> AskOptions:
    return AskOptions(top_k=top_k, filters=Filters(tuple(source or ()), tuple(publisher or ()), since, until))


SourceOpt = Annotated[Optional[list[str]], typer.Option("--source", metavar="FILE", help="Only this article file (repeatable).")]
PublisherOpt = Annotated[Optional[list[str]], typer.Option("--publisher", metavar="OUTLET", help="Only this outlet (repeatable): any spelling, a short name (AP) or its first words (Yonhap).")]
SinceOpt = Annotated[Optional[str], typer.Option(metavar="DATE", help="Only articles dated on or after YYYY[-MM[-DD]].")]
UntilOpt = Annotated[Optional[str], typer.Option(metavar="DATE", help="Only articles dated on or before YYYY[-MM[-DD]].")]
LlmOpt = Annotated[Optional[str], typer.Option(
    "--llm", metavar="ANSWERER", help="Answerer, one of: " + "; ".join(f"{k.name}: {k.summary}" for k in ANSWERERS.entries().values())
    + ". `rag plugins` lists them with the package that adds each.")]
TopKOpt = Annotated[Optional[int], typer.Option("--top-k", metavar="N", min=1, max=100, help="Chunks to retrieve (default: setting top_k).")]


@app.command()
@friendly
def ask(
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON record instead of text.")] = False,
    top_k: TopKOpt = None, source: SourceOpt = None, publisher: PublisherOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, llm: LlmOpt = None, config: ConfigOpt = None,
) -> None:
    """Answer one question with numbered citations, or say the articles do not answer it.

    Example: rag ask "How many Russian troops are in Tajikistan?" --since 2015 --publisher TASS"""
    rag = _rag(config, llm=llm)
    options = _options(top_k, source, publisher, since, until)
    if as_json:
        echo_json(answer_record(rag.ask(question, options)))
        return
    plan = rag.plan(options)
    streams = plan.answerer.streams
    for event in rag.stream(question, plan):
        if isinstance(event, str) and streams:
            echo(event, nl=False)  # generated text streams as it is written, and is not printed again
        elif not isinstance(event, str):
            echo(("\n" + answer_text(event, streamed=True)) if streams else answer_text(event))


@app.command()
@friendly
def chat(top_k: TopKOpt = None, llm: LlmOpt = None, config: ConfigOpt = None) -> None:
    """Ask questions one after another in the terminal, with follow-ups.

    Follow-ups ("and how many are there?") are rewritten into standalone questions, shown before the answer.

    Type /sources for the quotes behind the last answer, /clear to start over, /quit or Ctrl-D to leave. Example: rag chat --top-k 8"""
    rag = _rag(config, llm=llm)
    chat_ = rag.conversation(_options(top_k))
    say("", CHAT_HELP)
    while (question := _read("you> ")) not in (None, "/quit"):
        if question == "/clear":
            chat_ = rag.conversation(_options(top_k))
            echo("(conversation cleared)")
        elif question == "/sources":
            last = chat_.turns[-1] if chat_.turns else None
            echo(answer_text(last, streamed=True) if last and last.citations else "(no sources yet)")
        elif question.startswith("/"):
            echo(f"(unknown command {question}; {CHAT_HELP})")
        elif question:
            _chat_turn(chat_, question)


CHAT_HELP = "Ask about the articles. /sources: quotes behind the last answer · /clear: start over · /quit or Ctrl-D: leave"


def _read(prompt: str) -> str | None:
    try:
        return input(prompt).strip()
    except EOFError:
        return None


def _chat_turn(chat_, question: str) -> None:
    try:
        answer = chat_.send(question)
    except RagError as exc:
        show_error(exc)
        return
    if answer.rewritten:
        echo(f"(asked as: {answer.rewritten})")
    echo(answer_text(answer, quotes=False) + "\n")


@app.command()
@friendly
def batch(
    questions: Annotated[Path, typer.Argument(metavar="FILE", help=".jsonl (field question, optional id), .csv (column question) or .txt (one a line).")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="Answers file (JSONL); existing ids are skipped, so reruns resume.")],
    shard_spec: Annotated[Optional[str], typer.Option("--shard", metavar="K/N", help="Answer only every N-th question starting at the K-th: run N processes (or machines on one Chroma server) with 1/N … N/N and their own -o, then concatenate.")] = None,
    top_k: TopKOpt = None, llm: LlmOpt = None, config: ConfigOpt = None,
) -> None:
    """Answer a file of questions, one JSON line per answer (reruns resume).

    Example: rag batch questions.csv -o answers.jsonl"""
    from rag.service.batch import read_questions, run_batch, shard

    rag = _rag(config, llm=llm)
    rows, problems = read_questions(questions)
    rows = shard(rows, shard_spec)
    with _progress() as bar:
        task = bar.add_task("answering", total=None, item="")
        # the bar counts the questions this run asks, as the summary does; a resumed run adds how
        # many it skips (counting those as done once read 9/9 beside "0 answered, 9 already in")
        resumed = lambda n: bar.update(  # noqa: E731
            task, total=n, item=f"({len(rows) - n} already answered)" if n < len(rows) else "")
        report = run_batch(rows, output, lambda q, qid: rag.ask(q, _options(top_k), qid=qid),
                           progress=lambda: bar.update(task, advance=1), problems=problems, on_start=resumed)
    for problem in report.problems:
        say("[yellow]skipped:[/yellow] ", problem)
    echo(report.summary(str(output)))


@app.command()
@friendly
def stats(as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON.")] = False, config: ConfigOpt = None) -> None:
    """What the index holds and the settings it was built with.

    Example: rag stats --json"""
    info = _rag(config).stats()
    if as_json:
        echo_json(info)
        return
    for key, value in info.items():
        echo(f"{key:22} {value}")


app.command()(articles)
app.command()(timeline)
app.command()(show)
app.command()(plugins)


@app.command()
@friendly
def doctor(
    repair: Annotated[bool, typer.Option(metavar="", help="Fix what was found: resume an interrupted ingest, remove strays, "
                                         "or move a damaged or outdated index aside and rebuild it from its files.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Check the index for damage, and repair it with --repair.

    Checks the database file, vector files, format and settings, interrupted ingests, chunks without articles and the keyword index. Exit status 1 when something is wrong.

    Example: rag doctor --repair"""
    rag = _rag(config)
    findings = rag.diagnose()
    for f in findings:
        echo(f"{'ok' if f.ok else 'PROBLEM':8}{f.check}: {f.detail}" + ("" if f.ok else f"\n        fix: {f.fix}"))
    if repair and not all(f.ok for f in findings):
        for line in rag.repair(findings):
            echo(f"repair: {line}")
        findings = rag.diagnose()
        echo("after repair: " + ("all checks pass" if all(f.ok for f in findings) else
                                 "; ".join(f"{f.check}: {f.detail}" for f in findings if not f.ok)))
    if not all(f.ok for f in findings):
        raise typer.Exit(1)


@app.command()
@friendly
def serve(
    host: Annotated[Optional[str], typer.Option(metavar="HOST", help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(metavar="N", help="Port (default 7860).")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="No upload, delete or re-index, in the page or "
                                            "its API: the mode for a shared deployment.")] = False,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Serve a non-loopback --host without a login "
                                          "(refused otherwise; set RAG_WEB_PASSWORD_FILE instead).")] = False,
    config: ConfigOpt = None,
) -> None:
    """Open the web chat (http://127.0.0.1:7860 by default).

    On another --host, a login password is required: RAG_WEB_PASSWORD_FILE (or RAG_WEB_PASSWORD), never a flag, so that it stays out of the shell history and the process list.

    Example: rag serve --host 0.0.0.0 --read-only"""
    from rag.web.app import launch

    launch(load_settings(config, host=host, port=port, read_only=read_only or None, no_auth=no_auth or None))


app.add_typer(eval_app, name="eval")
