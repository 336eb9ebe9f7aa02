"""Training: the scikit-learn estimators, the synthetic spinner and its table family, corpora, labelling, the trainers of the detector and the restorer, and their metrics."""
