import pytest

from mentorships.rendering import render, typed


def test_it_renders_markdown():
    html = render("**Goal**: meet *twice* a month\n\n- one\n- two")
    assert "<strong>Goal</strong>" in html
    assert "<em>twice</em>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<iframe src="https://example.org"></iframe>',
    ],
)
def test_it_removes_anything_that_could_run(typed):
    html = render(typed).lower()
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<style" not in html
    assert "<iframe" not in html
    assert "<img" not in html


def test_links_are_kept_but_do_not_pass_on_the_page():
    html = render("[guide](https://example.org/guide)")
    assert 'href="https://example.org/guide"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_list_typed_right_under_a_line_is_a_list():
    """As people type a note: no blank line around the list, lines broken by hand."""
    html = typed("We agreed to meet.\n- prepare one point\n- ask one question\nThanks\nsee you")
    assert "<p>We agreed to meet.</p>\n<ul>" in html
    assert "<li>prepare one point</li>\n<li>ask one question</li>\n</ul>" in html
    assert "<p>Thanks<br>\nsee you</p>" in html


def test_a_list_items_continuation_stays_in_it():
    html = typed("1. first\n   more about it\n2. second")
    assert html.count("<li>") == 2 and "<p>" not in html
    assert "more about it" in html.split("</li>")[0]


def test_a_note_is_cleaned_like_any_text():
    html = typed("Hi\n- <script>alert(1)</script>\n- [x](javascript:alert(2))").lower()
    assert "<script" not in html and "javascript:" not in html
