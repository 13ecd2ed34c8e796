// Near-duplicate detection at intake: copy-paste campaigns and lightly edited reposts. A text is
// folded (NFKC + case folding), split into words and described by its set of word bigrams
// ("shingles"); two texts are near-duplicates when the Jaccard similarity of their shingle sets
// is at least a threshold (0.5: one word changed in an eight-word text). Candidates are found
// with MinHash locality-sensitive hashing (36 hashes in 12 bands of 3: two texts at similarity
// 0.5 share a band with probability 0.80, at 0.6 with 0.95, at 0.7 with 0.99; unrelated texts
// almost never) and then verified exactly on the shingle sets, so a flag never rests on the
// estimate alone. The index holds a recent window of mentions in memory (options.max_entries,
// reloaded from the store at server start); the intake (ingest/ingest.h) signs texts in the
// labelling stage and stores the flag with the mention (Mention::near_duplicate).
//
// Cost: signing hashes each word once from the folded text (no per-word allocation) and derives
// the 36 MinHashes of a shingle from its 32-bit hash; the band index is one open-addressing table
// (band key -> newest entry) with the older entries of a band chained through the entries
// themselves, so adding, finding and evicting touch no node allocation. near_dup_reference.h keeps
// the first, plain implementation; the tests hold this one to it flag for flag.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas::store {
class QueryRepository;
}

namespace humas::ingest {

inline constexpr int kMinHashes = 36;
inline constexpr int kBands = 12;  //!< kMinHashes / kBands rows per band

//! What the index keeps of a text. Empty (no shingles) for texts too short to compare.
struct TextSignature {
  std::vector<std::uint32_t> shingles;        //!< hashes of the word bigrams, sorted, unique
  std::array<std::uint64_t, kBands> bands{};  //!< each band's key in the index (never 0)
  bool empty() const { return shingles.empty(); }
};

struct NearDuplicateOptions {
  double threshold = 0.5;  //!< minimum Jaccard similarity of the shingle sets
  size_t min_words = 6;    //!< shorter texts ("terima kasih pak") are never flagged
  UnixMillis window_ms = 7LL * 24 * 3600 * 1000;  //!< only earlier mentions this recent count
  //! Oldest entries leave first beyond this: ~1.2 KB each (a 20-word text), ~120 MB when full.
  size_t max_entries = 100000;
};

//! The signature of a text (pure, thread-safe). Empty below min_words words.
TextSignature SignText(std::string_view text, size_t min_words);
//! The same for text already folded with search::FoldForMatch (intake folds each text once for
//! matching and signing).
TextSignature SignFolded(std::string_view folded, size_t min_words);

namespace detail {
//! The 36 MinHashes of a sorted shingle set, through the AVX2 path when `simd` and the CPU has
//! it, else through the scalar loop (for the test that holds both to the same values).
std::array<std::uint32_t, kMinHashes> MinHashesOf(const std::vector<std::uint32_t>& shingles,
                                                  bool simd);
//! Whether this CPU takes the AVX2 path.
bool SimdMinHashes();
}  // namespace detail

//! Jaccard similarity of two sorted, unique shingle sets.
double Jaccard(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);

//! The recent-window index, over every agency: a copy is flagged against any earlier mention,
//! whichever agency it belongs to (the API shows the original only to readers who may see it).
//! Thread-safe (one mutex): intake paths running at the same time share one index
//! (api::Context holds it). Callers hold lock() across the *Locked calls that must be atomic.
//!
//! Intake adds a mention before it is stored (a pending entry with a ticket), so that copies in
//! the next batches of a pipelined import are flagged against it while it is still on its way to
//! the store; once stored, ResolveLocked() gives the entry its id.
class NearDuplicateIndex {
 public:
  explicit NearDuplicateIndex(NearDuplicateOptions options = {});

  //! Identifies an entry added by AddPendingLocked (0 = none).
  using Ticket = std::uint64_t;

  struct Hit {
    Id root = 0;                    //!< the cluster's first mention; 0 while it is pending
    Ticket root_ticket = 0;         //!< its entry (to resolve `root` later)
    std::optional<Id> root_agency;  //!< its agency (nullopt = unassigned)
    double score = 0;               //!< similarity to the closest indexed copy
  };

