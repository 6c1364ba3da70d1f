"""The PDF snapshot: one HTML report printed by headless Chromium."""
