"""scripts/saml_smoke.py, the CI step that catches xmlsec and lxml on different libxml2s."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "saml_smoke.py"


@pytest.fixture
def smoke():
    from scripts import saml_smoke

    return saml_smoke


def test_the_script_passes_on_the_pinned_pair():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "a signed assertion verifies" in result.stdout


def test_it_fails_when_xmlsec_runs_on_another_libxml2(smoke, monkeypatch, capsys):
    real = smoke.libxml2_versions()
    monkeypatch.setattr(smoke, "libxml2_versions", lambda: {**real, "xmlsec runs": (2, 13, 8)})

    assert smoke.main() == 1
    error = capsys.readouterr().err
    assert "do not use the same libxml2" in error
    assert "xmlsec runs 2.13.8" in error


def test_it_fails_when_they_were_compiled_against_different_libxml2s(smoke):
    versions = {**smoke.libxml2_versions(), "lxml compiled": (2, 12, 0)}

    assert smoke.version_problems(versions)


def test_it_fails_when_xmlsec_cannot_be_imported(smoke, monkeypatch, capsys):
    def mismatch():
        raise ImportError("lxml & xmlsec libxml2 library version mismatch")

    monkeypatch.setattr(smoke, "libxml2_versions", mismatch)

    assert smoke.main() == 1
    assert "cannot import lxml and xmlsec" in capsys.readouterr().err


def test_it_fails_when_signing_does_not_verify(smoke, monkeypatch, capsys):
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    monkeypatch.setattr(OneLogin_Saml2_Utils, "validate_sign", lambda *a, **k: False)

    assert smoke.main() == 1
    assert "could not verify an assertion it had just signed" in capsys.readouterr().err


def test_the_real_pair_signs_and_refuses_an_altered_assertion(smoke):
    assert smoke.signing_problems() == []
