"""50 signed-in people browsing Kindred: mentees read their home and
suggestions, mentors their requests, both their mentorship pages.

Run by bench/load_test.py, which prepares the program and the logins
(LOAD_USERS: a JSON list of {"email", "password", "session", "home",
"mentorship"}; each simulated person starts with that person's session cookie)."""

import json
import os
import random

from locust import FastHttpUser, between, task

PEOPLE = json.loads(os.environ["LOAD_USERS"])


class Person(FastHttpUser):
    # FastHttpUser: the load generator shares the server's two cores, so the
    # cheaper client leaves more of them to the server being measured.
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.me = PEOPLE[random.randrange(len(PEOPLE))]
        session = self.me["session"]
        self.headers = {"Cookie": f"{session['name']}={session['value']}"}

    def page(self, url: str, name: str) -> None:
        """A page as the signed-in person: anything but a 200 (a redirect to
        the login page, say) counts as a failure."""
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} instead of the page")

    @task(5)
    def home(self) -> None:
        self.page(self.me["home"], "home")

    @task(3)
    def suggestions_or_requests(self) -> None:
        if self.me["role"] == "mentee":
            self.page(self.me["home"] + "suggestions/", "suggestions")
        else:
            self.page(self.me["home"], "requests (mentor home)")

    @task(1)
    def mentorship(self) -> None:
        if self.me["mentorship"]:
            self.page(self.me["mentorship"], "mentorship page")

    # Planned with the mentorship workspace (issue 20): once its pages exist,
    # "messages" (weight 3: the page people will return to most, with its
    # polling) and "meetings" (weight 1) join here, as the signed-in person's
    # own pages from bench/load_test.py, and the 100 ms p95 holds for them too.
