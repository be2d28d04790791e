"""The organisations' periodic work (docs/sso.md)."""
