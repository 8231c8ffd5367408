"""Test-fold predictions: Surprise's per-pair ``algo.test`` against ``models.predict_pairs``.

Run as ``.venv/bin/python bench/predict_pairs.py [--epochs 2]``. Fits every model of
Surprise's published MovieLens 100K benchmark on the first of its five folds (SVD++ with
``--epochs`` epochs, to keep the run short: its prediction cost does not depend on them)
and prints, per model, the fit time, the time of ``algo.test`` (the baseline, what
``run_experiment`` used to call), the time of ``predict_pairs`` on the same pairs, their
ratio and the largest difference between the two estimates.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from aftersales import columns as C
from aftersales import datasets, evaluate, models
from aftersales.evaluate._protocol import to_surprise
from aftersales.metrics import predictions_to_frame
from aftersales.split import kfold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="SVD++ training epochs")
    args = parser.parse_args()
    fold = next(iter(kfold(datasets.load("movielens-100k"), n_splits=5, seed=0)))
    trainset, testset = to_surprise(fold.train, fold.test, (1.0, 5.0))
    users, items = fold.test[C.USER].tolist(), fold.test[C.ITEM].tolist()
    header = ("model", "fit s", "test s", "pairs s", "ratio", "max diff")
    print("{:<16s} {:>7s} {:>8s} {:>8s} {:>7s} {:>9s}".format(*header))
    for name in evaluate.PUBLISHED_SCORES:  # ten models
        params = {"n_epochs": args.epochs} if name == "SVDpp" else {}
        algo = models.make(name, params, seed=0)
        start = time.perf_counter()
        algo.fit(trainset)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        slow = predictions_to_frame(algo.test(testset))[C.ESTIMATE].to_numpy()
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        fast = models.predict_pairs(algo, users, items)
        seconds = time.perf_counter() - start
        diff = float(np.abs(slow - fast).max())
        print(
            f"{name:<16s} {fit:7.2f} {baseline:8.2f} {seconds:8.3f} "
            f"{baseline / seconds:6.1f}x {diff:9.1e}"
        )


if __name__ == "__main__":
    main()
