"""Similarity flags between candidates: near-identical free-text answers (same question, embeddings) and
code that matches once names, comments, docstrings and layout are normalised. Evidence for a human only.
"""

import ast
import builtins
import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from app.grading.encoders import Encoder
from app.grading.freetext.text import is_japanese
from app.reports.service import FINAL_STATES
from app.results.loading import CandidateResult

TEXT_THRESHOLD = 0.95  # cosine; paraphrases of the model answer by different people stay well below
MIN_TEXT_CHARS = 40  # short answers ("I don't know") match each other without meaning anything
MAX_ANSWERS_PER_QUESTION = 2000  # bounds the pairwise matrix (2000² floats = 16 MB)
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Submission:
    row: CandidateResult
    question_id: str
    kind: str
    content: str
    starter: str = ""  # a code question's starter code: handing it back unchanged is no match


@dataclass(frozen=True)
class SimilarityFlag:
    question_id: str
    kind: str
    first: Submission
    second: Submission
    score: float  # cosine for text, 1.0 for matching normalised code


class _Canonical(ast.NodeTransformer):
    """Renames every non-builtin identifier to v0, v1, ... in order of first appearance."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _rename(self, name: str) -> str:
        if name in _BUILTINS:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self._rename(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._rename(node.arg)
        node.annotation = None
        return node

    def visit_alias(self, node: ast.alias) -> ast.AST:
        if node.asname:
            node.asname = self._rename(node.asname)
        return node

    def _visit_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.AST:
        node.name = self._rename(node.name)
        _drop_docstring(node)
        return self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_definition


def _drop_docstring(node: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        node.body = body[1:] or [ast.Pass()]


def canonical_code(source: str) -> str:
    """Python source with comments, docstrings, annotations, names and layout normalised."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # still catch copies that differ only in whitespace
        return " ".join(source.split())
    _drop_docstring(tree)
    return ast.unparse(_Canonical().visit(tree))


def code_flags(submissions: Iterable[Submission]) -> list[SimilarityFlag]:
    """Pairs whose normalised code is identical; the untouched starter code is never a match."""
    groups: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.kind != "code" or not submission.content.strip():
            continue
        form = canonical_code(submission.content)
        if form != canonical_code(submission.starter):
            groups[(submission.question_id, form)].append(submission)
    return [
        SimilarityFlag(question_id, "code", a, b, 1.0)
        for (question_id, _), group in sorted(groups.items(), key=lambda item: item[0][0])
        for a, b in combinations(group, 2)
    ]


class EmbeddingCache:
    """Answer embeddings by (encoder, text hash), least recently used dropped first: stored answers do not
    change, so the flags page re-encodes only answers it has not seen."""

    def __init__(self, *, max_entries: int = 20_000) -> None:
        self._vectors: OrderedDict[tuple[str, str], NDArray[np.float32]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def encode(self, encoder: Encoder, texts: list[str]) -> NDArray[np.float32]:
        keys = [(encoder.name, hashlib.sha256(t.encode()).hexdigest()) for t in texts]
        with self._lock:
            missing = list(
                dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._vectors)
            )
        if missing:
            fresh = encoder.encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[(encoder.name, hashlib.sha256(text.encode()).hexdigest())] = vector
                while len(self._vectors) > self._max:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for key in keys:
                self._vectors.move_to_end(key)
                rows.append(self._vectors[key])
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def text_flags(
    submissions: Iterable[Submission],
    *,
    encoder_for: Callable[[str], Encoder],
    cache: EmbeddingCache,
    threshold: float = TEXT_THRESHOLD,
) -> list[SimilarityFlag]:
    """Pairs of answers to the same question (and language) whose embeddings' cosine reaches `threshold`."""
    groups: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.kind == "text" and len(submission.content.strip()) >= MIN_TEXT_CHARS:
            language = "ja" if is_japanese(submission.content) else "en"
            groups[(submission.question_id, language)].append(submission)
    flags = []
    for (question_id, language), group in sorted(groups.items(), key=lambda item: item[0]):
        group = group[:MAX_ANSWERS_PER_QUESTION]
        if len(group) < 2:
            continue
        vectors = cache.encode(encoder_for(language), [s.content.strip() for s in group])
        similarity = vectors @ vectors.T
        for i, j in zip(*np.triu_indices(len(group), k=1), strict=True):
            if similarity[i, j] >= threshold:
                flags.append(
                    SimilarityFlag(question_id, "text", group[i], group[j], round(float(similarity[i, j]), 4))
                )
    return flags


def final_submissions(rows: Iterable[CandidateResult]) -> list[Submission]:
    """Every answer of submitted assessments: what the candidates handed in."""
    return [
        Submission(
            row,
            q.item.question.id,
            q.item.question.kind,
            q.item.content,
            q.item.question.code.starter if q.item.question.code else "",
        )
        for row in rows
        if row.assessment.state in FINAL_STATES
        for q in row.result.questions
    ]


def similarity_flags(
    rows: Iterable[CandidateResult], *, encoder_for: Callable[[str], Encoder], cache: EmbeddingCache
) -> list[SimilarityFlag]:
    submissions = final_submissions(rows)
    return code_flags(submissions) + text_flags(submissions, encoder_for=encoder_for, cache=cache)
