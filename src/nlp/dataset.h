// Labelled text files for training and evaluation (TSV "text<TAB>label", or CSV with a header).
#pragma once

#include <string>
#include <string_view>
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

//! Key for finding the same text across data sets: case-folded word tokens (letters and digits)
//! joined by single spaces, so punctuation, spacing and case differences do not hide duplicates
//! (NusaX texts reappear in SmSA lower-cased and re-tokenised).
std::string DedupKey(std::string_view text);

//! Removes from data every text whose DedupKey occurs in `other`; returns how many were removed.
std::size_t RemoveOverlap(std::vector<LabelledText>* data, const std::vector<LabelledText>& other);

}  // namespace humas::nlp
