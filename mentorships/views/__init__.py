"""A mentorship's pages, for its two people: one module per part of the workspace."""
