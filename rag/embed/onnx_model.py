"""Embed with ONNX Runtime: the same sentence-transformers model, exported once, fp32 or int8.

Why not sentence-transformers' own ONNX backend: it needs `optimum`, whose ONNX exporter pins
transformers below the version sentence-transformers 6 needs. The export here is torch's own and
the int8 variant is onnxruntime's dynamic quantization (per channel, reduced range: without them
cosine to the torch vectors fell to 0.75 on this AVX2 CPU; with them it stays above 0.99).
At query time neither torch nor sentence-transformers is imported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.embed.base import CachedEmbedder, resolve_model_path
from rag.embed.sentence_transformer import _load  # torch itself loads only for the one-time export
from rag.errors import ConfigError

_lock = threading.Lock()


def _model_config(model_dir: Path) -> dict:
    """Sequence limit, pooling and normalisation, as the sentence-transformers folder declares them."""
    def read(rel: str) -> dict:
        f = model_dir / rel
        return json.loads(f.read_text()) if f.is_file() else {}

    modules = read("modules.json") or []
    pooling = read("1_Pooling/config.json")
    if not (model_dir / "tokenizer.json").is_file():
        raise ConfigError(f"embedding_model {str(model_dir)!r}: no tokenizer.json, which the onnx backends need; "
                          "set embedding_backend=torch")
    if pooling and not (pooling.get("pooling_mode_mean_tokens") or pooling.get("pooling_mode_cls_token")):
        raise ConfigError(f"embedding_model {str(model_dir)!r}: only mean or CLS pooling run on onnx; "
                          "set embedding_backend=torch")
    return {
        "max_tokens": int(read("sentence_bert_config.json").get("max_seq_length", 512)),
        "cls": bool(pooling.get("pooling_mode_cls_token")) and not pooling.get("pooling_mode_mean_tokens"),
        "normalize": any(m.get("type", "").endswith("Normalize") for m in modules),
        "dimensions": int(pooling.get("word_embedding_dimension", 0)),
    }


def export_dir(model_dir: Path, cache_dir: Path) -> Path:
    """Where the exports of this model live: keyed by the model's path and weights' size and time."""
    weights = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    stamp = "|".join(f"{w.resolve()}:{w.stat().st_size}:{int(w.stat().st_mtime)}" for w in weights)
    return cache_dir / f"{model_dir.name}-{hashlib.sha256(stamp.encode()).hexdigest()[:12]}"


def export(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """The ONNX file for this model (exported and, for int8, quantized on first use)."""
    dest = export_dir(model_dir, cache_dir)
    fp32, int8 = dest / "model.onnx", dest / "model_int8.onnx"
    with _lock:
        try:
            if not fp32.is_file():
                _export_fp32(model_dir, fp32)
            if quantized and not int8.is_file():
                _quantize(fp32, int8)
        except OSError as exc:
            raise ConfigError(f"model_cache {cache_dir}: cannot write the ONNX model there ({exc.strerror or exc}); "
                              "set it to a writable folder, or embedding_backend=torch") from None
    return int8 if quantized else fp32


def _export_fp32(model_dir: Path, target: Path) -> None:
    import torch

    bert = _load(str(model_dir))[0].auto_model.eval()

    class Encoder(torch.nn.Module):  # positional inputs, one named output: what ONNX export wants
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.onnx's deprecation notices: nothing a user of ours can act on
        torch.onnx.export(Encoder(bert), sample, str(tmp), input_names=names, output_names=["hidden"],
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]},
                          opset_version=17, dynamo=False)
    tmp.replace(target)  # another process sees the whole file or none


def _quantize(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    quiet = logging.getLogger()  # onnxruntime advises "pre-processing before quantization" on the root logger
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
    finally:
        quiet.setLevel(level)
    tmp.replace(target)


@lru_cache(maxsize=4)
def _session(path: str, threads: int = 0):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: one per core
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=4)
def _pool(lanes: int) -> ThreadPoolExecutor:
    """The threads that embed on `lanes` cores, started once per process (an answer embeds its
    candidate sentences through them: starting threads per question is work on the hot path)."""
    return ThreadPoolExecutor(lanes, thread_name_prefix="embed")


@lru_cache(maxsize=4)
def _tokenizer(path: str, max_tokens: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    tok.enable_truncation(max_tokens)
    tok.enable_padding()
    return tok


class OnnxEmbedder(CachedEmbedder):
    """Same vectors as sentence-transformers (fp32: cosine 1.0; int8: >0.99), faster on CPU.
    Cheap to construct; the export (first time only) and the session load on first use."""

    def __init__(self, name: str, batch_size: int = 64, quantized: bool = True, cache_dir: Path = Path("."),
                 threads: int = 0) -> None:
        self.name, self.batch_size, self.quantized, self.threads = name, batch_size, quantized, threads
        self.backend = "onnx-int8" if quantized else "onnx"
        self._path = resolve_model_path(name)
        self._cache_dir = cache_dir
        self._key = (self._path, self.backend)
        self._config: dict | None = None
        self._onnx: str | None = None  # the exported file, found once: not globbed and hashed per batch

    @property
    def config(self) -> dict:
        if self._config is None:
            self._config = _model_config(self._path)
        return self._config

    @property
    def session(self):
        return _session(self._exported(), self.threads)

    def _exported(self) -> str:
        if self._onnx is None:
            self._onnx = str(export(self._path, self._cache_dir, self.quantized))
        return self._onnx

    @property
    def tokenizer(self):
        return _tokenizer(str(self._path / "tokenizer.json"), self.max_tokens)

    @property
    def dimensions(self) -> int:
        return self.config["dimensions"] or int(self.session.get_outputs()[0].shape[-1])

    @property
    def max_tokens(self) -> int:
        return self.config["max_tokens"]

    def fits(self, text: str) -> bool:
        """Does `text` fit the model's window (special tokens included) without truncation?"""
        enc = self.tokenizer.encode(text)
        return not enc.overflowing and len(enc.ids) <= self.max_tokens

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors straight from the model (no cache); batches of similar length waste no padding."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        # int8 quantizes each batch's activations with one scale, so a text's vector depended on its
        # batch-mates (cosine 0.979 with itself alone), and answers on what was asked before: one at
        # a time, a text always gets the same vector (416 sentences/s against 499 batched; chunks faster).
        step = 1 if self.quantized else self.batch_size
        units = [order[start:start + step] for start in range(0, len(texts), step)]
        if min(self.lanes, len(units)) < 2:
            for picked in units:
                out[picked] = self._batch([texts[i] for i in picked], self.session)
            return out
        # Many texts: one at a time on each core, each on a one-thread session, rather than one text
        # spread over every core: 118 chunks/s against 77 on 2 cores, the same vectors bit for bit.
        one = _session(self._exported(), 1)
        for picked, vecs in zip(units, _pool(self.lanes).map(lambda p: self._batch([texts[i] for i in p], one), units)):
            out[picked] = vecs
        return out

    @property
    def lanes(self) -> int:
        """Cores to embed on: the setting, or all this process may use."""
        return self.threads or len(os.sched_getaffinity(0))

    def _batch(self, texts: list[str], session) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        if self.config["cls"]:
            vecs = hidden[:, 0]
        else:
            vecs = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        if self.config["normalize"]:
            vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.astype(np.float32)
