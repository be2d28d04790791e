"""The program admin's pages. Staff only: anyone else signed in gets 403."""
