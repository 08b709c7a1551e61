"""Embed dumped chunk texts on another machine (a GPU, say) for the large benchmark sizes.

    python scripts/bench_children.py dump-chunks CORPUS chunks.jsonl 100000   # here
    python scripts/embed_elsewhere.py MODEL_DIR chunks.jsonl OUT_DIR [START STOP]   # there
    python scripts/bench_scale.py --sizes 1000,10000,100000 --vectors OUT_DIR/a.npz,OUT_DIR/b.npz

Needs only sentence-transformers. The vectors are the model's own (fp16 on disk); the benchmark
uses them for chunks whose text hash they hold and embeds anything else itself. Nothing in the
product depends on this: it saves an hour of CPU when building a 100k-chunk index on 2 cores.
"""

from __future__ import annotations

import json
import lzma
import sys
import time
from pathlib import Path

import numpy as np


def main(model_dir: str, chunks: str, out: str, start: int = 0, stop: int | None = None, per_file: int = 20000) -> None:
    """Embed rows [start, stop) of `chunks` into OUT/vectors-<row>.npz, `per_file` rows a file."""
    import torch
    from sentence_transformers import SentenceTransformer

    opener = lzma.open if chunks.endswith(".xz") else open
    with opener(chunks, "rt") as fh:
        rows = [json.loads(line) for line in fh][start:stop]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = SentenceTransformer(model_dir, device=device)
    started = time.time()
    vectors = model.encode([r["text"] for r in rows], batch_size=256, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
    print(f"{len(rows)} chunks on {device} in {time.time() - started:.1f} s", file=sys.stderr)
    Path(out).mkdir(parents=True, exist_ok=True)
    for i in range(0, len(rows), per_file):
        np.savez(Path(out) / f"vectors-{start + i:07d}.npz", keys=np.array([r["key"] for r in rows[i:i + per_file]]),
                 vectors=vectors[i:i + per_file].astype(np.float16))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], args[2], *(int(a) for a in args[3:5]))
