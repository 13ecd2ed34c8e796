// Loading the shipped classifiers and applying them to incoming mentions.
#include "ingest/labeling.h"

#include <filesystem>
#include <memory>

#include "nlp/classifier.h"

namespace humas::ingest {

namespace {

std::filesystem::path ModelPath(const std::string& models_dir, const std::string& task) {
  return models_dir.empty() ? nlp::ShippedModelPath(task)
                            : std::filesystem::path(models_dir) / (task + ".model");
}

}  // namespace

Result<Labeler> LoadLabeler(const std::string& models_dir) {
  std::filesystem::path path = ModelPath(models_dir, "sentiment");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("no sentiment model at " + path.string());
  auto model = nlp::LoadModel(path.string());
  if (!model.ok()) return model.status();
  // shared_ptr: the Labeler is a copyable std::function and every copy uses the same models.
  std::shared_ptr<const nlp::TextClassifier> sentiment = std::move(model).value();
  // The kind-of-input model is optional: without it input_kind stays empty.
  std::shared_ptr<const nlp::TextClassifier> kind;
  std::filesystem::path kind_path = ModelPath(models_dir, "kind");
  if (std::filesystem::exists(kind_path, ec)) {
    auto k = nlp::LoadModel(kind_path.string());
    if (!k.ok()) return k.status();
    kind = std::move(k).value();
  }
  return Labeler([sentiment, kind](MentionInput* m) {
    nlp::Prediction p = sentiment->Predict(m->text);
    m->labels.sentiment = sentiment->LabelName(p.label);
    m->labels.sentiment_confidence = p.confidence;
    if (kind) {
      nlp::Prediction k = kind->Predict(m->text);
      m->labels.input_kind = kind->LabelName(k.label);
      m->labels.input_kind_confidence = k.confidence;
    }
  });
}

}  // namespace humas::ingest
