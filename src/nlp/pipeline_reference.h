// The language labels of nlp::Pipeline::Label computed the plain way, kept as the reference that
// the fast path is held to: every step without memoisation or fast paths (the step-by-step
// normaliser with the whole-text Unicode fold, feature extraction without the per-token memo,
// the claim match without its filters, a fresh Prediction per model).
// pipeline_reference_test compares both on fixed corpora. Header-only, for tests and benchmarks;
// the product uses Pipeline::Label.
#pragma once

#include <string_view>
#include <vector>

#include "core/model.h"
#include "nlp/features.h"
#include "nlp/pii.h"
#include "nlp/pipeline.h"

namespace humas::nlp::reference {

//! One model's prediction from tokens, every step computed.
inline Prediction Predict(const TextClassifier& model, const std::vector<Token>& tokens) {
  FeatureVector x;
  ExtractFeaturesDirect(tokens, model.info().features, &x);
  const std::size_t k = model.info().labels.size();
  std::vector<float> logits(k);
  Prediction p;
  p.probabilities.resize(k);
  model.Logits(x, logits.data());
  model.Calibrate(logits.data(), p.probabilities.data());
  for (std::size_t c = 1; c < k; ++c) {
    if (p.probabilities[c] > p.probabilities[p.label]) p.label = static_cast<int>(c);
  }
  p.confidence = p.probabilities[p.label];
  return p;
}

//! What Pipeline::Label(text) must return.
inline MentionLabels Label(const Pipeline& pipeline, std::string_view text) {
  MentionLabels labels;
  const TextClassifier& sentiment = pipeline.sentiment();
  const Prediction s = Predict(sentiment, sentiment.normalizer().NormalizeStepByStep(text));
  labels.sentiment = sentiment.LabelName(s.label);
  labels.sentiment_confidence = s.confidence;
  if (const TextClassifier* kind = pipeline.kind()) {
    const Prediction k = Predict(*kind, kind->normalizer().NormalizeStepByStep(text));
    labels.input_kind = kind->LabelName(k.label);
    labels.input_kind_confidence = k.confidence;
  }
  if (pipeline.hoax().size() > 0) {
    labels.hoax_score = pipeline.hoax().BestScoreUnfiltered(Normalizer().NormalizeStepByStep(text));
  }
  labels.has_personal_data = !FindPersonalData(text).empty();
  return labels;
}

}  // namespace humas::nlp::reference
