// Near-duplicate detection at intake: copy-paste campaigns and lightly edited reposts. A text is
// folded (NFKC + case folding), split into words and described by its set of word bigrams
// ("shingles"); two texts are near-duplicates when the Jaccard similarity of their shingle sets
// is at least a threshold (0.5: one word changed in an eight-word text). Candidates are found
// with MinHash locality-sensitive hashing (36 hashes in 12 bands of 3: two texts at similarity
// 0.5 share a band with probability 0.80, at 0.6 with 0.95, at 0.7 with 0.99; unrelated texts
// almost never) and then verified exactly on the shingle sets, so a flag never rests on the
// estimate alone. The index holds a recent window of mentions per agency, in memory.
//
// Status: the detector, its index and its cost (bench/ingest_bench) are here; storing the flag on
// the mention (near_duplicate_of), the API fields and the mention detail in the web client are
// not wired yet.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas::ingest {

inline constexpr int kMinHashes = 36;
inline constexpr int kBands = 12;  //!< kMinHashes / kBands rows per band

//! What the index keeps of a text. Empty (no shingles) for texts too short to compare.
struct TextSignature {
  std::vector<std::uint32_t> shingles;  //!< hashes of the word bigrams, sorted, unique
  std::array<std::uint64_t, kBands> bands{};
  bool empty() const { return shingles.empty(); }
};

struct NearDuplicateOptions {
  double threshold = 0.5;  //!< minimum Jaccard similarity of the shingle sets
  size_t min_words = 6;    //!< shorter texts ("terima kasih pak") are never flagged
  UnixMillis window_ms = 7LL * 24 * 3600 * 1000;  //!< only earlier mentions this recent count
  size_t max_entries = 200000;                    //!< oldest entries leave first beyond this
};

//! The signature of a text (pure, thread-safe). Empty below min_words words.
TextSignature SignText(std::string_view text, size_t min_words);

//! Jaccard similarity of two sorted, unique shingle sets.
double Jaccard(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);

//! The recent-window index. Thread-safe (one mutex): intake paths running at the same time share
//! one index (api::Context holds it). Callers that need "find, store, then add" to be atomic
//! with respect to other writers hold lock() across the three steps.
class NearDuplicateIndex {
 public:
  explicit NearDuplicateIndex(NearDuplicateOptions options = {});

  struct Hit {
    Id root = 0;       //!< the earliest mention of the cluster (what near_duplicate_of stores)
    double score = 0;  //!< similarity to the closest indexed copy
  };

  //! The most similar indexed mention of the same agency (nullopt = unassigned) created within
  //! the window before or after `created_at`, if its similarity reaches the threshold. Requires
  //! the caller to hold lock().
  std::optional<Hit> FindLocked(std::optional<Id> agency, const TextSignature& sig,
                                UnixMillis created_at) const;
  //! Adds a stored mention; `root` is its cluster's root (its own id when it is not a copy).
  //! Requires lock().
  void AddLocked(std::optional<Id> agency, Id id, Id root, TextSignature sig,
                 UnixMillis created_at);

  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mu_); }
  const NearDuplicateOptions& options() const { return options_; }
  size_t size() const;

 private:
  struct Entry {
    Id id = 0;
    Id root = 0;
    Id agency = 0;  //!< 0 = unassigned
    UnixMillis created_at = 0;
    TextSignature sig;
  };
  static std::uint64_t BandKey(Id agency, int band, std::uint64_t value);
  void EvictOldestLocked();

  const NearDuplicateOptions options_;
  mutable std::mutex mu_;
  std::deque<Entry> entries_;    //!< guarded by mu_; entries_[i] has sequence number first_seq_ + i
  std::uint64_t first_seq_ = 0;  //!< guarded by mu_
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> by_band_;  //!< guarded by mu_
};

}  // namespace humas::ingest
