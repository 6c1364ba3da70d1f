"""Ledger registry, guards, parsing, cleaning, typing and the import report. Never imports streamlit."""
