"""Helpers the test modules share: builders of ledger frames and workbooks (no tests in here).

pytest fixtures live in tests/conftest.py; plain builders live here so a test module never imports
another test module.
"""
