"""Where the ``policykg`` console script of the running interpreter's environment is (the venv may not be on PATH)."""

from __future__ import annotations

import sys
from pathlib import Path

POLICYKG = Path(sys.executable).parent / "policykg"
