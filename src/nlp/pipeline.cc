// The full language pipeline (see pipeline.h).
#include "nlp/pipeline.h"

#include <algorithm>
#include <filesystem>

#include "nlp/pii.h"

namespace humas::nlp {
namespace {

// Whether two normalisers produce the same tokens (then one normalisation serves both).
bool SameNormalization(const NormalizeOptions& a, const NormalizeOptions& b) {
  return a.stem == b.stem && a.negation_window == b.negation_window && a.lexicon == b.lexicon &&
         a.squeeze == b.squeeze && a.max_input_bytes == b.max_input_bytes;
}

}  // namespace

Result<std::unique_ptr<Pipeline>> Pipeline::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path base = dir.empty() ? ShippedModelsDir() : fs::path(dir);
  auto p = std::make_unique<Pipeline>();
  HUMAS_ASSIGN_OR_RETURN(p->sentiment_, LoadModel((base / "sentiment.model").string()));
  std::error_code ec;
  if (fs::exists(base / "kind.model", ec)) {
    HUMAS_ASSIGN_OR_RETURN(p->kind_, LoadModel((base / "kind.model").string()));
  }
  std::vector<LinearModelRef> models = {p->sentiment_->ScorerRef()};
  if (p->kind_) {
    p->kind_shares_tokens_ =
        SameNormalization(p->kind_->info().normalize, p->sentiment_->info().normalize);
    if (p->kind_shares_tokens_) models.push_back(p->kind_->ScorerRef());
  }
  p->scorer_ = std::make_unique<LinearScorer>(std::move(models));
  if (fs::exists(base / "hoax-claims.tsv", ec)) {
    HUMAS_ASSIGN_OR_RETURN(p->hoax_, HoaxMatcher::LoadTsv((base / "hoax-claims.tsv").string()));
  }
  return p;
}

MentionLabels Pipeline::Label(std::string_view text) const {
  MentionLabels labels;
  thread_local std::vector<Token> tokens;  // reused: no allocation per text once warm
  sentiment_->normalizer().Normalize(text, &tokens);
  thread_local Prediction s, k;  // reused: their probabilities are not allocated per text
  thread_local FeatureSums sums[2];
  thread_local std::vector<float> logits;
  // both models' feature sums in one pass when they share the tokens (the default)
  scorer_->Score(tokens, sums);
  logits.resize(std::max(sentiment_->info().labels.size(),
                         kind_ ? kind_->info().labels.size() : std::size_t{0}));
  sentiment_->Logits(sums[0], logits.data());
  sentiment_->Finish(logits.data(), &s);
  labels.sentiment = sentiment_->LabelName(s.label);
  labels.sentiment_confidence = s.confidence;
  if (kind_) {
    if (kind_shares_tokens_) {
      kind_->Logits(sums[1], logits.data());
      kind_->Finish(logits.data(), &k);
    } else {
      k = kind_->Predict(text);
    }
    labels.input_kind = kind_->LabelName(k.label);
    labels.input_kind_confidence = k.confidence;
  }
  if (hoax_.size() > 0) {
    // the claims library normalises with the default options: reuse the tokens when they match
    const bool same = SameNormalization(NormalizeOptions{}, sentiment_->info().normalize);
    if (same) {
      labels.hoax_score = hoax_.BestScoreForTokens(tokens);
    } else if (auto m = hoax_.Best(text, 0.0)) {
      labels.hoax_score = m->score;
    }
  }
  labels.has_personal_data = HasPersonalData(text);
  return labels;
}

}  // namespace humas::nlp
