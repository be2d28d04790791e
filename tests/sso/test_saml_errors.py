"""python3-saml's reasons for refusing an answer, as the error page words them."""

import pytest

from sso.templatetags.saml_errors import NOT_STARTED_HERE, saml_explained


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("Could not validate timestamp: expired. Check system clock.", "had expired"),
        ("A valid SubjectConfirmation was not found on this Response", "had expired"),
        ("Could not validate timestamp: not yet valid. Check system clock.", "in the future"),
        ("The Assertion of the Response is not signed and the SP require it", "was not signed"),
        ("No Signature found. SAML Response rejected", "was not signed"),
        ("Signature validation failed. SAML Response rejected", "signature did not match"),
        ("Found an invalid Signed Element. SAML Response rejected", "signature did not match"),
        (
            "The response was received at http://a/acs/ instead of http://b/acs/",
            "meant for another address",
        ),
        ("http://a/metadata/ is not a valid audience for this Response", "meant for another"),
        ("Invalid issuer in the Assertion/Response (expected x, got y)", "meant for another"),
        ("The status code of the Response was not Success", "did not sign you in"),
        (NOT_STARTED_HERE, "used already, or took too long"),
    ],
)
def test_each_reason_gets_plain_words(reason, words):
    assert words in saml_explained(reason)


@pytest.mark.parametrize("reason", [None, "", "Something nobody foresaw"])
def test_an_unknown_reason_adds_nothing(reason):
    assert saml_explained(reason) == ""


def test_the_reasons_own_words_never_reach_the_page():
    reason = "The response was received at http://internal.example/acs/ instead of x"

    assert "internal.example" not in saml_explained(reason)
