from __future__ import annotations

import io
import sys

from readkit import ARTICLE_HTML, pages, skips

from newsmill.options import ReadOptions
from newsmill.read import count_inputs, iter_inputs


def make_tree(root):
    (root / "b").mkdir()
    (root / "a").mkdir()
    (root / "a" / "2.txt").write_text("two\n")
    (root / "a" / "1.txt").write_text("one\n")
    (root / "b" / "3.html").write_bytes(ARTICLE_HTML)
    (root / ".hidden").write_text("not an input\n")
    (root / "top.txt").write_text("top\n")


def test_folders_recurse_in_sorted_order(tmp_path, read_all):
    make_tree(tmp_path)
    found = pages(read_all(tmp_path))
    assert [p.source for p in found] == [
        str(tmp_path / "a" / "1.txt"),
        str(tmp_path / "a" / "2.txt"),
        str(tmp_path / "b" / "3.html"),
        str(tmp_path / "top.txt"),
    ]
    assert [p.site for p in found[:2]] == ["a", "a"]


def test_hidden_and_linked_folders_are_left_out(tmp_path, read_all):
    make_tree(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("hidden folder\n")
    (tmp_path / "a" / ".notes.txt").write_text("hidden file\n")
    (tmp_path / "again").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "one.txt").symlink_to(tmp_path / "a" / "1.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    kept = ("a/1.txt", "a/2.txt", "b/3.html", "one.txt", "top.txt")
    assert [p.source for p in pages(read_all(tmp_path))] == [str(tmp_path / f) for f in kept]


def test_globs_and_count(tmp_path, read_all):
    make_tree(tmp_path)
    found = pages(read_all(f"{tmp_path}/**/*.txt"))
    assert [p.text for p in found] == ["one\n", "two\n", "top\n"]
    assert count_inputs([str(tmp_path), f"{tmp_path}/*.txt", str(tmp_path / "nope")]) == 5
    (skip,) = skips(read_all(f"{tmp_path}/*.nothing"))
    assert skip.reason == "no_inputs"


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from a pipe\r\n")))
    (page,) = list(iter_inputs(["-"], ReadOptions()))
    assert (page.source, page.text, page.site) == ("<stdin>", "from a pipe\n", "stdin")


def test_iter_inputs_is_lazy(tmp_path):
    (tmp_path / "1.txt").write_text("one\n")
    (tmp_path / "2.txt").write_text("two\n")
    stream = iter_inputs([str(tmp_path)], ReadOptions())
    first = next(stream)
    (tmp_path / "2.txt").write_text("changed\n")  # read only when the consumer gets there
    assert first.text == "one\n"
    assert next(stream).text == "changed\n"
