"""Actions at the same moment: each in its own thread (and so its own database
connection and transaction), released together by a barrier."""

import threading

from django.db import connection


def race(*actions, refusals: tuple[type[Exception], ...]) -> list[Exception]:
    """Run each action in its own thread, all at once; the ``refusals`` they raised."""
    start = threading.Barrier(len(actions))
    refused: list[Exception] = []

    def run(action):
        try:
            start.wait()
            action()
        except refusals as error:
            refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refused
