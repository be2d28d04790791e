from matching import assigning
from matching.models import MatchingRun


def proposal(program, policy="optimal") -> MatchingRun:
    """An auto-assignment worked out in-process, ready to commit."""
    run = assigning.start(program=program, policy=policy, queue=False)
    assigning.propose(run_id=run.pk)
    run.refresh_from_db()
    return run
