// Matcher: query terms → space-delimited literals → one Hyperscan literal database.
#include "listening/matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/log.h"
#include "nlp/langid.h"
#include "search/query_parser.h"

namespace humas::listening {
namespace {

using search::DecodeUtf8;
using search::IsWordChar;

std::atomic<std::uint64_t> g_next_serial{1};

// The literals a term stands for in the match stream.
std::vector<std::string> Literals(const search::QueryTerm& t) {
  std::string tail = t.prefix ? "" : " ";
  switch (t.kind) {
    case search::TermKind::kWord:
      return {" " + t.tokens[0] + tail, " #" + t.tokens[0] + tail};
    case search::TermKind::kHashtag:
      return {" #" + t.tokens[0] + tail};
    case search::TermKind::kAccount:
      return {" @" + t.tokens[0] + tail};
    case search::TermKind::kPhrase: {
      std::string s;
      for (const std::string& w : t.tokens) s += " " + w;
      return {s + tail};
    }
  }
  return {};
}

// Terms of which at least one occurs whenever the subtree is true; nullopt when there is no such
// set (a NOT). The parser guarantees the whole expression needs some term, so the root usually has
// a set; when it has none (e.g. NOT NOT a), every term triggers.
std::optional<std::vector<int>> Triggers(const search::QueryExpr& e, int n) {
  const search::QueryNode& node = e.nodes[static_cast<size_t>(n)];
  switch (node.op) {
    case search::QueryNode::Op::kTerm:
      return std::vector<int>{node.term};
    case search::QueryNode::Op::kNot:
      return std::nullopt;
    case search::QueryNode::Op::kOr: {
      std::vector<int> all;
      for (int c : node.children) {
        auto t = Triggers(e, c);
        if (!t) return std::nullopt;
        all.insert(all.end(), t->begin(), t->end());
      }
      return all;
    }
    case search::QueryNode::Op::kAnd: {
      std::optional<std::vector<int>> best;
      for (int c : node.children) {
        auto t = Triggers(e, c);
        if (t && (!best || t->size() < best->size())) best = std::move(t);
      }
      return best;
    }
  }
  return std::nullopt;
}

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  static_cast<std::vector<unsigned int>*>(ctx)->push_back(id);
  return 0;  // continue scanning
}

// Per-thread Hyperscan scratch space, grown for whichever database the thread scans.
struct Scratch {
  hs_scratch_t* space = nullptr;
  std::uint64_t serial = 0;
  ~Scratch() {
    if (space) hs_free_scratch(space);
  }
};

// Words of the text part of a match stream (before "|"), for the language guess.
std::vector<std::string_view> StreamWords(std::string_view stream) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < stream.size()) {
    size_t end = stream.find(' ', i);
    if (end == std::string_view::npos) end = stream.size();
    std::string_view w = stream.substr(i, end - i);
    if (w == "|") break;
    if (!w.empty() && w[0] != '#' && w[0] != '@') words.push_back(w);
    i = end + 1;
  }
  return words;
}

// DecodeUtf8 and IsWordChar with their ASCII case inline (most bytes of most texts).
inline char32_t NextChar(std::string_view s, size_t* i, size_t* len) {
  const auto b = static_cast<unsigned char>(s[*i]);
  if (b >= 0x80) return DecodeUtf8(s, i, len);
  *len = 1;
  ++*i;
  return b;
}

inline bool AsciiWordByte(unsigned char b) {
  return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

inline bool WordChar(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return IsWordChar(c);
}

}  // namespace

std::string MatchStream(std::string_view text, std::string_view author_handle) {
  return MatchStreamOfFolded(search::FoldForMatch(text), author_handle);
}

