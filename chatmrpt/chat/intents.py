"""The learned intent model: which kind of request a message is, from its words alone.

A linear classifier over word n-grams (1-2) and character n-grams (2-5, inside word
boundaries, so typos and pidgin spellings still share most features with the words they
stand for), trained on the labelled messages in ``data/intents.tsv``. Training is
deterministic (fixed solver, no random state involved) and takes well under a second; the
fitted model is a per-process resource built on first use, like a connection pool: it is
the same in every worker, and holds nothing about any session.

The model only says what kind of request a message is. Slot values (numbers,
percentages, ward, LGA and variable names) are read by the regular expressions of
chatmrpt.chat.extract, and what a message means in the conversation (an answer to a
question, a change to the last request) is decided by chatmrpt.chat.dialogue.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from chatmrpt.chat import extract as ex

CORPUS_FILE = "intents.tsv"
# labels that are no tool: the dialogue answers them itself
CONVERSATIONAL = ("greeting", "thanks", "bye", "confirm", "cancel", "out_of_scope")


@dataclass(frozen=True)
class IntentGuess:
    label: str
    probability: float
    runner_up: str
    runner_up_probability: float

    @property
    def margin(self) -> float:
        return self.probability - self.runner_up_probability

    def confident(self, probability: float = 0.45, margin: float = 0.2) -> bool:
        return self.probability >= probability and self.margin >= margin


def load_corpus() -> list[tuple[str, str]]:
    """The labelled messages: (label, text) pairs, in file order."""
    text = resources.files("chatmrpt.chat").joinpath("data", CORPUS_FILE).read_text("utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, message = line.partition("\t")
        if not sep or not message.strip():
            raise ValueError(f"{CORPUS_FILE} line {n}: expected 'label<TAB>message'")
        out.append((label.strip(), message.strip()))
    return out


# "rank wards, default settings, quick": a clause saying no option is changed tells nothing
# about which request it is, while "back to the default settings" is one
DEFAULTS_CLAUSE = re.compile(
    r"(?:^|[,;]|\s-+\s)\s*(?:with\s+|using\s+|on\s+|use\s+|just\s+)?(?:the\s+|all\s+)?"
    r"(?:default|standard|usual)\s+(?:settings|options|parameters|values)"
    r"(?=\s*(?:[,;.!]|\s-+\s|$|(?:please|pls|quick(?:ly)?|abeg|thanks)\b))"
)


def normalise(text: str) -> str:
    """What the model reads: lower case, typos of domain words corrected, digits as 0, a
    clause saying "default settings" dropped when something else is asked."""
    low = ex.canonical_text(text)
    rest = DEFAULTS_CLAUSE.sub(" ", low)
    if len(re.findall(r"[a-z]{2,}", rest)) >= 2:
        low = rest
    return "".join("0" if ch.isdigit() else ch for ch in low)


class IntentModel:
    def __init__(self, pairs: list[tuple[str, str]]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                      sublinear_tf=True, min_df=1)),
        ])  # fmt: skip
        # logistic loss by stochastic gradient descent, one-vs-rest: a fixed seed and a fixed
        # number of passes make it deterministic, and it trains in about a second even on a
        # busy machine (exact solvers took ten times longer for the same accuracy)
        self.pipeline = make_pipeline(
            features, SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=30, tol=None,
                                    random_state=0)
        )
        self.pipeline.fit([normalise(t) for _, t in pairs], [label for label, _ in pairs])
        self.labels: tuple[str, ...] = tuple(self.pipeline.classes_)
        # reading one message through the fitted pipeline spends most of its time in input
        # checks; the same arithmetic on the fitted weights is a sparse product
        import numpy as np

        self._vectorizers = [v for _, v in features.transformer_list]
        clf = self.pipeline.steps[-1][1]
        self._weights = np.asarray(clf.coef_).T
        self._bias = np.asarray(clf.intercept_, dtype=float)

    def _probs(self, text: str):
        import numpy as np
        from scipy.sparse import hstack
        from sklearn import config_context

        # the input is one string the vectorisers were fitted for: their parameter and
        # finiteness checks cost more than the arithmetic, so they are skipped
        with config_context(assume_finite=True, skip_parameter_validation=True):
            x = hstack([v.transform([normalise(text)]) for v in self._vectorizers]).tocsr()
        scores = np.asarray(x @ self._weights).ravel() + self._bias
        p = 1.0 / (1.0 + np.exp(-scores))
        return p / p.sum()

    def predict(self, text: str) -> IntentGuess:
        probs = self._probs(text)
        order = probs.argsort()[::-1]
        first, second = int(order[0]), int(order[1])
        return IntentGuess(self.labels[first], float(probs[first]), self.labels[second],
                           float(probs[second]))  # fmt: skip

    def probabilities(self, text: str) -> dict[str, float]:
        probs = self._probs(text)
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}


@functools.cache
def model() -> IntentModel:
    """The process's intent model, trained on first use (a resource, not session state:
    it depends only on the corpus shipped with the package)."""
    return IntentModel(load_corpus())


@functools.lru_cache(maxsize=2048)
def classify(text: str) -> IntentGuess:
    """The model's reading of a message (a pure function of the text and the shipped
    corpus, so repeated readings of one message within a turn are computed once)."""
    return model().predict(text)


def describe() -> dict[str, Any]:
    pairs = load_corpus()
    return {"messages": len(pairs), "labels": len({label for label, _ in pairs})}


# --- calibration: how far the model's confidence can be trusted --------------------------

# labels whose tools change the session (a plan, an analysis, a reprioritisation, a TPR run,
# a stored file): acting on them wrongly is the worst outcome, so they need a margin the
# cross-validation below shows to be right at least ACT_PRECISION of the time
ACTION_LABELS = ("plan_itn", "run_analysis", "reprioritize_urban", "compute_tpr",
                 "export_results", "add_covariates")  # fmt: skip
ACT_PRECISION = 0.99
# the margin (first minus second probability) chosen by act_threshold over the 5-fold
# cross-validation of the corpus (python -m chatmrpt.chat.intents prints it)
ACT_MARGIN = 0.575


def cross_validate(pairs: list[tuple[str, str]] | None = None, folds: int = 5
                   ) -> list[tuple[str, str, float, str]]:
    """Every corpus message predicted by a model trained without it: (true label, predicted
    label, margin, text). Folds are fixed (the n-th message of each label goes to fold n mod
    ``folds``), so the result is the same on every run."""
    pairs = pairs if pairs is not None else load_corpus()
    seen: dict[str, int] = {}
    fold_of = []
    for label, _ in pairs:
        fold_of.append(seen.get(label, 0) % folds)
        seen[label] = seen.get(label, 0) + 1
    out = []
    for k in range(folds):
        model_k = IntentModel([p for p, f in zip(pairs, fold_of, strict=True) if f != k])
        for (label, text), f in zip(pairs, fold_of, strict=True):
            if f == k:
                g = model_k.predict(text)
                out.append((label, g.label, g.margin, text))
    return out


def act_threshold(results: list[tuple[str, str, float, str]],
                  precision: float = ACT_PRECISION) -> float:
    """The smallest margin above which the cross-validated predictions of a state-changing
    label are right at least ``precision`` of the time (over every prediction at or above
    that margin)."""
    acts = sorted((m, pred == true) for true, pred, m, _ in results if pred in ACTION_LABELS)
    for i, (m, _) in enumerate(acts):
        above = [ok for _, ok in acts[i:]]
        if sum(above) >= precision * len(above):
            return round(m, 3)
    return 1.0


if __name__ == "__main__":  # python -m chatmrpt.chat.intents: the calibration figures
    res = cross_validate()
    right = sum(t == p for t, p, _, _ in res)
    acts = [(t, p, m) for t, p, m, _ in res if p in ACTION_LABELS]
    thr = act_threshold(res)
    kept = [(t, p) for t, p, m in acts if m >= thr]
    print(f"cross-validated accuracy: {right}/{len(res)} = {right / len(res):.1%}")
    print(f"state-changing predictions: {len(acts)}, right "
          f"{sum(t == p for t, p, _ in acts) / max(1, len(acts)):.1%}")
    print(f"act threshold (margin) for >= {ACT_PRECISION:.0%} right: {thr}; above it "
          f"{len(kept)} predictions, {sum(t == p for t, p in kept) / max(1, len(kept)):.1%} right")
    for t, p, m, text in res:
        if t != p and p in ACTION_LABELS and m >= thr:
            print(f"  wrong above threshold: {t} -> {p} ({m:.2f}): {text}")
