import pytest

from mentorships.rendering import render


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