std::string MatchStreamOfFolded(std::string_view folded, std::string_view author_handle) {
  std::string out;
  out.reserve(folded.size() + author_handle.size() + 8);
  out.push_back(' ');
  auto separate = [&out] {
    if (out.back() != ' ') out.push_back(' ');
  };
  // True when a word character starts at byte i.
  auto word_at = [&folded](size_t i) {
    if (i >= folded.size()) return false;
    size_t len = 0;
    return WordChar(NextChar(folded, &i, &len));
  };
  bool prev_word = false;
  size_t i = 0;
  while (i < folded.size()) {
    // A run of ASCII word characters (most of most texts) is copied at once.
    size_t run = i;
    while (run < folded.size() && AsciiWordByte(static_cast<unsigned char>(folded[run]))) ++run;
    if (run > i) {
      out.append(folded.data() + i, run - i);
      i = run;
      prev_word = true;
      continue;
    }
    size_t start = i;
    size_t len = 0;
    char32_t c = NextChar(folded, &i, &len);
    if ((c == '#' || (c == '@' && !prev_word)) && word_at(i)) {
      // A hashtag (letters, digits, '_') or an account name (also inner '.').
      separate();
      out.push_back(static_cast<char>(c));
      while (i < folded.size()) {
        size_t next = i;
        size_t clen = 0;
        char32_t d = NextChar(folded, &next, &clen);
        bool in_tag = WordChar(d) || d == '_' || (c == '@' && d == '.' && word_at(next));
        if (!in_tag) break;
        out.append(folded.substr(i, clen));
        i = next;
      }
      out.push_back(' ');
      prev_word = true;
    } else if (WordChar(c)) {
      out.append(folded.substr(start, len));
      prev_word = true;
    } else {
      separate();
      prev_word = false;
    }
  }
  separate();
  std::string_view handle = author_handle;
  if (!handle.empty() && handle[0] == '@') handle.remove_prefix(1);
  if (!handle.empty()) {
    out += "| @";
    out += search::FoldForMatch(handle);
    out.push_back(' ');
  }
  return out;
}

Status ValidateLanguages(const std::vector<std::string>& languages) {
  for (const std::string& l : languages) {
    bool known = false;
    for (const char* k : store::kQueryLanguages) known = known || l == k;
    if (!known)
      return InvalidArgument("languages: \"" + l + "\" is not one of id, en, other")
          .WithField("languages");
  }
  return Status::Ok();
}

Result<QuerySpec> SpecFor(const store::AgencyQuery& query) {
  QuerySpec spec;
  spec.id = query.id;
  HUMAS_ASSIGN_OR_RETURN(spec.expr, search::ParseAgencyQuery(query.expression));
  HUMAS_RETURN_IF_ERROR(ValidateLanguages(query.languages));
  spec.platforms = query.platforms;
  spec.languages = query.languages;
  return spec;
}

Result<std::shared_ptr<const Matcher>> Matcher::Compile(std::vector<QuerySpec> specs) {
  std::shared_ptr<Matcher> m(new Matcher());
  m->serial_ = g_next_serial.fetch_add(1);
  if (specs.size() >= (1u << 24)) return InvalidArgument("too many queries for one matcher");
  std::unordered_map<std::string, unsigned int> ids;
  std::vector<std::string> literals;
  for (size_t qi = 0; qi < specs.size(); ++qi) {
    QuerySpec& s = specs[qi];
    if (s.expr.terms.empty() || s.expr.terms.size() > search::kMaxExpressionTerms)
      return InvalidArgument("query " + std::to_string(s.id) + " has no terms or too many");
    HUMAS_RETURN_IF_ERROR(ValidateLanguages(s.languages));
    Compiled c;
    c.id = s.id;
    for (Platform p : s.platforms) c.platform_mask |= std::uint64_t{1} << static_cast<int>(p);
    for (const std::string& l : s.languages) {
      nlp::Language lang = l == "id"   ? nlp::Language::kIndonesian
                           : l == "en" ? nlp::Language::kEnglish
                                       : nlp::Language::kOther;
      c.language_mask |= static_cast<std::uint8_t>(1u << static_cast<int>(lang));
    }
    std::vector<bool> trigger(s.expr.terms.size(), false);
    if (auto t = Triggers(s.expr, s.expr.root)) {
      for (int ti : *t) trigger[static_cast<size_t>(ti)] = true;
    } else {
      trigger.assign(trigger.size(), true);
    }
    c.term_literals.resize(s.expr.terms.size());
    for (size_t ti = 0; ti < s.expr.terms.size(); ++ti) {
      for (std::string& lit : Literals(s.expr.terms[ti])) {
        auto [it, added] = ids.emplace(std::move(lit), static_cast<unsigned int>(literals.size()));
        if (added) {
          literals.push_back(it->first);
          m->pattern_terms_.emplace_back();
        }
        c.term_literals[ti].push_back(it->second);
        if (trigger[ti])
          m->pattern_terms_[it->second].push_back(static_cast<TermRef>((qi << 8) | ti));
      }
    }
    c.expr = std::move(s.expr);
    m->queries_.push_back(std::move(c));
  }
  // The trie: each literal from its second byte (the first is always a space).
  std::vector<std::map<std::uint8_t, std::uint32_t>> children(1);
  std::vector<std::int32_t> ends(1, -1);
  for (size_t id = 0; id < literals.size(); ++id) {
    std::uint32_t node = 0;
    for (size_t b = 1; b < literals[id].size(); ++b) {
      const auto c = static_cast<std::uint8_t>(literals[id][b]);
      auto [it, added] = children[node].emplace(c, static_cast<std::uint32_t>(children.size()));
      if (added) {
        children.emplace_back();
        ends.push_back(-1);
      }
      node = it->second;
    }
    ends[node] = static_cast<std::int32_t>(id);
  }
  m->nodes_.resize(children.size());
  for (size_t node = 0; node < children.size(); ++node) {
    TrieNode& t = m->nodes_[node];
    t.literal = ends[node];
    if (node == 0) {
      for (const auto& [c, child] : children[0]) m->root_[c] = child;
      continue;
    }
    t.first_edge = static_cast<std::uint32_t>(m->edge_byte_.size());
    t.edges = static_cast<std::uint32_t>(children[node].size());
    for (const auto& [c, child] : children[node]) {
      m->edge_byte_.push_back(c);
      m->edge_child_.push_back(child);
    }
  }
  m->literals_ = std::move(literals);
  return std::shared_ptr<const Matcher>(std::move(m));
}

