"""The explainable polarity check: cases that must flip and cases that must not, in both languages."""

import pytest

from app.grading.verifier import english, japanese
from app.grading.verifier.polarity import Polarity, compare

EN_KEY = {
    "pca": "Features should be standardised before PCA because PCA follows variance.",
    "hyper": "Hyperparameters are not learned from the data; they are chosen before training.",
    "adam": "With Adam the learning rate no longer matters.",
    "scaler": "Fit the scaler on the training set only and apply it to the test set.",
    "dropout": "Dropout is disabled during inference.",
    "lr": "A learning rate that is too high makes the loss diverge.",
    "data": "More data does not fix a high-bias model.",
}
EN_CASES = [
    ("pca", "You do not need to standardise before PCA.", Polarity.contradicts, "negation"),
    (
        "pca",
        "Always standardise the features before running PCA, since PCA follows variance.",
        Polarity.agrees,
        "",
    ),
    (
        "hyper",
        "Hyperparameters are learned by backpropagation along with the weights.",
        Polarity.contradicts,
        "negation",
    ),
    ("hyper", "Hyperparameters are set by us before training, they aren't learned.", Polarity.agrees, ""),
    ("adam", "Adam still needs a tuned learning rate.", Polarity.contradicts, "negation"),
    ("adam", "With Adam you no longer need to care about the learning rate.", Polarity.agrees, ""),
    (
        "scaler",
        "Fit the scaler on the test set and apply it to the training set.",
        Polarity.contradicts,
        "roles swapped",
    ),
    ("dropout", "Dropout is switched off at inference time.", Polarity.agrees, ""),
    ("dropout", "Dropout stays active during inference.", Polarity.contradicts, "negation"),
    ("lr", "A higher learning rate makes training diverge.", Polarity.agrees, ""),
    ("lr", "A lower learning rate makes the loss diverge.", Polarity.contradicts, "direction"),
    ("data", "It's a myth that more data always helps a high-bias model.", Polarity.agrees, ""),
    ("data", "num_workers=0 because of the GIL", Polarity.unknown, ""),
]
JA_KEY = {
    "pca": "PCAの前に特徴量を標準化する必要がある。",
    "hyper": "ハイパーパラメータはデータから学習されず、学習の前に決める。",
    "adam": "Adamを使えば学習率はもう重要ではない。",
    "dropout": "推論時にはドロップアウトを無効にする。",
    "lr": "学習率が高すぎると損失が発散する。",
    "scaler": "スケーラーは訓練データだけでfitしてテストデータに適用する。",
    "test": "テストデータは最終評価に一度だけ使う。",
    "always": "標準化は常に必要である。",
}
JA_CASES = [
    ("pca", "PCAの前に標準化する必要はありません。", Polarity.contradicts, "ありません"),
    ("pca", "PCAをかける前に特徴量は標準化しておくべきです。", Polarity.agrees, ""),
    ("hyper", "ハイパーパラメータは重みと一緒に逆伝播で学習されます。", Polarity.contradicts, "されず"),
    ("hyper", "ハイパーパラメータは学習前に人が決めるもので、学習されません。", Polarity.agrees, ""),
    ("adam", "Adamでも学習率の調整は必要です。", Polarity.contradicts, "ではない"),
    ("dropout", "推論時にはドロップアウトを使わない。", Polarity.agrees, ""),
    ("dropout", "推論時にもドロップアウトを有効のままにする。", Polarity.contradicts, "無効"),
    ("lr", "学習率を低くすると発散する。", Polarity.contradicts, "direction"),
    ("lr", "学習率が高すぎると発散しやすい。", Polarity.agrees, ""),
    (
        "scaler",
        "テストデータでスケーラーをfitして訓練データに適用する。",
        Polarity.contradicts,
        "roles swapped",
    ),
    ("test", "テストデータでしか最終評価をしない。", Polarity.agrees, ""),  # しか…ない is "only"
    ("always", "常に標準化が必要とは限らない。", Polarity.contradicts, "限らない"),
    ("always", "正規化は不要です。", Polarity.unknown, ""),  # another subject: no verdict
]


@pytest.mark.parametrize(("key", "span", "verdict", "reason"), EN_CASES)
def test_english(key: str, span: str, verdict: Polarity, reason: str) -> None:
    result = compare(english.analyse(span), english.analyse(EN_KEY[key]))
    assert result.verdict is verdict, result
    assert reason in " ".join(result.reasons)


@pytest.mark.parametrize(("key", "span", "verdict", "reason"), JA_CASES)
def test_japanese(key: str, span: str, verdict: Polarity, reason: str) -> None:
    result = compare(japanese.analyse(span), japanese.analyse(JA_KEY[key]))
    assert result.verdict is verdict, result
    assert reason in " ".join(result.reasons)
