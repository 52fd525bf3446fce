"""Refresh locale/ja/LC_MESSAGES/messages.po from the source: new msgids appear untranslated.

Usage: .venv/bin/python scripts/update-messages.py
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "var" / "messages.pot"


def main() -> int:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "N_",
            "-k",
            "_mark",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(POT),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with POT.open("rb") as f:
        template = read_po(f)
    existing = read_po(PO.open("rb"), locale="ja") if PO.exists() else Catalog(locale="ja")
    existing.update(template, no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, existing, omit_header=False, sort_output=True, ignore_obsolete=True, width=0)
    missing = [m.id for m in existing if m.id and not m.string]
    print(f"{len(existing)} messages, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