Matcher::~Matcher() {
  if (db_) hs_free_database(static_cast<hs_database_t*>(db_));
}

void Matcher::TrieHits(std::string_view stream, std::vector<unsigned int>* hits) const {
  const auto* s = reinterpret_cast<const unsigned char*>(stream.data());
  const size_t n = stream.size();
  const TrieNode* nodes = nodes_.data();
  const std::uint8_t* edge_byte = edge_byte_.data();
  const std::uint32_t* edge_child = edge_child_.data();
  const bool space_literal = nodes[0].literal >= 0;  // a literal " " (not made by Literals())
  for (size_t p = 0; p < n; ++p) {
    if (s[p] != ' ') continue;
    if (space_literal) hits->push_back(static_cast<unsigned int>(nodes[0].literal));
    if (p + 1 >= n) break;
    // a literal can only start at this space: walk the trie from the byte after it
    std::uint32_t node = root_[s[p + 1]];
    for (size_t q = p + 2; node != 0; ++q) {
      const TrieNode& t = nodes[node];
      if (t.literal >= 0) hits->push_back(static_cast<unsigned int>(t.literal));
      if (q >= n || t.edges == 0) break;
      const unsigned char c = s[q];
      std::uint32_t next = 0;
      for (std::uint32_t e = t.first_edge, end = t.first_edge + t.edges; e < end; ++e) {
        if (edge_byte[e] >= c) {
          if (edge_byte[e] == c) next = edge_child[e];
          break;
        }
      }
      node = next;
    }
  }
}

bool Matcher::ScanHyperscan(std::string_view stream, std::vector<unsigned int>* hits) const {
  if (literals_.empty()) return true;
  std::call_once(db_once_, [this] {
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned int> flags(literals_.size(), HS_FLAG_SINGLEMATCH);
    std::vector<unsigned int> pattern_ids;
    for (size_t i = 0; i < literals_.size(); ++i) {
      exprs.push_back(literals_[i].data());
      lens.push_back(literals_[i].size());
      pattern_ids.push_back(static_cast<unsigned int>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), pattern_ids.data(), lens.data(),
                             static_cast<unsigned int>(literals_.size()), HS_MODE_BLOCK, nullptr,
                             &db, &err) != HS_SUCCESS) {
      Log(LogLevel::kError, "listening.hyperscan_compile",
          {{"error", err && err->message ? err->message : "unknown error"}});
      hs_free_compile_error(err);
      db_failed_ = true;
      return;
    }
    db_ = db;
  });
  if (db_failed_) return false;
  auto* db = static_cast<hs_database_t*>(db_);
  thread_local Scratch scratch;
  if (scratch.serial != serial_) {
    if (hs_alloc_scratch(db, &scratch.space) != HS_SUCCESS) {
      Log(LogLevel::kError, "listening.scratch", {{"error", "hs_alloc_scratch failed"}});
      return false;
    }
    scratch.serial = serial_;
  }
  hs_error_t rc = hs_scan(db, stream.data(), static_cast<unsigned int>(stream.size()), 0,
                          scratch.space, OnMatch, hits);
  if (rc != HS_SUCCESS) {
    Log(LogLevel::kError, "listening.scan", {{"code", static_cast<int>(rc)}});
    return false;
  }
  return true;
}

