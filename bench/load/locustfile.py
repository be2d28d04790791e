"""50 signed-in people browsing Kindred: mentees read their home and
suggestions, mentors their requests, both their mentorship pages; the paired ones
read and write in their message thread (whose open page polls for new messages),
open the meeting form and download their meeting's calendar invite.

Run by bench/load_test.py, which prepares the program and the logins
(LOAD_USERS: a JSON list of {"email", "password", "session", "home",
"mentorship"}; each simulated person starts with that person's session cookie)."""

import json
import os
import random
import secrets

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

    @task(3)
    def messages(self) -> None:
        if self.me["thread"]:
            self.page(self.me["thread"], "messages")

    @task(3)
    def poll(self) -> None:
        """What an open thread asks every 15 s: nothing new (204) or the new messages."""
        if self.me["thread"]:
            url = f"{self.me['thread']}after/{self.me['latest_message']}/"
            with self.client.get(
                url, name="messages: poll", headers=self.headers, catch_response=True
            ) as response:
                if response.status_code not in (200, 204):
                    response.failure(f"{response.status_code} on polling")

    @task(1)
    def send(self) -> None:
        if self.me["thread"]:
            token = secrets.token_hex(16)  # a CSRF secret of our own, as cookie and header
            headers = {
                "Cookie": f"{self.headers['Cookie']}; csrftoken={token}",
                "X-CSRFToken": token,
                "HX-Request": "true",
            }
            with self.client.post(
                self.me["thread"] + "send/",
                data={"body": "Thanks, that helps.", "after": self.me["latest_message"]},
                name="messages: send",
                headers=headers,
                catch_response=True,
            ) as response:
                if response.status_code != 200 or b"Thanks, that helps." not in response.content:
                    response.failure(f"{response.status_code}: the message was not sent")

    @task(1)
    def meetings(self) -> None:
        if self.me["new_meeting"]:
            self.page(self.me["new_meeting"], "meetings: propose form")
            if self.me["invite"]:
                self.page(self.me["invite"], "meetings: invite (.ics)")
