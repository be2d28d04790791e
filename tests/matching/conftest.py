import array
import struct

import pytest
from django.test import override_settings


@pytest.fixture(params=["direct", "screened"])
def scoring_path(request):
    """Run a scoring test both ways ``top_k`` can go: every pair scored exactly
    (what a call with few pairs does) and a float32 screen picking candidates
    first (what a re-score does), whatever the size of the test program."""
    from matching import scoring

    original = scoring.DIRECT_ROWS, scoring.DIRECT_PAIRS
    if request.param == "direct":
        scoring.DIRECT_ROWS = scoring.DIRECT_PAIRS = 10**12
    else:
        scoring.DIRECT_PAIRS = 0
    yield request.param
    scoring.DIRECT_ROWS, scoring.DIRECT_PAIRS = original


# A few of the sentences in a small Korean catalogue of the test's own: the shipped
# one is still being written, and this one says what each sentence must go through.
KOREAN = {
    "Same timezone": "같은 시간대",
    "Shared values: %(values)s": "공유하는 가치: %(values)s",
    "Timezones %(hours)s hour apart\0Timezones %(hours)s hours apart": "시간대 차이 %(hours)s시간",
    "Can help with %(shared)s of your %(count)s goal: %(goals)s\0"
    "Can help with %(shared)s of your %(count)s goals: %(goals)s": (
        "목표 %(count)s개 중 %(shared)s개를 도울 수 있어요: %(goals)s"
    ),
}
HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"


def write_mo(path, messages: dict[str, str]) -> None:
    """A GNU .mo file of ``messages`` (as msgfmt writes one)."""
    encoded = sorted((k.encode(), v.encode()) for k, v in {"": HEADER, **messages}.items())
    ids = strs = b""
    spans = []
    for key, value in encoded:
        spans.append((len(ids), len(key), len(strs), len(value)))
        ids += key + b"\0"
        strs += value + b"\0"
    keys_at = 7 * 4 + 16 * len(encoded)
    values_at = keys_at + len(ids)
    table = [n for o1, l1, _, _ in spans for n in (l1, o1 + keys_at)]
    table += [n for _, _, o2, l2 in spans for n in (l2, o2 + values_at)]
    header = struct.pack(
        "Iiiiiii", 0x950412DE, 0, len(encoded), 7 * 4, 7 * 4 + 8 * len(encoded), 0, 0
    )
    path.parent.mkdir(parents=True)
    path.write_bytes(header + array.array("i", table).tobytes() + ids + strs)


@pytest.fixture
def korean(tmp_path, settings):
    write_mo(tmp_path / "ko" / "LC_MESSAGES" / "django.mo", KOREAN)
    with override_settings(LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        yield
