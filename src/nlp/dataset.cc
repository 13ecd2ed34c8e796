// Reading labelled TSV/CSV files (see dataset.h).
#include "nlp/dataset.h"

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "nlp/normalizer.h"

namespace humas::nlp {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void StripCr(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

// Parses one CSV record starting at *pos (quoted fields may span lines).
std::vector<std::string> CsvRecord(const std::string& data, std::size_t* pos) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  std::size_t i = *pos;
  for (; i < data.size(); ++i) {
    const char c = data[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < data.size() && data[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++i;
      break;
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  fields.push_back(std::move(field));
  *pos = i;
  return fields;
}

Result<std::vector<LabelledText>> ReadCsv(const std::string& path, const std::string& data) {
  std::size_t pos = 0;
  const auto header = CsvRecord(data, &pos);
  int text_col = -1, label_col = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = Lower(header[i]);
    if (h == "text" || h == "tweet" || h == "sentence" || h == "review")
      text_col = static_cast<int>(i);
    if (h == "label") label_col = static_cast<int>(i);
  }
  if (text_col < 0 || label_col < 0) {
    return InvalidArgument(path +
                           ": CSV header needs a text column (text, tweet, sentence or "
                           "review) and a label column");
  }
  std::vector<LabelledText> out;
  long record = 1;
  while (pos < data.size()) {
    ++record;
    auto f = CsvRecord(data, &pos);
    if (f.size() == 1 && f[0].empty()) continue;
    if (static_cast<int>(f.size()) <= std::max(text_col, label_col)) {
      return InvalidArgument(path + ": record " + std::to_string(record) + " has " +
                             std::to_string(f.size()) + " fields; the header has " +
                             std::to_string(header.size()));
    }
    out.push_back({std::move(f[text_col]), std::move(f[label_col])});
  }
  return out;
}

}  // namespace

Result<std::vector<LabelledText>> ReadLabelledFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path + ": check the path and permissions");
  const bool csv = path.size() > 4 && Lower(path.substr(path.size() - 4)) == ".csv";
  if (csv) {
    std::stringstream ss;
    ss << in.rdbuf();
    return ReadCsv(path, ss.str());
  }
  std::vector<LabelledText> out;
  std::string line;
  long n = 0;
  while (std::getline(in, line)) {
    ++n;
    StripCr(line);
    if (line.empty()) continue;
    const auto tab = line.rfind('\t');
    if (tab == std::string::npos || tab + 1 == line.size()) {
      return InvalidArgument(path + ":" + std::to_string(n) +
                             ": expected \"text<TAB>label\" (no header)");
    }
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

std::string DedupKey(std::string_view text) {
  const std::string folded = NfkcCaseFold(SanitizeUtf8(text));
  std::string key;
  bool in_word = false;
  for (unsigned char c : folded) {
    const bool word = std::isalnum(c) || c >= 0x80;
    if (word) {
      if (!in_word && !key.empty()) key.push_back(' ');
      key.push_back(static_cast<char>(c));
    }
    in_word = word;
  }
  return key;
}

std::size_t RemoveOverlap(std::vector<LabelledText>* data, const std::vector<LabelledText>& other) {
  std::unordered_set<std::string> keys;
  for (const auto& e : other) keys.insert(DedupKey(e.text));
  const auto before = data->size();
  std::erase_if(*data, [&](const LabelledText& e) { return keys.count(DedupKey(e.text)) > 0; });
  return before - data->size();
}

}  // namespace humas::nlp
