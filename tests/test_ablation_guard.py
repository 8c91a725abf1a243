"""The ablation bench measures the shipped question set on the shipped articles only: a file the UI saved
into corpus/ (uploads go there) would change retrieval and every figure without a word."""
import subprocess

import bench.ablation as ablation


def test_files_git_does_not_track_are_named(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "000_shipped.txt").write_text("A shipped article.")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "corpus/000_shipped.txt"], check=True)
    monkeypatch.setattr(ablation, "ROOT", tmp_path)
    assert ablation.not_shipped(corpus) == []
    (corpus / "orchestra.md").write_text("# My own article")
    assert ablation.not_shipped(corpus) == ["orchestra.md"]


def test_outside_a_checkout_nothing_is_flagged(tmp_path, monkeypatch):
    monkeypatch.setattr(ablation, "ROOT", tmp_path)
    (tmp_path / "a.txt").write_text("x")
    assert ablation.not_shipped(tmp_path) == []
