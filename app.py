"""社区创建看板 — the one entry point: `streamlit run app.py` (the work is in ui/entry.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parent
if str(ROOT) not in sys.path:  # so the project's packages import whatever the working directory
    sys.path.insert(0, str(ROOT))

from ui import entry  # noqa: E402

entry.run()