  //! The most similar indexed mention created within the window before or after `created_at`,
  //! if its similarity reaches the threshold.
  std::optional<Hit> FindLocked(const TextSignature& sig, UnixMillis created_at) const;
  //! Adds a mention that is not stored yet: a copy of `copy_of`'s cluster, or the first of its
  //! own. Returns its ticket (0 when the text is too short to index).
  Ticket AddPendingLocked(std::optional<Id> agency, const std::optional<Hit>& copy_of,
                          TextSignature sig, UnixMillis created_at);
  //! The pending mention of `ticket` was stored as `id` (0 = it was not: the entry is dropped).
  void ResolveLocked(Ticket ticket, Id id);
  //! The stored id of the first mention of `ticket`'s cluster, or 0 while it is pending
  //! (or unknown: dropped, or left the window).
  Id RootOfLocked(Ticket ticket) const;
  //! The ticket of the first mention of `ticket`'s cluster (0 = unknown).
  Ticket RootTicketLocked(Ticket ticket) const;
  //! Adds a stored mention; `root` is its cluster's first mention (its own id when it is not a
  //! copy) and `root_agency` that mention's agency.
  void AddLocked(std::optional<Id> agency, Id id, Id root, std::optional<Id> root_agency,
                 TextSignature sig, UnixMillis created_at);

  //! Loads the newest `max_scan` stored mentions (oldest first into the index), so a restart
  //! keeps flagging copies of what arrived before it.
  Status Warm(store::QueryRepository& queries, std::int64_t max_scan);

  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mu_); }
  const NearDuplicateOptions& options() const { return options_; }
  size_t size() const;

 private:
  //! What a look-up reads of every candidate (the chain link, whether it is dropped, its time) is
  //! in the entry's first 64 bytes, so that a candidate outside the window costs one cache line.
  struct alignas(64) Entry {
    //! For each band, how many tickets back the previous entry with the same key is (0 = none):
    //! a band's entries form a chain from the newest (in the table) to the oldest.
    std::array<std::uint32_t, kBands> back{};
    Id id = 0;  //!< 0 = pending (not stored yet), -1 = dropped (never stored)
    UnixMillis created_at = 0;
    // The second cache line: the shingles (a copy's verification), then what a hit reports.
    TextSignature sig;
    std::optional<Id> agency;
    Id root = 0;             //!< 0 = the mention of root_ticket (pending when added)
    Ticket root_ticket = 0;  //!< the cluster's first entry (its own ticket for a root)
    std::optional<Id> root_agency;
  };
  static_assert(offsetof(Entry, sig) == 64);
  //! A slot of the band table: key 0 = empty (all-zero bytes: calloc'd memory is empty slots).
  struct Slot {
    std::uint64_t key = 0;
    Ticket newest = 0;
  };
  struct FreeSlots {
    void operator()(Slot* p) const { std::free(p); }
  };
  Ticket AddEntryLocked(Entry e);
  const Entry* EntryLocked(Ticket ticket) const;
  Id RootIdLocked(const Entry& e) const;
  void EvictOldestLocked();
  //! The slot holding `key`, or the empty slot where it would go.
  Slot& SlotLocked(std::uint64_t key);
  const Slot* FindSlotLocked(std::uint64_t key) const;
  void EraseSlotLocked(Slot& slot);
  //! Replaces the table by an empty one of `size` slots (a power of two), re-adding the keys.
  void ResizeTableLocked(size_t size);

  const NearDuplicateOptions options_;
  mutable std::mutex mu_;
  //! entries_[i] has ticket first_ticket_ + i (guarded by mu_).
  std::deque<Entry> entries_;
  Ticket first_ticket_ = 1;  //!< guarded by mu_
  //! Band key -> newest entry with it: open addressing, linear probing, a power-of-two size at
  //! most 3/4 full, backward-shift deletion (no tombstones); calloc'd. Guarded by mu_.
  std::unique_ptr<Slot[], FreeSlots> table_;
  size_t table_size_ = 0;  //!< a power of two (guarded by mu_)
  size_t table_used_ = 0;  //!< guarded by mu_
};

}  // namespace humas::ingest
