"""Refresh locale/ja/LC_MESSAGES/messages.po from the source: new msgids appear untranslated.

Usage: .venv/bin/python scripts/update-messages.py   (exits 1 while any message is untranslated)
"""

import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app.settings import PROJECT_ROOT
from app.web.i18n_catalog import JAPANESE_PO, extract_messages


def main() -> int:
    pot = PROJECT_ROOT / "var" / "messages.pot"
    pot.parent.mkdir(exist_ok=True)
    template = extract_messages(pot)
    if JAPANESE_PO.exists():
        with JAPANESE_PO.open("rb") as po:
            catalog = read_po(po, locale="ja")
    else:
        catalog = Catalog(locale="ja")
    catalog.update(template, no_fuzzy_matching=True)
    JAPANESE_PO.parent.mkdir(parents=True, exist_ok=True)
    with JAPANESE_PO.open("wb") as po:
        write_po(po, catalog, sort_output=True, ignore_obsolete=True, width=0)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(catalog)} messages, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
