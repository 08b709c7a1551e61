"""Walk: the article files under the paths a user named, and never a file outside them through a
symbolic link. Side effects: none (reads folder listings)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.load import SourceFile
from rag.ingest.readers import suffixes

LINK = "a symbolic link, not followed (pass --follow-symlinks to follow links that stay inside the folders named)"
def discover(paths: list[Path], follow_links: bool = False,
             others: Counter | None = None) -> tuple[list[SourceFile], list[tuple[Path, str]]]:
    """Files to ingest under `paths` (recursively), and the paths that cannot be used: named paths
    that do not exist, and symbolic links inside the folders (refused, or with `follow_links`
    refused when they lead outside every path named). A path named itself is used even when it is
    a link: the user chose it. `others` counts, by suffix, the files in the folders no reader takes."""
    found: list[SourceFile] = []
    named = [(given, given.expanduser().absolute()) for given in paths]
    walk = _Walk([path.resolve() for _, path in named if path.exists()], follow_links, others=others)
    for given, path in named:
        if path.is_dir():
            found.extend(SourceFile(f, path.resolve(), linked) for f, linked in walk.files(path.resolve()))
        elif path.is_file():
            found.append(SourceFile(path.resolve(), path.resolve().parent))
        else:
            walk.refused.append((given, "no such file or folder"))
    return _unique(found), walk.refused


@dataclass
class _Walk:
    """A walk of folders that reads nothing outside `inside` (the paths named, resolved)."""
    inside: list[Path]
    follow: bool
    refused: list[tuple[Path, str]] = field(default_factory=list)
    entered: set[Path] = field(default_factory=set)  # folders entered through a link, each once: a loop ends
    others: Counter | None = None  # suffix -> files of a type no reader takes

    def files(self, top: Path, linked: bool = False) -> list[tuple[Path, bool]]:
        out: list[tuple[Path, bool]] = []
        known = suffixes()
        # followlinks=False: a link to a folder is listed among the folders, never entered by os.walk
        for folder, dirs, names in os.walk(top, followlinks=False):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not self._link(here / d, out))
            for name in sorted(names):
                p = here / name
                if name.startswith(".") or self._link(p, out):
                    continue
                if p.suffix.lower() not in known:
                    if self.others is not None and p.is_file():
                        self.others[p.suffix.lower() or "(no suffix)"] += 1
                    continue
                if p.is_file():
                    out.append((p, linked))
        return out

    def _link(self, p: Path, out: list[tuple[Path, bool]]) -> bool:
        """Whether `p` is a symbolic link; if so it is followed into `out` or refused with its reason."""
        if not p.is_symlink():
            return False
        reason = self._refusal(p) if self.follow else LINK
        if reason:
            self.refused.append((p, reason))
        elif p.is_dir():
            self.entered.add(p.resolve())
            out.extend(self.files(p, linked=True))
        elif p.is_file():
            out.append((p, True))
        return True

    def _refusal(self, p: Path) -> str | None:
        target = p.resolve()
        if not target.exists():
            return "a broken symbolic link (its target does not exist)"
        root = next((r for r in self.inside if r == target or r in target.parents), None)
        if root is None:
            return f"a symbolic link to {target}, outside the folders named on the command line"
        if any(part.startswith(".") for part in target.relative_to(root).parts):
            return f"a symbolic link to {target}, a hidden file or folder (ingest skips those)"
        if target.is_dir() and (target in self.entered or target in (p.parent.resolve(), *p.parent.resolve().parents)):
            return "a symbolic link to a folder it is inside of, or one already walked (a loop)"
        return None


def _unique(files: list[SourceFile]) -> list[SourceFile]:
    seen: dict[Path, SourceFile] = {}
    for f in files:
        seen.setdefault(f.path, f)
    return list(seen.values())
