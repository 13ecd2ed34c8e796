// Training the linear classifiers: SGD on softmax regression, k-fold cross-validation, and
// calibration (decision offsets for macro-F1, temperature for confidence) on out-of-fold scores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "nlp/classifier.h"
#include "nlp/dataset.h"
#include "nlp/metrics.h"

namespace humas::nlp {

struct TrainOptions {
  int epochs = 15;
  double learning_rate = 1.0;  //!< initial SGD step, decays linearly to 0
  double l2 = 1e-5;            //!< L2 penalty per example
  //! Loss weight of class c is (n / (K * n_c))^class_weight_power: 0 = plain, 1 = balanced.
  double class_weight_power = 0.5;
  //! Weights are averaged over the ends of the last `average_epochs` epochs (Polyak-style
  //! averaging: less noise from the final SGD steps); 0 or 1 = last weights only.
  int average_epochs = 0;
  //! Independent SGD runs (different shuffles) whose weights are averaged: an ensemble that costs
  //! nothing at prediction time, because the average of linear models is one linear model.
  int bags = 1;
  //! Naive-Bayes feature scaling (as in NBSVM, Wang & Manning 2012): the step of weight (j, c) is
  //! scaled by nb + |log-count ratio of feature j for class c vs the rest|, computed on the
  //! training rows. 0 turns it off. The scales are folded into the weights after training, so the
  //! model and its prediction cost are unchanged.
  double nb = 0;
  int folds = 5;             //!< cross-validation folds for scores and calibration; <2 = none
  bool tune_offsets = true;  //!< tune per-label decision offsets for macro-F1 on the folds
  bool calibrate = true;     //!< fit the softmax temperature on the folds
  std::uint64_t seed = 20261123;
};

//! What training measured, for the CLI and the model card.
struct TrainReport {
  std::vector<double> fold_macro_f1;  //!< per fold, with the tuned offsets of that run
  double cv_macro_f1 = 0;             //!< mean over folds
  double cv_macro_f1_sd = 0;
  EvalReport cv;                         //!< pooled out-of-fold report (offsets applied)
  double nll_before = 0, nll_after = 0;  //!< out-of-fold log loss before/after calibration
  double ece_before = 0, ece_after = 0;  //!< expected calibration error (10 bins)
  double seconds = 0;
  //! Out-of-fold raw logits (before offsets and temperature), one row per training text, and
  //! each text's fold: for analysis (e.g. `humas train --oof FILE`) and ensembles.
  std::vector<std::vector<float>> oof_logits;
  std::vector<int> oof_fold;
  std::size_t extra_used = 0;  //!< extra texts that joined every training fold
};

//! Trains a model for `task` on `data`. The label set is taken from the data (sorted by the
//! canonical order for known tasks, e.g. positive, neutral, negative), or from `warm_start`.
//! With `warm_start`, training continues from its weights and settings (incremental retraining
//! on appended data: pass old + new data, or new data only with fewer epochs); labels not in the
//! warm-start model are an error. Returns InvalidArgument for empty data, a single label, or
//! labels a known task does not have.
//!
//! `extra` texts (e.g. another permissively licensed set) join the training rows of every
//! cross-validation fold and the final model but are never scored: cross-validation stays a
//! measure on `data` alone, so it can tell whether the extra data helps.
Result<std::unique_ptr<TextClassifier>> Train(const std::vector<LabelledText>& data, ModelInfo info,
                                              const TrainOptions& options,
                                              const TextClassifier* warm_start, TrainReport* report,
                                              const std::vector<LabelledText>& extra = {});

//! Settings chosen for a known task by cross-validation on its training data, applied over the
//! plain defaults: for "sentiment" (chosen on SmSA train, see models/sentiment.md) NB-scaled steps
//! (nb 1), unstemmed word unigrams, lexicon polarity (with stems), the length bucket and both
//! clause features as extra features, L2 3e-6 and 3 averaged SGD runs. Other tasks keep the plain
//! defaults.
void ApplyTaskDefaults(const std::string& task, ModelInfo* info, TrainOptions* options);

//! Canonical labels of known tasks ("sentiment": positive, neutral, negative); empty otherwise.
std::vector<std::string> TaskLabels(const std::string& task);

//! Predicts every text and scores against the gold labels. A gold label the model does not know
//! is an InvalidArgument (naming it), not a silent error count.
Result<EvalReport> EvaluateModel(const TextClassifier& model,
                                 const std::vector<LabelledText>& data);

}  // namespace humas::nlp