namespace {
std::vector<unsigned int> SortedDistinct(std::vector<unsigned int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
}  // namespace

std::vector<unsigned int> Matcher::LiteralHits(std::string_view stream) const {
  std::vector<unsigned int> hits;
  TrieHits(stream, &hits);
  return SortedDistinct(std::move(hits));
}

std::vector<unsigned int> Matcher::HyperscanLiteralHits(std::string_view stream) const {
  std::vector<unsigned int> hits;
  ScanHyperscan(stream, &hits);
  return SortedDistinct(std::move(hits));
}

std::vector<Id> Matcher::Match(Platform platform, std::string_view text,
                               std::string_view author_handle) const {
  if (literals_.empty()) return {};
  return MatchStreamed(platform, MatchStream(text, author_handle));
}

std::vector<Id> Matcher::MatchFolded(Platform platform, std::string_view folded,
                                     std::string_view author_handle) const {
  if (literals_.empty()) return {};
  return MatchStreamed(platform, MatchStreamOfFolded(folded, author_handle));
}

std::vector<Id> Matcher::MatchStreamed(Platform platform, std::string_view stream) const {
  if (literals_.empty()) return {};
  thread_local std::vector<unsigned int> hits;
  hits.clear();
  TrieHits(stream, &hits);
  return Resolve(platform, stream, hits);
}

std::vector<Id> Matcher::MatchStreamedWithHyperscan(Platform platform,
                                                    std::string_view stream) const {
  if (literals_.empty()) return {};
  thread_local std::vector<unsigned int> hits;
  hits.clear();
  if (!ScanHyperscan(stream, &hits)) return {};
  return Resolve(platform, stream, hits);
}

std::vector<Id> Matcher::Resolve(Platform platform, std::string_view stream,
                                 const std::vector<unsigned int>& hits) const {
  std::vector<Id> out;
  if (hits.empty()) return out;
  // Which literals occurred: stamped with this scan's epoch (no clearing between scans).
  thread_local std::vector<std::uint32_t> stamp;
  thread_local std::uint32_t epoch = 0;
  if (stamp.size() < pattern_terms_.size()) stamp.resize(pattern_terms_.size(), 0);
  if (++epoch == 0) {
    std::fill(stamp.begin(), stamp.end(), 0);
    epoch = 1;
  }
  // Candidate queries: those one of whose trigger terms occurred.
  thread_local std::vector<std::uint32_t> cand;
  cand.clear();
  for (unsigned int h : hits) {
    if (stamp[h] == epoch) continue;  // the trie may report a literal more than once
    stamp[h] = epoch;
    for (TermRef ref : pattern_terms_[h]) cand.push_back(ref >> 8);
  }
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  std::optional<nlp::Language> language;
  for (std::uint32_t qi : cand) {
    const Compiled& q = queries_[qi];
    if (q.platform_mask && !((q.platform_mask >> static_cast<int>(platform)) & 1)) continue;
    if (q.language_mask) {
      if (!language) language = nlp::DetectLanguageOfWords(StreamWords(stream));
      if (!((q.language_mask >> static_cast<int>(*language)) & 1)) continue;
    }
    auto present = [&q](int t) {
      for (std::uint32_t l : q.term_literals[static_cast<size_t>(t)])
        if (stamp[l] == epoch) return true;
      return false;
    };
    if (q.expr.Eval(present)) out.push_back(q.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

MatcherHolder::MatcherHolder() {
  auto empty = Matcher::Compile({});
  current_.store(*empty);
}

Status MatcherHolder::Rebuild(store::QueryRepository& queries) {
  std::lock_guard<std::mutex> lock(rebuild_mu_);
  HUMAS_ASSIGN_OR_RETURN(std::vector<store::AgencyQuery> active, queries.AllActive());
  std::vector<QuerySpec> specs;
  specs.reserve(active.size());
  for (const store::AgencyQuery& q : active) {
    auto spec = SpecFor(q);
    if (!spec.ok()) {
      Log(LogLevel::kWarn, "listening.query_skipped",
          {{"query_id", q.id}, {"reason", spec.status().message()}});
      continue;
    }
    specs.push_back(std::move(spec).value());
  }
  HUMAS_ASSIGN_OR_RETURN(std::shared_ptr<const Matcher> compiled,
                         Matcher::Compile(std::move(specs)));
  current_.store(std::move(compiled));
  Log(LogLevel::kInfo, "listening.matcher_rebuilt",
      {{"queries", current_.load()->query_count()},
       {"patterns", current_.load()->pattern_count()}});
  return Status::Ok();
}

std::function<std::vector<Id>(const Mention&, std::string_view)> IntakeMatcher(
    std::shared_ptr<MatcherHolder> holder) {
  return [holder = std::move(holder)](const Mention& m, std::string_view folded) {
    return holder->Get()->MatchFolded(m.data.platform, folded, m.data.author_handle);
  };
}

}  // namespace humas::listening
