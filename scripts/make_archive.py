"""Make an article collection (.jsonl) of a given size from real prose, for the scale benchmarks.

This machine holds about 18M words of real prose (scripts/make_corpus.py: Debian's documentation),
about 100k chunks. A million chunks needs ten times that, so each row here is made of 3 to 12 real
paragraphs drawn from different documents (seeded): every chunk is real text, no two rows are
copies of one another, and words, paragraph lengths and vocabulary are those of the real corpus.

    python scripts/make_corpus.py /tmp/bench/corpus-all
    python scripts/make_archive.py /tmp/bench/corpus-all /tmp/bench/archive-1m.jsonl --chunks 650000
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS_PER_CHUNK = 175  # a guess, and low: of these rows the static backend makes about 1.5 times as many chunks
# as words / 175 (its chunks are cut at 256 cl100k tokens), onnx-int8 about 2.1 times (also cut to the model's window)
OUTLETS = ["Northwire", "The Daily Ledger", "Harbor Times", "Capital Post", "Valley Courier", "Metro Herald"]


def paragraphs(corpus: Path) -> list[str]:
    out = []
    for path in sorted(corpus.glob("*.txt")):
        out += [p.strip() for p in path.read_text(errors="replace").split("\n\n") if len(p.split()) >= 8]
    return out


def rows(paras: list[str], chunks: int, seed: int = 7):
    rng = random.Random(seed)
    words = 0
    n = 0
    while words < chunks * WORDS_PER_CHUNK:
        picked = [paras[rng.randrange(len(paras))] for _ in range(rng.randint(3, 12))]
        text = "\n\n".join(picked)
        n += 1
        words += len(text.split())
        yield {"id": f"r{n:07d}", "title": " ".join(picked[0].split()[:10]),
               "date": f"{rng.randint(2001, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "outlet": OUTLETS[n % len(OUTLETS)], "text": text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder of .txt files (scripts/make_corpus.py)")
    ap.add_argument("out", type=Path)
    ap.add_argument("--chunks", type=int, default=1_000_000, help="words / 175 (see WORDS_PER_CHUNK)")
    ap.add_argument("--seed", type=int, default=7, help="another seed, other rows")
    args = ap.parse_args()
    paras = paragraphs(args.corpus)
    with args.out.open("w") as fh:
        n = sum(fh.write(json.dumps(r) + "\n") > 0 for r in rows(paras, args.chunks, args.seed))
    print(f"{n:,} rows from {len(paras):,} real paragraphs in {args.out}")


if __name__ == "__main__":
    main()
