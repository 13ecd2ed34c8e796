// RenderFts5Match: parsed query → safe FTS5 MATCH expression.
#include "store/sqlite/fts_query.h"

namespace humas::store::sqlite {
namespace {

void AppendPhrase(std::string* out, const search::Phrase& p) {
  out->push_back('"');
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if (i > 0) out->push_back(' ');
    for (char c : p.tokens[i]) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

std::string RenderFts5Match(const search::ParsedQuery& query) {
  std::string out = "(";
  for (size_t i = 0; i < query.required.size(); ++i) {
    if (i > 0) out += " AND ";
    AppendPhrase(&out, query.required[i]);
  }
  out += ")";
  for (const search::Phrase& p : query.excluded) {
    out += " NOT ";
    AppendPhrase(&out, p);
  }
  return out;
}

}  // namespace humas::store::sqlite
