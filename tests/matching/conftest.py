import pytest


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
