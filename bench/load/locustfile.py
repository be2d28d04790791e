"""50 signed-in people browsing Kindred: mentees read their home and
suggestions, mentors their requests, both their mentorship pages.

Run by bench/load_test.py, which prepares the program and the logins
(LOAD_USERS: a JSON list of {"email", "password", "home", "mentorship"})."""

import json
import os
import random

from locust import HttpUser, between, task

PEOPLE = json.loads(os.environ["LOAD_USERS"])


class Person(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.me = PEOPLE[random.randrange(len(PEOPLE))]
        self.client.get("/accounts/login/", name="log in (form)")
        token = self.client.cookies.get("csrftoken")
        self.client.post(
            "/accounts/login/",
            {
                "login": self.me["email"],
                "password": self.me["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="log in",
        )

    @task(5)
    def home(self) -> None:
        self.client.get(self.me["home"], name="home")

    @task(3)
    def suggestions_or_requests(self) -> None:
        if self.me["role"] == "mentee":
            self.client.get(self.me["home"] + "suggestions/", name="suggestions")
        else:
            self.client.get(self.me["home"], name="requests (mentor home)")

    @task(1)
    def mentorship(self) -> None:
        if self.me["mentorship"]:
            self.client.get(self.me["mentorship"], name="mentorship page")
