"""Middleware of the project's own."""

from django.shortcuts import render


class ActionAddressMiddleware:
    """An action's address (start a re-score, confirm a pause) opened in a browser — from
    history, a bookmark, a shared link — gets a page saying what happened and a way on,
    not the empty 405 that ``require_POST`` answers. The status and its Allow header stay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method == "GET" and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
