// Near-duplicate matching against clarified hoax claims (see hoax.h).
#include "nlp/hoax.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "nlp/features.h"

namespace humas::nlp {

namespace {

// The tokens' texts (punctuation and emoji left out), each followed by a space: the string whose
// 5-byte windows are the shingles.
void JoinTokens(const std::vector<Token>& tokens, std::string* joined) {
  std::size_t size = 0;
  for (const auto& t : tokens) {
    if (t.kind != TokenKind::kPunct && t.kind != TokenKind::kEmoji) size += t.text.size() + 1;
  }
  joined->resize(size);
  char* out = joined->data();
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::kPunct || t.kind == TokenKind::kEmoji) continue;
    std::memcpy(out, t.text.data(), t.text.size());
    out += t.text.size();
    *out++ = ' ';
  }
}

constexpr std::size_t kShingleBytes = 5;

// The shingle hash of the 5 bytes at p: HashBytes(5 bytes, 7), the five steps written out.
inline std::uint32_t ShingleHash(const unsigned char* p) {
  constexpr std::uint64_t kInit = 0xCBF29CE484222325ull ^ 7, kPrime = 0x100000001B3ull;
  std::uint64_t h = (kInit ^ p[0]) * kPrime;
  h = (h ^ p[1]) * kPrime;
  h = (h ^ p[2]) * kPrime;
  h = (h ^ p[3]) * kPrime;
  h = (h ^ p[4]) * kPrime;
  return static_cast<std::uint32_t>(h);
}

// The character 5-gram shingle hashes of the tokens' texts (punctuation and emoji left out), in
// text order, repeats included.
void RawShingles(const std::vector<Token>& tokens, std::vector<std::uint32_t>* out) {
  thread_local std::string joined;
  JoinTokens(tokens, &joined);
  out->resize(joined.size() >= kShingleBytes ? joined.size() - kShingleBytes + 1 : 0);
  const auto* p = reinterpret_cast<const unsigned char*>(joined.data());
  for (std::size_t i = 0; i < out->size(); ++i) (*out)[i] = ShingleHash(p + i);
}

}  // namespace

