"""all-MiniLM-L6-v2 as an ONNX graph run by ONNX Runtime: sentence-transformers' vectors without torch.

The graph is exported once from the packaged weights (torch.onnx.export of the transformer; pooling and
normalisation stay in numpy) into <model_dir>/minilm-onnx-<key>/, where the key hashes the export recipe
and the weights: a changed model re-exports. The export is written to a temporary folder and renamed into
place only after its vectors matched torch's on probe texts, so a crash never leaves a usable half-export.

    python -m rag.onnx_model      # export now (`make model` does); otherwise the first Embedder does it
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import warnings
from pathlib import Path

import numpy as np

from .encoders import DIMENSIONS, MAX_MODEL_TOKENS, Encoder, load_tokenizer, model_path
from .errors import ModelError

# Bump when the export changes (opset, inputs, anything that changes the graph): every cache re-exports.
RECIPE = "minilm-onnx/1 opset17 eager-attention fp32"
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
WEIGHT_FILES = ("config.json", "model.safetensors")
# ONNX and torch sum in different orders: measured 2e-7 apart (float32 rounding). An export further than
# this from torch is wrong, not rounding, and is not trusted.
EXPORT_TOLERANCE = 1e-4
PROBES = (
    "Norland built the tidal power station on Vesteria's northern coast.",
    "Short one.",
    "A text longer than the model's window, so truncation is exercised too. " * 30,
)
_STALE_TEMP_S = 3600  # a temp folder this old, or whose writer is dead, is a crash leftover


def model_key() -> str:
    """sha256 of the recipe and of the exported weights' contents (16 hex digits)."""
    h = hashlib.sha256(RECIPE.encode())
    for name in WEIGHT_FILES:
        h.update(b"\0" + name.encode() + b"\0")
        with open(model_path() / name, "rb") as f:
            while block := f.read(1 << 22):
                h.update(block)
    return h.hexdigest()[:16]


def export_dir(model_dir: Path) -> Path:
    return Path(model_dir) / f"minilm-onnx-{model_key()}"


def ensure_onnx_model(model_dir: Path) -> Path:
    """The exported model.onnx for the installed weights, exporting it first if needed."""
    target = export_dir(model_dir)
    if _complete(target):
        return target / "model.onnx"
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target.parent)
    if target.exists():  # incomplete or damaged (e.g. truncated on a full disk): replace it
        shutil.rmtree(target, ignore_errors=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        _export(tmp, target.name)
        try:
            tmp.rename(target)
        except OSError:
            if not _complete(target):  # else another process finished the same export first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target / "model.onnx"


def _complete(folder: Path) -> bool:
    """An export folder whose meta.json names this folder's key and model.onnx's exact size."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return meta["key"] == folder.name.removeprefix("minilm-onnx-") and \
            (folder / "model.onnx").stat().st_size == meta["size"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _remove_stale_temps(parent: Path) -> None:
    for tmp in parent.glob(".minilm-onnx-*.tmp"):
        try:
            pid = int(tmp.suffixes[-2].lstrip("."))
            os.kill(pid, 0)
            alive = True
        except (ValueError, IndexError, ProcessLookupError):
            alive = False
        except PermissionError:
            alive = True
        try:
            old = time.time() - tmp.stat().st_mtime > _STALE_TEMP_S
        except OSError:
            continue
        if not alive or old:
            shutil.rmtree(tmp, ignore_errors=True)


def _export(folder: Path, name: str) -> None:
    """Write folder/model.onnx and folder/meta.json; ModelError if the graph does not give torch's vectors."""
    import onnx  # imported first: without it torch.onnx.export fails only after tracing
    import torch
    from transformers import AutoModel

    class Transformer(torch.nn.Module):
        """The encoder's last hidden state: what sentence-transformers mean-pools."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # Eager attention traces to plain MatMul/Softmax ops: the simplest graph, as fast as sdpa's (measured).
    model = AutoModel.from_pretrained(str(model_path()), attn_implementation="eager").eval()
    sample = _features(load_encoding_tokenizer(), ["a short text", "and a somewhat longer second text"])
    path = folder / "model.onnx"
    # The tracer's warnings (legacy exporter, shapes taken as constants) are about graphs in general; this
    # one is checked against torch below, on texts of several lengths.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Transformer(model), tuple(torch.from_numpy(sample[k]) for k in INPUTS), str(path),
                          input_names=list(INPUTS), output_names=["last_hidden_state"], opset_version=OPSET,
                          dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*INPUTS, "last_hidden_state")},
                          dynamo=False)
    graph = onnx.load(str(path))
    onnx.checker.check_model(graph)
    # What the file was made from travels with it (ONNX Runtime shows it as the model's custom metadata).
    for key, value in {"rag_key": name, "rag_recipe": RECIPE, "torch": torch.__version__}.items():
        graph.metadata_props.add(key=key, value=value)
    onnx.save(graph, str(path))
    diff = _max_difference(path, PROBES)
    if not diff <= EXPORT_TOLERANCE:
        raise ModelError(f"the ONNX export differs from torch by {diff:.1e} (> {EXPORT_TOLERANCE:g}); not used")
    meta = {"key": name.removeprefix("minilm-onnx-"), "recipe": RECIPE, "size": path.stat().st_size,
            "max_abs_difference_vs_torch": diff, "torch": torch.__version__, "onnx": onnx.__version__}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    for f in (path, folder / "meta.json"):  # on disk before the rename makes them visible
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())


def _max_difference(path: Path, texts: tuple[str, ...]) -> float:
    from .encoders import TorchEncoder

    got = OnnxEncoder(path, batch_size=2).encode(list(texts))
    want = TorchEncoder(batch_size=2, threads=1).encode(list(texts))
    return float(np.abs(got - want).max())


def load_encoding_tokenizer():
    """The model's tokenizer as sentence-transformers calls it: [CLS] … [SEP], cut at 256 word pieces,
    padded to the longest text of the batch."""
    tokenizer = load_tokenizer()
    tokenizer.enable_truncation(MAX_MODEL_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def _features(tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    enc = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids)}


class OnnxEncoder(Encoder):
    """ONNX Runtime on `threads` CPU threads; mean pooling and L2 normalisation as sentence-transformers."""

    name = "onnx"

    def __init__(self, path: Path, batch_size: int = 64, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads sleep instead of spinning: the LLM server may be working on the other core.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.path = Path(path)
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = load_encoding_tokenizer()

    def with_threads(self, threads: int) -> "OnnxEncoder":
        """A second session on the same graph: a session's thread pool is fixed when it is created, and
        building one takes ~0.3 s and ~90 MB, so callers keep it (rag.embeddings)."""
        return self if threads == self.threads else OnnxEncoder(self.path, self.batch_size, threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        # Longest first, as sentence-transformers: texts of a batch have similar lengths, little padding.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for i in range(0, len(texts), self.batch_size):
            rows = order[i : i + self.batch_size]
            feats = _features(self.tokenizer, [texts[j] for j in rows])
            hidden = self.session.run(None, feats)[0]
            mask = feats["attention_mask"][..., None].astype(np.float32)
            mean = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            out[rows] = mean / np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
        return out


def main() -> None:
    from .settings import get_settings

    path = ensure_onnx_model(get_settings().model_dir)
    print(f"ONNX embedding model ready: {path}")


if __name__ == "__main__":
    main()
