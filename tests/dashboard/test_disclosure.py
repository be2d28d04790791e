"""The suppression and noise rules of dashboard/disclosure.py, without a
database: exact small cases, then properties over random group structures."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.disclosure import Counts, Noise, Relation, determined, release, suppress

T = 5


def cells(**sizes: int) -> list[Counts]:
    return [Counts(key=k, name=k, kind="", people=n) for k, n in sizes.items()]


def test_a_small_group_is_hidden_and_so_is_the_smallest_sibling():
    # Southeast Asian 142 = Filipino 61 + Vietnamese 45 + Thai 33 + Indonesian 3
    table = cells(sea=142, fil=61, vie=45, tha=33, ind=3)
    hidden = suppress(table, [Relation("sea", ("fil", "vie", "tha", "ind"))], T)
    assert hidden == {"ind", "tha"}
    assert determined(table, [Relation("sea", ("fil", "vie", "tha", "ind"))], hidden) == set()


def test_a_parent_with_one_child_is_hidden_with_it():
    table = cells(region=12, only=3)
    assert suppress(table, [Relation("region", ("only",))], T) == {"only", "region"}


def test_hiding_cascades_up_the_hierarchy():
    # Hiding a region for its sub-group leaves it alone at the top: another goes too.
    table = cells(everyone=300, ea=10, kor=3, sa=120, sea=150, none=20)
    relations = [Relation("ea", ("kor",)), Relation("everyone", ("ea", "sa", "sea", "none"))]
    hidden = suppress(table, relations, T, public=frozenset({"everyone"}))
    assert {"kor", "ea", "none"} <= hidden
    assert determined(table, relations, hidden) == set()


def test_two_small_groups_hidden_together_still_hide_a_third():
    table = cells(p=50, a=2, b=2, c=40, d=6)
    hidden = suppress(table, [Relation("p", ("a", "b", "c", "d"))], T)
    assert hidden == {"a", "b", "d"}  # a + b = 4 would be known; with d, 10


def test_nothing_is_hidden_when_every_group_is_large_enough():
    table = cells(p=50, a=20, b=30)
    assert suppress(table, [Relation("p", ("a", "b"))], T) == set()


@st.composite
def structures(draw):
    """Regions with sub-groups, loose groups, and 'not disclosed', all under everyone."""
    sizes, relations, top = {}, [], []
    for r in range(draw(st.integers(0, 4))):
        children = [f"r{r}c{c}" for c in range(draw(st.integers(1, 5)))]
        for c in children:
            sizes[c] = draw(st.integers(0, 30))
        sizes[f"r{r}"] = sum(sizes[c] for c in children) + draw(st.integers(0, 3))
        relations.append(Relation(f"r{r}", tuple(children)))
        top.append(f"r{r}")
    # At least one group beside 'not disclosed': when nobody answered, that
    # group is everyone, and there is no answer to protect.
    for g in range(draw(st.integers(0 if relations else 1, 4))):
        sizes[f"g{g}"] = draw(st.integers(0, 30))
        top.append(f"g{g}")
    sizes["none"] = draw(st.integers(0, 30))
    top.append("none")
    sizes["everyone"] = sum(sizes[k] for k in top)
    relations.append(Relation("everyone", tuple(top)))
    return cells(**sizes), relations


@settings(max_examples=300, deadline=None)
@given(structures())
def test_no_hidden_group_can_be_worked_out_from_the_shown_sizes(structure):
    table, relations = structure
    public = frozenset({"everyone"})
    hidden = suppress(table, relations, T, public)
    assert {c.key for c in table if c.people < T} - public <= hidden
    assert determined(table, relations, hidden) == set()
    size = {c.key: c.people for c in table}
    for r in relations:
        every_child_hidden = all(k in hidden for k in r.children)
        if (r.parent in public or r.parent not in hidden) and not every_child_hidden:
            # What subtraction gives: the hidden children's total, never a small one.
            total = sum(size[k] for k in r.children if k in hidden)
            assert total == 0 or total >= T, (r, hidden)


def test_a_release_reads_the_same_each_time_and_differs_between_releases():
    table = [
        Counts("a", "A", "", people=40, matched=20, score_sum=1200, scored=20),
        Counts("b", "B", "", people=3, matched=1),
        Counts("c", "C", "", people=30, matched=10, score_sum=500, scored=10),
    ]
    first, hidden = release(table, [], threshold=T, seed=1)
    again, _ = release(table, [], threshold=T, seed=1)
    other, _ = release(table, [], threshold=T, seed=2)
    assert first == again and first != other
    assert hidden == 1 and [s.key for s in first] == ["a", "c"]
    assert all(s.people >= T for s in first)


def test_the_noise_is_centred_and_about_as_large_as_said():
    table = [Counts("a", "A", "", people=60, matched=30)]
    noise = Noise(epsilon=0.5)
    sizes = [release(table, [], threshold=T, seed=s, noise=noise)[0][0].people for s in range(2000)]
    errors = [n - 60 for n in sizes]
    assert abs(sum(errors) / len(errors)) < 0.3
    mean_abs = sum(abs(e) for e in errors) / len(errors)
    assert abs(mean_abs - noise.typical_count_error()) < 0.15
    assert Counter(errors).most_common(1)[0][0] == 0
