"""Single sign-on (OpenID Connect and SAML 2.0 through allauth) and SCIM 2.0
provisioning, per organisation: docs/sso.md."""