void HoaxMatcher::Shingles(const std::vector<Token>& tokens, std::vector<std::uint32_t>* out) {
  RawShingles(tokens, out);
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

bool HoaxMatcher::Add(std::string id, std::string_view claim, std::string source,
                      std::string date) {
  const auto tokens = normalizer_.Normalize(claim);
  std::size_t words = 0;
  for (const auto& t : tokens) words += t.kind == TokenKind::kWord;
  if (words < 3) return false;
  std::vector<std::uint32_t> sh;
  Shingles(tokens, &sh);
  const auto index = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(std::move(id));
  sources_.push_back(std::move(source));
  dates_.push_back(std::move(date));
  sizes_.push_back(static_cast<std::uint32_t>(sh.size()));
  for (auto s : sh) {
    auto [it, added] = numbers_.emplace(s, static_cast<std::uint32_t>(postings_.size()));
    if (added) {
      postings_.emplace_back();
      TableInsert(s, it->second);
    }
    postings_[it->second].push_back(index);
    filter_[(s >> 6) & (kFilterWords - 1)] |= std::uint64_t{1} << (s & 63);
  }
  std::string joined;
  JoinTokens(tokens, &joined);
  const std::size_t windows =
      joined.size() >= kShingleBytes ? joined.size() - kShingleBytes + 1 : 0;
  joined.append(3, '\0');  // WindowBit reads 8 bytes from the last window's start
  for (std::size_t i = 0; i < windows; ++i) {
    const std::uint32_t b = WindowBit(joined.data() + i);
    window_filter_[b >> 6] |= std::uint64_t{1} << (b & 63);
  }
  return true;
}

void HoaxMatcher::TableInsert(std::uint32_t shingle, std::uint32_t number) {
  if (2 * (numbers_.size() + 1) > table_.size()) {  // grow: re-insert every shingle
    table_.assign(2 * table_.size(), 0);
    for (const auto& [sh, n] : numbers_) {
      if (sh != shingle) TableInsert(sh, n);
    }
  }
  const std::size_t mask = table_.size() - 1;
  std::size_t i = SlotOf(shingle) & mask;
  while (table_[i] != 0) i = (i + 1) & mask;
  table_[i] = (std::uint64_t{shingle} << 32) | (std::uint64_t{number} + 1);
}

std::optional<HoaxMatcher::Match> HoaxMatcher::Best(std::string_view text, double min_score) const {
  if (ids_.empty()) return std::nullopt;
  return BestForTokens(normalizer_.Normalize(text), min_score);
}

std::optional<HoaxMatcher::Match> HoaxMatcher::BestForTokens(const std::vector<Token>& tokens,
                                                             double min_score) const {
  const auto best = BestClaim(tokens, min_score);
  if (!best) return std::nullopt;
  const std::uint32_t c = best->first;
  return Match{ids_[c], best->second, sources_[c], dates_[c]};
}

double HoaxMatcher::BestScoreForTokens(const std::vector<Token>& tokens) const {
  const auto best = BestClaim(tokens, 0.0);
  return best ? best->second : 0.0;
}

double HoaxMatcher::BestScoreUnfiltered(const std::vector<Token>& tokens) const {
  std::vector<std::uint32_t> shingles;
  Shingles(tokens, &shingles);
  std::vector<std::uint32_t> hits(ids_.size(), 0);
  for (auto s : shingles) {
    if (auto it = numbers_.find(s); it != numbers_.end()) {
      for (auto c : postings_[it->second]) ++hits[c];
    }
  }
  double best = 0;
  for (std::size_t c = 0; c < ids_.size(); ++c) {
    best = std::max(best, static_cast<double>(hits[c]) / std::max<std::uint32_t>(1, sizes_[c]));
  }
  return best;
}

std::optional<std::pair<std::uint32_t, double>> HoaxMatcher::BestClaim(
    const std::vector<Token>& tokens, double min_score) const {
  if (ids_.empty()) return std::nullopt;
  thread_local std::vector<std::uint32_t> hits, touched;
  thread_local std::string joined;
  // each distinct shingle counts once: its number is stamped with this call's epoch
  thread_local std::vector<std::uint32_t> stamp;
  thread_local std::uint32_t epoch = 0;
  if (stamp.size() < postings_.size()) stamp.resize(postings_.size(), 0);
  if (++epoch == 0) {
    std::fill(stamp.begin(), stamp.end(), 0);
    epoch = 1;
  }
  JoinTokens(tokens, &joined);
  const std::size_t windows =
      joined.size() >= kShingleBytes ? joined.size() - kShingleBytes + 1 : 0;
  joined.append(3, '\0');  // WindowBit reads 8 bytes from the last window's start
  const auto* p = reinterpret_cast<const unsigned char*>(joined.data());
  hits.assign(ids_.size(), 0);
  touched.clear();
  // Most of a text's windows are in no claim: a bit per window of any claim (from the raw bytes,
  // no hashing) rejects most, the shingle hash's bit filter most of the rest, before the look-up.
  for (std::size_t i = 0; i < windows; ++i) {
    const std::uint32_t b = WindowBit(joined.data() + i);
    if ((window_filter_[b >> 6] >> (b & 63) & 1) == 0) continue;
    const std::uint32_t s = ShingleHash(p + i);
    if ((filter_[(s >> 6) & (kFilterWords - 1)] >> (s & 63) & 1) == 0) continue;
    const std::int64_t number = NumberOf(s);
    if (number < 0 || stamp[static_cast<std::size_t>(number)] == epoch) continue;
    stamp[static_cast<std::size_t>(number)] = epoch;
    for (auto c : postings_[static_cast<std::size_t>(number)]) {
      if (hits[c]++ == 0) touched.push_back(c);
    }
  }
  std::optional<std::pair<std::uint32_t, double>> best;
  std::sort(touched.begin(), touched.end());  // ties go to the claim added first
  for (const auto claim : touched) {
    const double score =
        static_cast<double>(hits[claim]) / std::max<std::uint32_t>(1, sizes_[claim]);
    if (score >= min_score && (!best || score > best->second)) best.emplace(claim, score);
  }
  return best;
}

Result<HoaxMatcher> HoaxMatcher::LoadTsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open hoax claims " + path);
  HoaxMatcher m;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    for (std::size_t start = 0;;) {
      const auto tab = line.find('\t', start);
      f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f.size() < 2) {
      return InvalidArgument(path + " line " + std::to_string(n) +
                             ": expected id<TAB>claim[<TAB>source<TAB>date]");
    }
    f.resize(4);
    m.Add(f[0], f[1], f[2], f[3]);
  }
  return m;
}

}  // namespace humas::nlp
