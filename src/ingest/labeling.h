// The language engine's seam in the intake path: a Labeler that fills a mention's labels from
// the models that ship with humas (src/nlp, models/).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/model.h"
#include "core/status.h"
#include "ingest/ingest.h"

namespace humas::ingest {

//! A bounded, thread-safe memo of labels by the exact text they were computed from. Labels are a
//! pure function of the text (the models are immutable once loaded), so a hit returns exactly what
//! labelling the text again would: reshares, retweets and copy-paste campaigns carry identical
//! text. Memory stays bounded: each of the shards keeps two generations of at most
//! capacity/kShards entries (a full current generation becomes the previous one, and the old
//! previous one is dropped), and texts longer than max_text_bytes are never kept.
class LabelCache {
 public:
  explicit LabelCache(size_t capacity = 32768, size_t max_text_bytes = 2048);

  std::optional<MentionLabels> Find(std::string_view text);
  void Add(std::string_view text, const MentionLabels& labels);
  //! Into *out: the cached labels of text, or compute(text)'s, which are then kept. The text is
  //! hashed once for both the look-up and the insertion; compute runs without any lock held.
  template <typename Compute>
  void Get(std::string_view text, Compute&& compute, MentionLabels* out) {
    const std::uint64_t hash = Hash(text);
    if (FindHashed(text, hash, out)) return;
    *out = compute(text);
    AddHashed(text, hash, *out);
  }

  //! Lookups answered from the cache / not, since construction.
  size_t hits() const;
  size_t misses() const;
  //! Texts held now (both generations); at most 2 * capacity.
  size_t size() const;

 private:
  static constexpr size_t kShards = 16;
  //! Entries are keyed by a 64-bit hash of the text and hold the text itself: a hit compares
  //! the text, so two texts with the same hash never share labels (the later one replaces the
  //! earlier one in the cache).
  struct Entry {
    std::string text;
    MentionLabels labels;
  };
  using Map = std::unordered_map<std::uint64_t, Entry>;
  struct Shard {
    mutable std::mutex mu;
    Map current, previous;  //!< guarded by mu
    size_t hits = 0, misses = 0;
  };
  static std::uint64_t Hash(std::string_view text);
  bool FindHashed(std::string_view text, std::uint64_t hash, MentionLabels* out);
  void AddHashed(std::string_view text, std::uint64_t hash, const MentionLabels& labels);
  //! Adds per_shard(shard) over the shards, each under its lock.
  template <typename F>
  size_t Sum(F per_shard) const;
  Shard& ShardOf(std::uint64_t hash) { return shards_[hash >> 60]; }

  const size_t per_shard_;
  const size_t max_text_bytes_;
  std::array<Shard, kShards> shards_;
};

//! Loads the language pipeline (nlp::Pipeline: sentiment, kind of input, personal data, hoax
//! signal) from `models_dir` ("" = the shipped models) and returns a thread-safe Labeler that
//! fills every label of a mention, remembering the labels of recent texts in a LabelCache
//! (`cache_capacity` texts; 0 = no cache).
//! NotFound when no model is there: callers then ingest without labels (labels stay empty, never
//! guessed).
Result<Labeler> LoadLabeler(const std::string& models_dir, size_t cache_capacity = 32768);

}  // namespace humas::ingest
