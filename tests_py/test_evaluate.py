"""The Python ROC AUC used against the hidden truth, on cases checked by hand."""

from scorehouse.devtools.evaluate import roc_auc


def test_roc_auc_counts_ties_as_half():
    pairs = [(0.9, True), (0.7, False), (0.6, True), (0.4, True), (0.4, False), (0.1, False)]
    assert roc_auc(pairs) == (6 + 0.5) / 9


def test_roc_auc_extremes_and_one_class():
    assert roc_auc([(1, True), (0, False)]) == 1.0
    assert roc_auc([(0, True), (1, False)]) == 0.0
    assert roc_auc([(1, True), (1, False)]) == 0.5
    assert roc_auc([(1, False), (2, False)]) is None
