from __future__ import annotations

import json

from readkit import ARTICLE_HTML, gz, pages, skips


def lines(*records: object) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


def test_jsonl_text_html_and_bad_lines(tmp_path, read_all):
    data = lines(
        {
            "text": "First story.\r\nSecond line.",
            "url": "https://www.a.example/1",
            "captured_at": "2024-05-01T00:00:00Z",
        },
        b"{not json",
        {"html": ARTICLE_HTML.decode()},
        [1, 2, 3],
        {"title": "no text field"},
        b"",
        {"text": "   "},
    )
    path = tmp_path / "dump.jsonl"
    path.write_bytes(data)
    items = read_all(path)
    first, second = pages(items)
    assert first.text == "First story.\nSecond line."
    assert (first.source, first.kind, first.site) == (f"{path}:1", "jsonl", "a.example")
    assert first.captured_at == "2024-05-01T00:00:00Z"
    assert second.source == f"{path}:3"
    assert second.html is not None and second.html.title == "Council approves new budget"
    assert second.site == tmp_path.name
    assert [(s.source, s.reason) for s in skips(items)] == [
        (f"{path}:2", "bad_json"),
        (f"{path}:4", "bad_json"),
        (f"{path}:5", "bad_json"),
        (f"{path}:7", "empty"),
    ]


def test_jsonl_gz_and_overlong_line(tmp_path, read_all):
    data = lines({"text": "x" * 3000}, {"text": "kept"})
    (tmp_path / "d.jsonl.gz").write_bytes(gz(data))
    items = read_all(tmp_path / "d.jsonl.gz", max_bytes=1000)
    assert [p.text for p in pages(items)] == ["kept"]
    assert [(s.source.rsplit(":", 1)[-1], s.reason) for s in skips(items)] == [("1", "too_large")]


def test_truncated_jsonl_gz_keeps_good_lines(tmp_path, read_all):
    data = gz(lines(*({"text": f"story {i} " * 50} for i in range(200))))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    items = read_all(tmp_path / "cut.jsonl.gz")
    assert len(pages(items)) > 10
    assert skips(items)[-1].reason == "bad_gzip"
