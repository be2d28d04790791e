"""The API's one body parser: DRF's JSON parser, answering a body it cannot
read with a 400 in the API's JSON error shape (api/errors.py)."""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The standard library's decoder recurses once per level of nesting,
            # and DRF catches only ValueError: '[' * 1000 was a server error.
            raise exceptions.ParseError("JSON parse error - the body nests too deeply.") from None
