// Near-duplicate signatures (word-bigram shingles, MinHash bands) and the recent-window index.
#include "ingest/near_dup.h"

#include <algorithm>
#include <string>

#include "search/agency_query.h"
#include "search/query_parser.h"

namespace humas::ingest {
namespace {

// splitmix64's finaliser: a cheap, well-mixing 64-bit hash step.
std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t HashWord(std::string_view w) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : w) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

// Verified candidates per text, newest first in each band: a campaign repeated thousands of
// times must not make every new copy compare against all of them (one close copy is enough to
// flag it). A copy at or above kCloseEnough ends the search at once.
constexpr size_t kMaxCandidates = 32;
constexpr double kCloseEnough = 0.9;

}  // namespace

TextSignature SignText(std::string_view text, size_t min_words) {
  TextSignature sig;
  std::vector<std::string> words = search::Tokenize(search::FoldForMatch(text));
  if (words.size() < std::max<size_t>(min_words, 2)) return sig;
  std::vector<std::uint64_t> hashes;
  hashes.reserve(words.size());
  for (const auto& w : words) hashes.push_back(HashWord(w));
  sig.shingles.reserve(words.size() - 1);
  for (size_t k = 0; k + 1 < hashes.size(); ++k)
    sig.shingles.push_back(static_cast<std::uint32_t>(Mix(hashes[k] * 31 + hashes[k + 1]) >> 32));
  std::sort(sig.shingles.begin(), sig.shingles.end());
  sig.shingles.erase(std::unique(sig.shingles.begin(), sig.shingles.end()), sig.shingles.end());
  std::array<std::uint32_t, kMinHashes> minhash;
  minhash.fill(UINT32_MAX);
  for (std::uint32_t s : sig.shingles) {
    for (int j = 0; j < kMinHashes; ++j) {
      auto h = static_cast<std::uint32_t>(Mix(s ^ (0x9e3779b97f4a7c15ULL * (j + 1))));
      minhash[j] = std::min(minhash[j], h);
    }
  }
  constexpr int kRows = kMinHashes / kBands;
  for (int b = 0; b < kBands; ++b) {
    std::uint64_t v = 0;
    for (int r = 0; r < kRows; ++r) v = Mix(v ^ minhash[b * kRows + r]);
    sig.bands[b] = v;
  }
  return sig;
}

double Jaccard(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

NearDuplicateIndex::NearDuplicateIndex(NearDuplicateOptions options) : options_(options) {}

std::uint64_t NearDuplicateIndex::BandKey(Id agency, int band, std::uint64_t value) {
  return Mix(value ^
             Mix(static_cast<std::uint64_t>(agency) * 64 + static_cast<std::uint64_t>(band)));
}

size_t NearDuplicateIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

std::optional<NearDuplicateIndex::Hit> NearDuplicateIndex::FindLocked(std::optional<Id> agency,
                                                                      const TextSignature& sig,
                                                                      UnixMillis created_at) const {
  if (sig.empty()) return std::nullopt;
  const Id a = agency.value_or(0);
  std::optional<Hit> best;
  std::vector<std::uint64_t> seen;
  size_t checked = 0;
  for (int b = 0; b < kBands && checked < kMaxCandidates; ++b) {
    auto it = by_band_.find(BandKey(a, b, sig.bands[b]));
    if (it == by_band_.end()) continue;
    const auto& seqs = it->second;
    for (auto s = seqs.rbegin(); s != seqs.rend() && checked < kMaxCandidates; ++s) {
      if (*s < first_seq_) continue;
      if (std::find(seen.begin(), seen.end(), *s) != seen.end()) continue;
      seen.push_back(*s);
      ++checked;
      const Entry& e = entries_[*s - first_seq_];
      if (e.agency != a) continue;
      UnixMillis gap =
          e.created_at > created_at ? e.created_at - created_at : created_at - e.created_at;
      if (gap > options_.window_ms) continue;
      double score = Jaccard(sig.shingles, e.sig.shingles);
      if (score >= options_.threshold && (!best || score > best->score)) best = Hit{e.root, score};
      if (best && best->score >= kCloseEnough) return best;
    }
  }
  return best;
}

void NearDuplicateIndex::AddLocked(std::optional<Id> agency, Id id, Id root, TextSignature sig,
                                   UnixMillis created_at) {
  if (sig.empty()) return;
  const std::uint64_t seq = first_seq_ + entries_.size();
  Entry e;
  e.id = id;
  e.root = root;
  e.agency = agency.value_or(0);
  e.created_at = created_at;
  e.sig = std::move(sig);
  for (int b = 0; b < kBands; ++b) by_band_[BandKey(e.agency, b, e.sig.bands[b])].push_back(seq);
  entries_.push_back(std::move(e));
  while (entries_.size() > options_.max_entries) EvictOldestLocked();
}

void NearDuplicateIndex::EvictOldestLocked() {
  const Entry& e = entries_.front();
  for (int b = 0; b < kBands; ++b) {
    auto it = by_band_.find(BandKey(e.agency, b, e.sig.bands[b]));
    if (it == by_band_.end()) continue;
    auto& seqs = it->second;
    seqs.erase(std::remove(seqs.begin(), seqs.end(), first_seq_), seqs.end());
    if (seqs.empty()) by_band_.erase(it);
  }
  entries_.pop_front();
  ++first_seq_;
}

}  // namespace humas::ingest
