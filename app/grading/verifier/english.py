"""English analyser for the polarity check: content stems, negations per clause, paired opposites."""

import re

from app.grading.freetext.text import STOPWORDS, normalise, stem
from app.grading.verifier.polarity import Analysis, Negation

_CONTRACTIONS = (
    (re.compile(r"\b(can)'?t\b"), r"\1 not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
)
_TOKEN = re.compile(r"[a-z0-9_]+(?:-[a-z0-9]+)*|[.,;:!?()]")
# A clause ends at punctuation or where a new clause begins; a negation speaks of its own clause.
_BOUNDARIES = frozenset(".,;:!?()") | {"but", "because", "since", "although", "though", "while", "whereas"}
_BOUNDARIES |= {"so", "however", "which", "otherwise", "unless"}
NEGATORS = frozenset(
    {"not", "no", "never", "no longer", "without", "none", "nothing", "neither", "nor", "cannot"}
) | {"unnecessary", "needless", "off", "disable", "disabled", "avoid", "skip", "lack", "lacks"}
# "it is a myth that ...": the frame negates the rest of the sentence, whatever follows.
_FRAMES = re.compile(r"\b(myth|misconception|wrong|false|untrue|incorrect|mistaken)\s+(that|to)\b")
_NEED = {"necessary": "need", "needed": "need", "needs": "need", "required": "need", "require": "need"}
_NEED |= {"requires": "need", "must": "need", "essential": "need", "unnecessary": "need"}

# Paired opposites, by stem prefix. Side 0 / side 1; the name reads "side0/side1".
PAIRS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "increase/decrease": (("increas", "rais", "grow"), ("decreas", "reduc", "shrink")),
    "higher/lower": (("higher", "high"), ("lower", "low")),
    "larger/smaller": (("larger", "large", "bigger", "big"), ("smaller", "small")),
    "more/fewer": (("more",), ("less", "fewer")),
    "faster/slower": (("faster", "fast", "quicker"), ("slower", "slow")),
    "before/after": (("before", "prior"), ("after", "afterward")),
    "earlier/later": (("earlier", "early"), ("later", "late")),
    "training/inference": (("train",), ("inference", "infer", "serv", "production")),
    "train/test": (("train",), ("test",)),
    "overfitting/underfitting": (("overfit",), ("underfit",)),
    "bias/variance": (("bias",), ("varianc",)),
    "parameters/hyperparameters": (("paramet",), ("hyperparamet", "hyper-paramet")),
    "precision/recall": (("precision",), ("recall",)),
    "positive/negative": (("positiv",), ("negativ",)),
    "overestimate/underestimate": (("overestimat",), ("underestimat",)),
    "maximise/minimise": (("maximi", "maximu"), ("minimi", "minimu")),
    "encoder/decoder": (("encod",), ("decod",)),
    "generator/discriminator": (("generat",), ("discriminat",)),
    "input/output": (("input",), ("output",)),
    "supervised/unsupervised": (("supervis",), ("unsupervis",)),
    "linear/nonlinear": (("linear",), ("nonlinear", "non-linear")),
    "stable/unstable": (("stabl",), ("unstabl", "instabil")),
    "always/sometimes": (("always",), ("sometim", "occasional")),
    "improve/worsen": (("improv", "better"), ("wors", "degrad", "hurt")),
}


def _poles(token: str) -> list[tuple[str, int]]:
    """Every pair the token belongs to; within a pair the longest matching prefix decides the
    side ("unsupervised" is not "supervised", "hyperparameter" is not "parameter")."""
    found = []
    for name, sides in PAIRS.items():
        matches = [
            (len(p), side) for side, prefixes in enumerate(sides) for p in prefixes if token.startswith(p)
        ]
        if matches:
            found.append((name, max(matches)[1]))
    return found


def _tokens(text: str) -> list[str]:
    lowered = normalise(text).lower().replace("’", "'")
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    lowered = lowered.replace("no longer", "no_longer")
    return [t.replace("_", " ") for t in _TOKEN.findall(lowered)]


# Filler that says nothing about the claim, beyond the lexical channel's stopwords.
_FILLER = frozenset({"along", "together", "actually", "basically", "really", "simply", "just", "like"})


def _normal(token: str) -> str:
    """The stem, with British and American spellings and a final -e folded together."""
    root = stem(token).replace("iz", "is")
    return root[:-1] if root.endswith("e") and len(root) > 3 else root


def _unit(token: str) -> str | None:
    if token in _NEED:
        return _NEED[token]
    if token in STOPWORDS or token in _FILLER or token in NEGATORS or token in _BOUNDARIES or len(token) < 2:
        return None
    return _normal(token)


# A clause that only denies what came before it ("that is wrong", "which is a myth", "not true").
_REJECTION_WORDS = frozenset({"wrong", "false", "untrue", "incorrect", "myth", "misconception", "mistaken"})
_REJECTION_FILLER = frozenset(
    {"that", "this", "which", "is", "s", "it", "a", "just", "simply", "but", "not", "true"}
)
_REJECTION_FILLER |= {"actually", "completely", "totally", "common", "really", "quite"}


def _is_rejection(clause: list[str]) -> bool:
    words = set(clause)
    denial = bool(words & _REJECTION_WORDS) or {"not", "true"} <= words
    return denial and words <= _REJECTION_FILLER | _REJECTION_WORDS


def analyse(text: str) -> Analysis:
    tokens = _tokens(text)
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token in _BOUNDARIES:
            clauses.append([])
        else:
            clauses[-1].append(token)
    content: set[str] = set()
    negations: list[Negation] = []
    before: set[str] = set()  # the content of the clauses so far
    for clause in clauses:
        units = frozenset(u for u in map(_unit, clause) if u)
        if _is_rejection(clause):  # "..., but that is wrong": the claim before it is denied
            negations.append(Negation(word=" ".join(clause), clause=frozenset(before)))
            continue
        content |= units
        before |= units
        negations += [Negation(word=t, clause=units) for t in clause if t in NEGATORS]
    joined = " ".join(tokens)
    for frame in _FRAMES.finditer(joined):
        units = frozenset(u for u in map(_unit, joined[frame.end() :].split()) if u)
        negations.append(Negation(word=frame.group(1), clause=units))
    poles = tuple(pole for token in tokens for pole in _poles(_normal(token)))
    return Analysis(content=frozenset(content), negations=tuple(negations), poles=poles)
