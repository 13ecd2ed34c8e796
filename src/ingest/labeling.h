// The language engine's seam in the intake path: a Labeler that fills a mention's labels from
// the models that ship with humas (src/nlp, models/).
#pragma once

#include <string>

#include "core/status.h"
#include "ingest/ingest.h"

namespace humas::ingest {

//! Loads the language pipeline (nlp::Pipeline: sentiment, kind of input, personal data, hoax
//! signal) from `models_dir` ("" = the shipped models) and returns a thread-safe Labeler that
//! fills every label of a mention.
//! NotFound when no model is there: callers then ingest without labels (labels stay empty, never
//! guessed).
Result<Labeler> LoadLabeler(const std::string& models_dir);

}  // namespace humas::ingest
