"""社区创建看板 — the one entry point: `streamlit run app.py` (the work is in ui/entry.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parent
if str(ROOT) not in sys.path:  # so the project's packages import whatever the working directory
    sys.path.insert(0, str(ROOT))

from store.models import StoreError  # noqa: E402
from ui import entry  # noqa: E402

try:
    entry.run()
except StoreError as exc:  # the database went away: one clear line, never a traceback
    if exc.key != "store.error.db_unavailable":
        raise
    entry.database_stop()
