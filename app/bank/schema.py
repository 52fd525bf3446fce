"""The rubric format: one question per YAML file in rubrics/questions/, validated on load.

Every user-facing string is localised: English is required, Japanese is required for our own
bank (the bank test checks it) but optional for imported problems such as HumanEval.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Weight = Annotated[float, Field(gt=0, le=100)]
Language = Literal["en", "ja"]
# The one list of languages: the bank is written in them and the pages are shown in them.
LOCALES: tuple[Language, ...] = ("en", "ja")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    en: NonEmpty
    ja: NonEmpty | None = None

    def get(self, language: str) -> str:
        return self.ja if language == "ja" and self.ja else self.en


class LocalizedList(Strict):
    en: list[NonEmpty] = []
    ja: list[NonEmpty] = []

    def get(self, language: str) -> list[str]:
        return self.ja if language == "ja" and self.ja else self.en


class KeyPoint(Strict):
    """An idea a good answer contains, worth `weight` points."""

    id: Slug
    weight: Weight = 1.0
    text: LocalizedText  # the expected idea, in one sentence
    alternatives: LocalizedList = LocalizedList()  # other ways candidates say it


class Misconception(Strict):
    """A wrong claim; an answer that makes it loses `weight` points."""

    id: Slug
    weight: Weight = 1.0
    text: LocalizedText
    alternatives: LocalizedList = LocalizedList()


class CallTest(Strict):
    """Call the entry point with `args` inside the sandbox; compare with `expected` outside it."""

    kind: Literal["call"] = "call"
    args: str  # a Python expression for the positional arguments, e.g. "[1, 2, 3], 2"
    expected: str  # a Python literal (ast.literal_eval), never sent into the sandbox
    tolerance: float = Field(default=0.0, ge=0)  # absolute tolerance for floats
    weight: Weight = 1.0


class CheckTest(Strict):
    """A script defining `check(candidate)`; passes when it returns without raising.

    Used for imported problems whose asserts are not plain equalities. The script never runs
    beside the candidate's code: `calls` (recorded against the reference solution when the
    problem is imported) go to the candidate's code, and the script then runs in a separate
    sandbox over what those calls returned.
    """

    kind: Literal["check"]
    script: NonEmpty
    calls: list[str] = []  # argument expressions, in the order the check makes its calls
    weight: Weight = 1.0


def _test_kind(value: Any) -> str:
    """A test without `kind` is a call test, the common case."""
    kind = value.get("kind", "call") if isinstance(value, dict) else getattr(value, "kind", "call")
    return str(kind)


CodeTest = Annotated[
    Annotated[CallTest, Tag("call")] | Annotated[CheckTest, Tag("check")], Discriminator(_test_kind)
]


class Limits(Strict):
    cpu_seconds: float | None = Field(default=None, gt=0, le=30)
    wall_seconds: float | None = Field(default=None, gt=0, le=60)
    memory_mb: int | None = Field(default=None, ge=32, le=2048)


class CodeSpec(Strict):
    entry_point: Identifier
    starter: NonEmpty  # signature and docstring shown to the candidate
    solution: NonEmpty  # reference solution; the bank lint runs it against every test
    preamble: str = ""  # trusted code run before the candidate's (e.g. imports for tests)
    examples: list[CallTest] = Field(min_length=1)  # visible to the candidate
    hidden_tests: list[CodeTest] = Field(min_length=1)
    limits: Limits = Limits()


class Question(Strict):
    id: Slug
    kind: Literal["text", "code"]
    title: LocalizedText
    prompt: LocalizedText
    topics: list[Slug] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5)
    minutes: int = Field(ge=1, le=90)
    profiles: list[Slug] = Field(min_length=1)
    model_answer: LocalizedText
    key_points: list[KeyPoint] = []
    misconceptions: list[Misconception] = []
    code: CodeSpec | None = None
    source: str | None = None  # provenance of imported problems, e.g. "HumanEval/0"

    @model_validator(mode="after")
    def _kind_matches_content(self) -> "Question":
        if self.kind == "text":
            if not self.key_points:
                raise ValueError("a text question needs at least one key point")
            if self.code is not None:
                raise ValueError("a text question cannot have a code section")
        else:
            if self.code is None:
                raise ValueError("a code question needs a code section")
            if self.key_points or self.misconceptions:
                raise ValueError("a code question is graded by tests, not key points")
        ids = [p.id for p in self.key_points] + [m.id for m in self.misconceptions]
        if len(ids) != len(set(ids)):
            raise ValueError("key point and misconception ids must be unique")
        return self

    @property
    def max_points(self) -> float:
        if self.code is not None:
            return sum(t.weight for t in self.code.hidden_tests)
        return sum(p.weight for p in self.key_points)


class Topic(Strict):
    id: Slug
    name: LocalizedText


class Profile(Strict):
    id: Slug
    name: LocalizedText
    topic_weights: dict[Slug, Weight] = Field(min_length=1)
    difficulty: tuple[int, int]  # inclusive band
    text_questions: int = Field(ge=0, le=30)
    code_questions: int = Field(ge=0, le=15)
    minutes: int = Field(ge=5, le=480)  # time budget for the whole set

    @model_validator(mode="after")
    def _band_is_ordered(self) -> "Profile":
        low, high = self.difficulty
        if not 1 <= low <= high <= 5:
            raise ValueError("difficulty must be [low, high] with 1 <= low <= high <= 5")
        if self.text_questions + self.code_questions == 0:
            raise ValueError("a profile needs at least one question")
        return self


class TopicsFile(Strict):
    topics: list[Topic] = Field(min_length=1)


class ProfilesFile(Strict):
    profiles: list[Profile] = Field(min_length=1)
