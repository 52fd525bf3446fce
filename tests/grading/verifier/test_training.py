"""`grader model train-verifier` end to end on a small seeded sample, and the clear start-up error
when the shipped files are missing or broken."""

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.grading.encoders import Encoder
from app.grading.freetext import FreeTextGrader
from app.grading.verifier.cross_encoder import META_NAME, ONNX_NAME
from app.grading.verifier.head import HEAD_NAME
from app.grading.verifier.runtime import VerifierUnavailable
from app.grading.verifier.verifier import Verifier
from app.settings import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "models" / "verifier"


@pytest.mark.slow
def test_training_runs_end_to_end_and_the_result_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], free_text_grader: FreeTextGrader
) -> None:
    assert main(["model", "train-verifier", "--limit", "120", "--epochs", "1", "--out", str(tmp_path)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["english_dev"]["pairs"] + summary["japanese_dev"]["pairs"] > 0
    assert sum(summary["pairs"].values()) == 120
    assert {p.name for p in tmp_path.iterdir()} >= {ONNX_NAME, META_NAME, HEAD_NAME}
    verifier = Verifier.load(tmp_path, japanese_encoder=free_text_grader.encoder("ja"))
    judged = verifier.judge([("You do not need to scale.", "You need to scale.")], language="en")
    assert judged[0].label.value in {"entails", "contradicts", "neither"}


@pytest.mark.parametrize("broken", [ONNX_NAME, HEAD_NAME])
def test_a_missing_or_corrupt_model_file_stops_start_up_with_its_name(
    tmp_path: Path, broken: str, free_text_grader: FreeTextGrader
) -> None:
    japanese: Encoder = free_text_grader.encoder("ja")
    shutil.copytree(SHIPPED, tmp_path / "verifier", ignore=shutil.ignore_patterns("data"))
    (tmp_path / "verifier" / broken).unlink()
    with pytest.raises(VerifierUnavailable, match=f"missing: .*{broken}.*train-verifier"):
        Verifier.load(tmp_path / "verifier", japanese_encoder=japanese)
    (tmp_path / "verifier" / broken).write_bytes(b"not a model")
    with pytest.raises(VerifierUnavailable, match=f"unreadable: .*{broken}"):
        Verifier.load(tmp_path / "verifier", japanese_encoder=japanese)
