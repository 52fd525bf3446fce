"""Message extraction for the Japanese catalogue (used by scripts/update-messages.py and the tests)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.settings import PROJECT_ROOT

KEYWORDS = ("_", "gettext", "N_", "_mark", "ngettext:1,2")
JAPANESE_PO = PROJECT_ROOT / "locale" / "ja" / "LC_MESSAGES" / "messages.po"


def extract_messages(pot: Path) -> Catalog:
    """Every msgid in app/ and templates/ (per babel.cfg), written to `pot` and returned."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            *keywords,
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as pot_file:
        return read_po(pot_file)
