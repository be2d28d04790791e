"""Sign-in by email domain and the SCIM endpoint's pages (docs/sso.md)."""
