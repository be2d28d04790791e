"""SCIM 2.0 provisioning (RFC 7643, 7644): an organisation's directory creates,
updates and deactivates its people."""
