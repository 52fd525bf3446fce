"""Japanese analyser for the polarity check, on the MeCab morphological analyser (fugashi with
UniDic lite): compound nouns as content units, negations per clause, paired opposites.

Japanese negates after the predicate (使わない, 必要はない, 限らない), so a negation speaks of the
clause before it; しか…ない means "only" and is not a negation; 不/非/無/未 before a noun negate it.
"""

import threading
from dataclasses import dataclass

from app.grading.verifier.polarity import Analysis, Negation

_NEGATING_LEMMAS = frozenset({"ない", "ず", "ぬ", "無い"})
_NEGATING_PREFIXES = frozenset({"不", "非", "無", "未"})
_NEGATING_WORDS = frozenset({"不要", "不必要", "無効", "無意味", "不可能"})
# A clause made only of these denies what came before it (「…という考えは誤りです」).
_REJECTIONS = frozenset({"誤り", "間違い", "誤解", "違う", "俗説"})
# Clause boundaries: punctuation and the conjunctive particles that start a new clause.
_CLAUSE_PARTICLES = frozenset({"が", "けど", "けれど", "けれども", "ので", "から", "のに", "し"})
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
_LIGHT_LEMMAS = frozenset(
    {"為る", "成る", "有る", "居る", "事", "物", "様", "的", "時", "所", "良い", "出来る"}
)

# Paired opposites by lemma (katakana loanwords by their UniDic lemma before the hyphen).
PAIRS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "増える/減る": (
        frozenset({"増える", "増やす", "増加", "増大", "上がる", "上げる"}),
        frozenset({"減る", "減らす", "減少", "低下", "下がる", "下げる"}),
    ),
    "高い/低い": (frozenset({"高い"}), frozenset({"低い"})),
    "大きい/小さい": (frozenset({"大きい", "大"}), frozenset({"小さい", "小"})),
    "多い/少ない": (frozenset({"多い"}), frozenset({"少ない"})),
    "速い/遅い": (frozenset({"速い", "早い", "高速"}), frozenset({"遅い", "低速"})),
    "前/後": (frozenset({"前", "以前", "事前"}), frozenset({"後", "以後", "事後"})),
    "学習/推論": (frozenset({"学習", "訓練", "トレーニング"}), frozenset({"推論", "本番", "予測"})),
    "訓練/テスト": (frozenset({"訓練", "トレーニング", "学習"}), frozenset({"テスト", "評価"})),
    "過学習/未学習": (frozenset({"過学習"}), frozenset({"未学習"})),
    "バイアス/バリアンス": (frozenset({"バイアス"}), frozenset({"バリアンス", "分散"})),
    "パラメータ/ハイパーパラメータ": (frozenset({"パラメーター"}), frozenset({"ハイパーパラメーター"})),
    "適合率/再現率": (frozenset({"適合率"}), frozenset({"再現率"})),
    "陽性/陰性": (frozenset({"陽性"}), frozenset({"陰性"})),
    "最大/最小": (frozenset({"最大", "最大化"}), frozenset({"最小", "最小化"})),
    "入力/出力": (frozenset({"入力"}), frozenset({"出力"})),
    "改善/悪化": (frozenset({"改善", "向上"}), frozenset({"悪化", "劣化"})),
    "常に/時々": (frozenset({"常", "必ず", "いつも"}), frozenset({"時々", "場合"})),
}


@dataclass(frozen=True)
class _Morpheme:
    surface: str
    lemma: str
    pos1: str
    pos2: str


class _Tagger:
    """One MeCab tagger per thread: the C object is not safe to share between threads."""

    def __init__(self) -> None:
        self._local = threading.local()

    def parse(self, text: str) -> list[_Morpheme]:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            import fugashi

            tagger = self._local.tagger = fugashi.Tagger()
        return [
            _Morpheme(
                surface=word.surface,
                lemma=(word.feature.lemma or word.surface).split("-")[0],
                pos1=word.feature.pos1 or "",
                pos2=word.feature.pos2 or "",
            )
            for word in tagger(text)
        ]


_TAGGER = _Tagger()


def _compounds(morphemes: list[_Morpheme]) -> list[tuple[str, _Morpheme]]:
    """Runs of prefix + nouns + noun suffixes joined into one unit (過+学習, 学習+率, 標準+化)."""
    units: list[tuple[str, _Morpheme]] = []
    run: list[_Morpheme] = []

    def flush() -> None:
        if run:
            units.append(("".join(m.lemma for m in run), run[-1]))
            run.clear()

    for morpheme in morphemes:
        joins = morpheme.pos1 in ("名詞", "接頭辞") or (
            morpheme.pos1 == "接尾辞" and morpheme.pos2 == "名詞的"
        )
        if joins and morpheme.pos2 != "数詞":
            run.append(morpheme)
            continue
        flush()
        units.append((morpheme.lemma, morpheme))
    flush()
    return units


def _poles(unit: str) -> list[tuple[str, int]]:
    """Pairs a unit or compound belongs to (テストデータ is テスト); the longest word decides the side
    (ハイパーパラメーター is not パラメーター)."""
    found = []
    for name, sides in PAIRS.items():
        matches = [(len(word), side) for side, words in enumerate(sides) for word in words if word in unit]
        if matches:
            found.append((name, max(matches)[1]))
    return found


def _is_boundary(morpheme: _Morpheme) -> bool:
    return morpheme.pos1 == "補助記号" or (
        morpheme.pos2 == "接続助詞" and morpheme.lemma in _CLAUSE_PARTICLES
    )


def analyse(text: str) -> Analysis:
    content: set[str] = set()
    negations: list[Negation] = []
    poles: list[tuple[str, int]] = []
    clause_units: list[str] = []
    clause_negators: list[str] = []
    only = False  # しか in this clause: its ない means "only"

    def close_clause() -> None:
        nonlocal only
        units = frozenset(clause_units)
        if units and units <= _REJECTIONS:  # 「…ですが、誤りです」: the claim before it is denied
            negations.append(Negation(word="".join(sorted(units)), clause=frozenset(content - units)))
        negations.extend(Negation(word=word, clause=units) for word in clause_negators)
        clause_units.clear()
        clause_negators.clear()
        only = False

    recent: list[str] = []  # the surfaces just before, to quote a negation in its context
    for unit, last in _compounds(_TAGGER.parse(text)):
        recent = [*recent[-2:], last.surface]
        if _is_boundary(last):
            close_clause()
            continue
        if last.lemma == "しか":
            only = True
        paired = any(unit in words for sides in PAIRS.values() for words in sides)
        negated_noun = unit[:1] in _NEGATING_PREFIXES and len(unit) > 2 and not paired
        if unit in _NEGATING_WORDS or negated_noun:
            clause_negators.append(unit)
            unit = "必要" if unit in ("不要", "不必要") else unit[1:] if negated_noun else unit
        elif unit in _NEGATING_LEMMAS and last.pos1 in ("助動詞", "形容詞") and not only:
            clause_negators.append("".join(recent))  # the negator and what precedes it: "ありません"
            continue
        poles += _poles(unit)
        if (last.pos1 in _CONTENT_POS or unit != last.lemma) and unit not in _LIGHT_LEMMAS:
            content.add(unit)
            clause_units.append(unit)
    close_clause()
    return Analysis(content=frozenset(content), negations=tuple(negations), poles=tuple(poles))
