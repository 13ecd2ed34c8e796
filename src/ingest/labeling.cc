// Applying the language engine's pipeline to incoming mentions.
#include "ingest/labeling.h"

#include <memory>

#include "nlp/pipeline.h"

namespace humas::ingest {

Result<Labeler> LoadLabeler(const std::string& models_dir) {
  auto pipeline = nlp::Pipeline::Load(models_dir);
  if (!pipeline.ok()) return pipeline.status();
  // shared_ptr: the Labeler is a copyable std::function and every copy uses the same models.
  std::shared_ptr<const nlp::Pipeline> shared = std::move(pipeline).value();
  return Labeler([shared](MentionInput* m) { m->labels = shared->Label(m->text); });
}

}  // namespace humas::ingest
