// The first near-duplicate detector (session 4), kept as the reference that the fast one in
// near_dup.h is held to: near_dup_test compares every flag (which mention, which cluster, which
// score) of both over fixed corpora, and bench/ingest_bench runs both on the same stream. Plain
// and obviously correct: words as std::string, 36 independent hashes per shingle, one node map of
// ticket vectors per band. Same verification (exact Jaccard on 32-bit shingle hashes), same
// candidate order (newest first, band by band), same 32-candidate cap and early stop.
// Header-only, for tests and benchmarks; the product uses near_dup.h.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/near_dup.h"
#include "search/agency_query.h"
#include "search/query_parser.h"

namespace humas::ingest::reference {

inline std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline std::uint64_t HashWord(std::string_view w) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : w) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

struct Signature {
  std::vector<std::uint32_t> shingles;
  std::array<std::uint64_t, kBands> bands{};  //!< band values (not yet keyed by band)
  bool empty() const { return shingles.empty(); }
};

inline Signature Sign(std::string_view text, size_t min_words) {
  Signature sig;
  std::vector<std::string> words = search::Tokenize(search::FoldForMatch(text));
  if (words.size() < std::max<size_t>(min_words, 2)) return sig;
  std::vector<std::uint64_t> hashes;
  for (const auto& w : words) hashes.push_back(HashWord(w));
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

//! Sign + find + add over a stream of stored mentions (ids 1, 2, ...), as the old index did it.
class Index {
 public:
  struct Hit {
    Id root = 0;
    double score = 0;
  };
  explicit Index(NearDuplicateOptions options = {}) : options_(options) {}

  //! Looks the text up, then adds it as the stored mention `id`; the hit, if any.
  std::optional<Hit> FindAndAdd(Id id, std::string_view text, UnixMillis created_at) {
    Signature sig = Sign(text, options_.min_words);
    if (sig.empty()) return std::nullopt;
    std::optional<Hit> best;
    const Entry* best_entry = nullptr;
    std::vector<std::uint64_t> seen;
    size_t checked = 0;
    for (int b = 0; b < kBands && checked < 32; ++b) {
      auto it = by_band_.find(Key(b, sig.bands[b]));
      if (it == by_band_.end()) continue;
      for (auto t = it->second.rbegin(); t != it->second.rend() && checked < 32; ++t) {
        if (std::find(seen.begin(), seen.end(), *t) != seen.end()) continue;
        seen.push_back(*t);
        ++checked;
        const Entry& e = entries_[*t - first_];
        UnixMillis gap =
            e.created_at > created_at ? e.created_at - created_at : created_at - e.created_at;
        if (gap > options_.window_ms) continue;
        double score = Jaccard(sig.shingles, e.shingles);
        if (score >= options_.threshold && (!best || score > best->score)) {
          best = Hit{0, score};
          best_entry = &e;
        }
        if (best && best->score >= 0.9) break;
      }
      if (best && best->score >= 0.9) break;
    }
    const std::uint64_t ticket = first_ + entries_.size();
    if (best) best->root = best_entry->root;
    entries_.push_back({best ? best->root : id, created_at, sig.shingles, sig.bands});
    for (int b = 0; b < kBands; ++b) by_band_[Key(b, sig.bands[b])].push_back(ticket);
    while (entries_.size() > options_.max_entries) {
      const Entry& e = entries_.front();
      for (int b = 0; b < kBands; ++b) {
        auto it = by_band_.find(Key(b, e.bands[b]));
        if (it == by_band_.end()) continue;
        auto& v = it->second;
        v.erase(std::remove(v.begin(), v.end(), first_), v.end());
        if (v.empty()) by_band_.erase(it);
      }
      entries_.pop_front();
      ++first_;
    }
    return best;
  }

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Id root = 0;
    UnixMillis created_at = 0;
    std::vector<std::uint32_t> shingles;
    std::array<std::uint64_t, kBands> bands{};
  };
  static std::uint64_t Key(int band, std::uint64_t value) {
    return Mix(value ^ Mix(static_cast<std::uint64_t>(band) + 1));
  }
  NearDuplicateOptions options_;
  std::deque<Entry> entries_;
  std::uint64_t first_ = 1;
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> by_band_;
};

}  // namespace humas::ingest::reference
