"""The tree shows the pipeline: imports point one way, and only rag/index touches chromadb."""

from __future__ import annotations

import ast
from pathlib import Path

RAG = Path(__file__).resolve().parents[2] / "rag"
# Each part of rag/ may import only the parts below it (its own modules freely).
LAYERS = [
    {"cli", "web"},
    {"eval"},
    {"service"},  # the façade, its asking options and plan, batch files, renderers
    {"answer", "retrieve", "ingest"},
    {"index", "embed"},
    {"records", "settings"},
    {"registry"},  # where answerers, readers and indexes plug in
    {"lexicon"},  # words, terms, numbers, dates, outlet names, sentences: read alike by every part above
    {"errors"},
]


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def imports() -> list[tuple[str, str, str]]:
    """(file, its part of rag, the rag module it imports), imports inside functions included."""
    out = []
    for path in RAG.rglob("*.py"):
        here = path.relative_to(RAG).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            out += [(str(path.relative_to(RAG)), here, n) for n in names]
    return out


def _level(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def test_every_import_points_down_the_pipeline():
    upward = [f"{file} imports {name}" for file, here, name in imports() if name.startswith("rag.")
              and _part(name) != here and _level(_part(name)) <= _level(here)
              and (here, _part(name)) != ("cli", "web")]  # `rag serve` opens the web chat
    assert upward == []


def test_no_module_imports_itself_in_a_circle():
    graph: dict[str, set[str]] = {}
    for file, _, name in imports():
        module = "rag." + file.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        if name.startswith("rag."):
            graph.setdefault(module, set()).add(name)
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and not seen.add(n) and reaches(n, goal, seen)) for n in graph.get(start, ()))
    assert [m for m in graph if reaches(m, m, set())] == []


def test_only_the_index_touches_chromadb():
    outside = [file for file, here, name in imports() if name.split(".")[0] == "chromadb" and here != "index"]
    assert outside == []


def test_every_module_is_under_300_lines():
    long = [str(p.relative_to(RAG)) for p in RAG.rglob("*.py") if len(p.read_text().splitlines()) > 300]
    assert long == []


def test_at_most_four_modules_at_the_top_and_rag_imports_at_the_top_of_modules():
    top = sorted(p.name for p in RAG.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 4, top
    inside = []  # an import of a rag module inside a function hides a dependency from this file's checks
    for path in RAG.rglob("*.py"):
        if path.relative_to(RAG).parts[0] == "cli":  # commands import on demand: `rag --help` stays fast
            continue
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inside += [f"{path.relative_to(RAG)}:{n.lineno}" for n in ast.walk(fn)
                           if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("rag")]
    assert inside == []
