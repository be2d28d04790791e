"""The fairness page's tables, laid out from plain figures (dashboard/fairness.py):
no database."""

from dashboard import fairness

EVERYONE = {
    "name": "All mentees",
    "kind": "—",
    "people": 100,
    "matched_share": 60,
    "median_days": 10.0,
    "decline_rate": 20,
    "no_room_rate": 5,
    "mean_score": 70.0,
    # what the figures rest on: requests answered, requests, mentorships started and scored
    "answered": 50,
    "requests": 60,
    "started": 60,
    "scored": 60,
}
BASES = {"people": 12, "answered": 8, "requests": 9, "started": 7, "scored": 7}


def group(name="Korean", kind="Heritage", **figures) -> dict:
    return {
        **EVERYONE,
        "name": name,
        "kind": kind,
        **BASES,
        **figures,
    }


def row(layout, name):
    return next(r for s in layout.sections for r in s.rows if r.name == name)


def cells(layout, name) -> dict:
    return {m.key: c for m, c in zip(layout.measures, row(layout, name).cells, strict=True)}


def test_a_group_with_nobody_matched_shows_no_score_and_no_days():
    shown = cells(
        fairness.lay_out(
            [group(matched_share=0, mean_score=72.5, median_days=3.0)], EVERYONE, exact=True
        ),
        "Korean",
    )
    assert shown["matched_share"].text == "0%"
    for key in ("mean_score", "median_days"):
        assert shown[key].text == "—" and shown[key].missing == "none matched"
        assert not shown[key].by  # and nothing to compare


def test_a_missing_figure_says_why_to_a_screen_reader():
    shown = cells(fairness.lay_out([group(decline_rate=None)], EVERYONE, exact=True), "Korean")
    assert shown["decline_rate"].text == "—"
    assert shown["decline_rate"].missing == "no request answered yet"


def test_a_share_ten_points_from_everyone_is_marked_lower_or_higher():
    layout = fairness.lay_out(
        [group("Korean", matched_share=50), group("Chinese", matched_share=71)],
        EVERYONE,
        exact=True,
    )
    lower, higher = (
        cells(layout, "Korean")["matched_share"],
        cells(layout, "Chinese")["matched_share"],
    )
    assert (lower.direction, lower.by) == ("lower", "10 points")
    assert (higher.direction, higher.by) == ("higher", "11 points")
    assert row(layout, "Korean").marked


def test_a_share_under_ten_points_away_is_not_marked():
    shown = cells(fairness.lay_out([group(matched_share=51)], EVERYONE, exact=True), "Korean")
    assert shown["matched_share"].direction == "" and shown["matched_share"].by == ""


def test_scores_are_marked_from_ten_points_and_days_from_a_week():
    layout = fairness.lay_out(
        [
            group("Korean", mean_score=59.5, median_days=16.5),
            group("Chinese", mean_score=61.0, median_days=17.0),
        ],
        EVERYONE,
        exact=True,
    )
    korean, chinese = cells(layout, "Korean"), cells(layout, "Chinese")
    assert (korean["mean_score"].direction, korean["mean_score"].by) == ("lower", "10.5 points")
    assert korean["median_days"].by == ""  # 6.5 days more: under a week
    assert chinese["mean_score"].by == ""  # 9 points: under ten
    assert (chinese["median_days"].direction, chinese["median_days"].by) == ("higher", "7.0 days")


def test_a_figure_resting_on_few_requests_or_mentorships_is_not_marked():
    """Two requests answered, one declined: 50% against 20%, and it means nothing."""
    shown = cells(
        fairness.lay_out(
            [group(decline_rate=50, answered=2, mean_score=50.0, scored=4)], EVERYONE, exact=True
        ),
        "Korean",
    )
    assert shown["decline_rate"].text == "50%" and shown["decline_rate"].by == ""
    assert shown["mean_score"].text == "50.0" and shown["mean_score"].by == ""
    enough = cells(
        fairness.lay_out([group(decline_rate=50, answered=5)], EVERYONE, exact=True), "Korean"
    )
    assert (enough["decline_rate"].direction, enough["decline_rate"].by) == ("higher", "30 points")


def test_every_question_shows_its_groups_after_all_mentees_and_no_answer_comes_last():
    layout = fairness.lay_out(
        [
            group("Chose not to disclose", "—"),
            group("Korean", "Heritage"),
            group("Buddhist", "Faith"),
            group("Chinese", "Heritage"),
        ],
        EVERYONE,
        exact=True,
    )
    assert [s.title for s in layout.sections] == ["Heritage", "Faith", "No background answer"]
    assert [r.name for r in layout.sections[0].rows] == ["All mentees", "Korean", "Chinese"]
    for section in layout.sections:
        assert section.rows[0].reference and section.rows[0].name == "All mentees"
        assert not any(c.by for c in section.rows[0].cells)  # the yardstick is never marked


def test_the_differences_list_names_each_mark_with_both_figures():
    layout = fairness.lay_out([group(matched_share=45)], EVERYONE, exact=True)
    (d,) = layout.differences
    assert (d.group, d.section, d.label, d.shown, d.everyone) == (
        "Korean",
        "Heritage",
        "Matched",
        "45%",
        "60%",
    )
    assert (d.direction, d.by) == ("lower", "15 points")


def test_without_groups_all_mentees_stand_alone():
    layout = fairness.lay_out([], EVERYONE, exact=True)
    assert [[r.name for r in s.rows] for s in layout.sections] == [["All mentees"]]
    assert layout.differences == []


def test_a_release_has_its_own_columns_and_approximate_sizes():
    released = {
        "name": "Korean",
        "kind": "Heritage",
        "people": 12,
        "matched_share": 40,
        "decline_rate": 20,
        "mean_days": 4.0,
        "mean_score": 70.0,
    }
    everyone = {**released, "name": "All mentees", "kind": "—", "people": 100, "matched_share": 60}
    released["decline_rate"] = 60  # 40 points over, but on how many requests? A release won't say
    layout = fairness.lay_out([released], everyone, exact=False)
    assert [m.key for m in layout.measures] == [
        "matched_share",
        "mean_days",
        "decline_rate",
        "mean_score",
    ]
    assert row(layout, "Korean").people == "≈ 12"
    assert row(layout, "All mentees").people == "100"  # its size is public: on the overview
    assert cells(layout, "Korean")["matched_share"].by == "20 points"
    assert cells(layout, "Korean")["decline_rate"].by == ""
