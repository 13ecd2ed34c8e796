// Classification metrics: confusion matrix, per-class precision/recall/F1, accuracy, macro-F1.
#pragma once

#include <string>
#include <vector>

namespace humas::nlp {

//! Scores of predictions against gold labels for a fixed label set.
struct EvalReport {
  std::vector<std::string> labels;
  //! confusion[g][p]: number of texts with gold label g predicted as p.
  std::vector<std::vector<long>> confusion;
  std::vector<double> precision, recall, f1;  //!< per label; 0 when undefined (no predictions)
  std::vector<long> support;                  //!< gold count per label
  double accuracy = 0;
  double macro_f1 = 0;  //!< unweighted mean of per-label F1 over labels with support or predictions
  long n = 0;

  //! Human-readable table (per-class P/R/F1, confusion matrix); the last line is
  //! "accuracy=0.xxxx macro_f1=0.xxxx n=N".
  std::string Format() const;
};

//! Builds the report from label indices (each in [0, labels.size())). gold and predicted must
//! have the same length.
EvalReport Evaluate(const std::vector<std::string>& labels, const std::vector<int>& gold,
                    const std::vector<int>& predicted);

//! Builds the report from a ready confusion matrix (confusion[g][p]).
EvalReport EvaluateConfusion(const std::vector<std::string>& labels,
                             std::vector<std::vector<long>> confusion);

}  // namespace humas::nlp
