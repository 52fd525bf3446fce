"""Every user-facing string has a Japanese translation, and labels switch language."""

from pathlib import Path

from babel.messages.pofile import read_po

from app.web.i18n import LABELS, current_locale, label, translations
from app.web.i18n_catalog import JAPANESE_PO, extract_messages


def test_every_message_in_the_source_is_translated_to_japanese(tmp_path: Path) -> None:
    source_ids = {m.id for m in extract_messages(tmp_path / "messages.pot") if m.id}
    with JAPANESE_PO.open("rb") as po:
        japanese = {m.id: m.string for m in read_po(po, locale="ja") if m.id}
    missing = sorted(str(i) for i in source_ids if not japanese.get(i))
    assert len(source_ids) > 100
    assert missing == [], f"untranslated: {missing[:10]}"


def test_labels_follow_the_current_locale() -> None:
    token = current_locale.set("ja")
    try:
        assert label("in_progress") == translations("ja").gettext(LABELS["in_progress"]) == "回答中"
        assert label("unknown-code") == "unknown-code"
    finally:
        current_locale.reset(token)
    assert label("in_progress") == "in progress"
