// The language engine's seam in the intake path: a Labeler that fills a mention's labels from
// the models that ship with humas (src/nlp, models/).
#pragma once

#include <string>

#include "core/status.h"
#include "ingest/ingest.h"

namespace humas::ingest {

//! Loads the shipped sentiment model (and the kind-of-input model when present) from
//! `models_dir` ("" = the default models directory) and returns a thread-safe Labeler setting
//! labels.sentiment / labels.input_kind and their calibrated confidences.
//! NotFound when no model is there: callers then ingest without labels (labels stay empty, never
//! guessed).
Result<Labeler> LoadLabeler(const std::string& models_dir);

}  // namespace humas::ingest
