// Labelled text files for training and evaluation (TSV "text<TAB>label", or CSV with a header).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace humas::nlp {

struct LabelledText {
  std::string text;
  std::string label;
};

//! Reads a labelled file. Format by extension: ".csv" is CSV (RFC 4180 quoting) with a header
//! naming a text column (text, tweet, sentence or review) and a "label" column; anything else is
//! UTF-8 TSV without a header, one "text<TAB>label" per line (the label is after the last tab).
//! Blank lines are skipped. Returns NotFound when the file cannot be opened and InvalidArgument
//! (naming the line) when a line has no label.
Result<std::vector<LabelledText>> ReadLabelledFile(const std::string& path);

}  // namespace humas::nlp
