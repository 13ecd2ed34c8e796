// The full language pipeline (see pipeline.h).
#include "nlp/pipeline.h"

#include <filesystem>

#include "nlp/pii.h"

namespace humas::nlp {

Result<std::unique_ptr<Pipeline>> Pipeline::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path base = dir.empty() ? ShippedModelsDir() : fs::path(dir);
  auto p = std::make_unique<Pipeline>();
  HUMAS_ASSIGN_OR_RETURN(p->sentiment_, LoadModel((base / "sentiment.model").string()));
  std::error_code ec;
  if (fs::exists(base / "kind.model", ec)) {
    HUMAS_ASSIGN_OR_RETURN(p->kind_, LoadModel((base / "kind.model").string()));
  }
  if (fs::exists(base / "hoax-claims.tsv", ec)) {
    HUMAS_ASSIGN_OR_RETURN(p->hoax_, HoaxMatcher::LoadTsv((base / "hoax-claims.tsv").string()));
  }
  return p;
}

MentionLabels Pipeline::Label(std::string_view text) const {
  MentionLabels labels;
  const auto tokens = sentiment_->normalizer().Normalize(text);
  const auto s = sentiment_->PredictTokens(tokens);
  labels.sentiment = sentiment_->LabelName(s.label);
  labels.sentiment_confidence = s.confidence;
  if (kind_) {
    // reuse the tokens when both models normalise the same way (the default)
    const bool same =
        kind_->info().normalize.stem == sentiment_->info().normalize.stem &&
        kind_->info().normalize.negation_window == sentiment_->info().normalize.negation_window &&
        kind_->info().normalize.lexicon == sentiment_->info().normalize.lexicon &&
        kind_->info().normalize.squeeze == sentiment_->info().normalize.squeeze &&
        kind_->info().normalize.max_input_bytes == sentiment_->info().normalize.max_input_bytes;
    const auto k = same ? kind_->PredictTokens(tokens) : kind_->Predict(text);
    labels.input_kind = kind_->LabelName(k.label);
    labels.input_kind_confidence = k.confidence;
  }
  if (hoax_.size() > 0) {
    if (auto m = hoax_.Best(text, 0.0)) labels.hoax_score = m->score;
  }
  labels.has_personal_data = HasPersonalData(text);
  return labels;
}

}  // namespace humas::nlp
