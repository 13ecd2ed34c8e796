// The full language pipeline as intake runs it: one normalisation, then sentiment, kind of input,
// personal data and hoax signal, filled into MentionLabels.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "nlp/classifier.h"
#include "nlp/hoax.h"

namespace humas::nlp {

//! Immutable after loading; Label() is thread-safe.
class Pipeline {
 public:
  //! Loads the shipped models from `dir` (default ShippedModelsDir()): sentiment.model is
  //! required (NotFound otherwise); kind.model and hoax-claims.tsv are optional — a label whose
  //! model is missing stays empty / 0, never guessed.
  static Result<std::unique_ptr<Pipeline>> Load(const std::string& dir = "");

  //! Labels for one text. hoax_score is the best claim-match score (0 without a claims library).
  MentionLabels Label(std::string_view text) const;

  const TextClassifier& sentiment() const { return *sentiment_; }
  const TextClassifier* kind() const { return kind_.get(); }
  const HoaxMatcher& hoax() const { return hoax_; }

 private:
  std::unique_ptr<TextClassifier> sentiment_;
  std::unique_ptr<TextClassifier> kind_;
  bool kind_shares_tokens_ = false;  //!< kind normalises like sentiment: one token list for both
  //! Sentiment's and (when kind_shares_tokens_) kind's feature sums in one pass over the tokens.
  std::unique_ptr<LinearScorer> scorer_;
  HoaxMatcher hoax_;
};

}  // namespace humas::nlp
