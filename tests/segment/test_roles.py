"""Role rules on small pages written for the test (not the seed site's strings)."""

from __future__ import annotations

from collections import Counter

from newsmill.model import Page, Segmented
from newsmill.segment import page_keys, segment_page
from newsmill.segment import patterns as pat
from newsmill.segment.chrome import repeated_chrome
from newsmill.segment.lines import split_lines
from newsmill.segment.roles import line_cues

PARAGRAPH = (
    "The regional council approved the new budget on Tuesday after a long debate about "
    "school funding, road repairs and the cost of running the two hospitals in the valley."
)
SECOND = (
    "Opposition members said the plan leaves too little for maintenance, and they promised "
    "to bring the question back before the summer recess when the accounts are published."
)


def _segment(text: str, counts: Counter[int] | None = None) -> Segmented:
    page = Page(sha256="t", source="t.txt", text=text, kind="text", site="test")
    return segment_page(page, counts or Counter())


def _roles(result: Segmented) -> dict[str, str]:
    return {line.text: line.role for line in result.lines}


def test_one_word_chrome_phrase_needs_a_short_line() -> None:
    lines = split_lines("Home\nHome prices rose five percent in March, the survey says\n")
    cues = line_cues(lines, [0.2, 0.2], [False, False], 0.5)
    assert cues == ["chrome", "title"]
    assert pat.chrome_phrase("Sign up for our newsletter") == 2
    assert pat.chrome_phrase("Home prices rose") == 1
    assert pat.chrome_phrase("Prices rose") == 0


def test_marker_closes_a_teaser_between_chrome_lines() -> None:
    teaser = "Farmers in the north say the dry spring has cut the first harvest by a third"
    result = _segment(f"Menu\nSubscribe\n{teaser}\nRead more\nPrivacy policy\n")
    assert _roles(result)[teaser] == "body"
    assert len(result.articles) == 1 and result.articles[0].partial


def test_list_items_under_an_introducing_paragraph_are_body() -> None:
    items = ["• lower fees for firms", "• a bus line", "• Search engines listing local jobs"]
    text = f"{PARAGRAPH}\nThe plan includes:\n" + "\n".join(items) + f"\n{SECOND}\n"
    roles = _roles(_segment(text))
    assert all(roles[item] == "body" for item in items)


def test_titles_in_scripts_without_case() -> None:
    title = "서울 시의회 새 예산안 통과"
    body = "서울시의회는 화요일 학교 예산과 도로 보수 비용을 둘러싼 토론 끝에 예산안을 통과시켰다."
    result = _segment(f"{title}\n{body}\n{body}\n")
    assert result.articles[0].title == title
    # a low body score leaves it to the title test itself, which must not ask for a capital
    assert line_cues(split_lines(f"{title}\n"), [0.1], [False], 0.5) == ["title"]


def test_repeated_image_slug_stays_alt_text() -> None:
    assert line_cues(split_lines("harbour-strike-ends\n"), [0.1], [True], 0.5) == ["image_alt"]


def test_byline_names_with_non_ascii_capitals() -> None:
    assert pat.byline_names("By Łukasz Nowak and Çetin Öz") == ["Łukasz Nowak", "Çetin Öz"]


def test_sentence_under_a_title_over_a_paragraph_is_the_opening_paragraph() -> None:
    opening = "The council met on Tuesday."
    result = _segment(f"Council passes the budget\n{opening}\n{PARAGRAPH}\n{SECOND}\n")
    article = result.articles[0]
    assert article.dek is None and article.paragraphs[0] == opening
    # with a byline between them, the same line is the dek
    result = _segment(f"Council passes the budget\n{opening}\nBy Ann Lee\n{PARAGRAPH}\n")
    assert result.articles[0].dek == opening
    # the same for a line long enough to look like body on its own
    opening = "The council met on Tuesday evening to vote on the budget for the next year."
    result = _segment(f"Council passes the budget\n{opening}\n{PARAGRAPH}\n{SECOND}\n")
    assert result.articles[0].dek is None and result.articles[0].paragraphs[0] == opening
    result = _segment(f"Council passes the budget\n{opening}\nBy Ann Lee\n{PARAGRAPH}\n")
    assert result.articles[0].dek == opening


def test_label_on_many_more_pages_than_its_neighbouring_article_is_chrome() -> None:
    pages = [f"Weather\nStory {i} headline here\n{PARAGRAPH} {i}\n" for i in range(12)]
    pages += [f"Weather\nA repeated story headline\n{SECOND}\n"] * 2
    counts: Counter[int] = Counter()
    for text in pages:
        counts.update(page_keys(split_lines(text), 12))
    lines = split_lines(pages[-1])
    flags = repeated_chrome(lines, counts, 12, 2)
    assert flags == [True, False, False]  # "Weather" on 14 pages, the story on 2


def test_wire_copy_lede_is_body_never_a_dek() -> None:
    lede = "LISBON, Portugal (AP) — Fishermen blocked the port for a day."
    result = _segment(f"Port blockade ends\n{lede}\nBy Ann Lee\n{PARAGRAPH}\n")
    assert result.articles[0].dek is None
    assert result.articles[0].paragraphs[0] == lede
    assert not pat.WIRE_LEDE.match("Photo (AP) — a harbour at dawn")
