// Near-duplicate signatures (word-bigram shingles, MinHash bands) and the recent-window index.
#include "ingest/near_dup.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <new>
#include <type_traits>
#include <utility>

#include "search/agency_query.h"
#include "search/query_parser.h"
#include "store/queries.h"

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

// Verified candidates per text, newest first in each band: a campaign repeated thousands of
// times must not make every new copy compare against all of them (one close copy is enough to
// flag it). A copy at or above kCloseEnough ends the search at once.
constexpr size_t kMaxCandidates = 32;
constexpr double kCloseEnough = 0.9;

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;  // FNV-1a
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// The index key of band `band` with value `value` (never 0: 0 marks an empty table slot).
std::uint64_t BandKey(int band, std::uint64_t value) {
  std::uint64_t key = Mix(value ^ Mix(static_cast<std::uint64_t>(band) + 1));
  return key == 0 ? 1 : key;
}

// Word hashes of folded text: FNV-1a over each run of word characters (search::IsWordChar: the
// words search::Tokenize gives), finished with Mix. Reuses *out.
void HashWords(std::string_view folded, std::vector<std::uint64_t>* out) {
  out->clear();
  std::uint64_t h = kFnvOffset;
  bool in_word = false;
  size_t i = 0;
  while (i < folded.size()) {
    const auto b = static_cast<unsigned char>(folded[i]);
    const size_t start = i;
    size_t len = 1;
    bool word;
    if (b < 0x80) {
      ++i;
      word = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    } else {
      word = search::IsWordChar(search::DecodeUtf8(folded, &i, &len));
    }
    if (word) {
      for (size_t k = start; k < start + len; ++k) {
        h ^= static_cast<unsigned char>(folded[k]);
        h *= kFnvPrime;
      }
      in_word = true;
    } else if (in_word) {
      out->push_back(Mix(h));
      h = kFnvOffset;
      in_word = false;
    }
  }
  if (in_word) out->push_back(Mix(h));
}

// The MinHashes of a shingle set under 36 hash functions h_j(s) = low 32 bits of
// Mix(s ^ (golden * (j + 1))), unrolled over j.
template <size_t... J>
void MinHashes(const std::vector<std::uint32_t>& shingles, std::array<std::uint32_t, kMinHashes>* m,
               std::index_sequence<J...>) {
  m->fill(UINT32_MAX);
  for (std::uint32_t s : shingles)
    ((void)((*m)[J] = std::min(
                (*m)[J], static_cast<std::uint32_t>(Mix(s ^ (0x9e3779b97f4a7c15ULL * (J + 1)))))),
     ...);
}

#if defined(__x86_64__) && defined(__GNUC__)
// a * (hi:lo) mod 2^64 in each 64-bit lane.
__attribute__((target("avx2"), always_inline)) inline __m256i Mul64(__m256i a, __m256i lo,
                                                                    __m256i hi) {
  const __m256i cross =
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), lo), _mm256_mul_epu32(a, hi));
  return _mm256_add_epi64(_mm256_mul_epu32(a, lo), _mm256_slli_epi64(cross, 32));
}

// The same 36 MinHashes four hash functions at a time with AVX2 (one shingle against lanes j..j+3):
// 64-bit multiplies from three 32-bit ones, then the minimum of each lane's low 32 bits. Exactly
// the scalar values (near_dup_test compares every flag with the reference implementation).
__attribute__((target("avx2"))) void MinHashesAvx2(const std::vector<std::uint32_t>& shingles,
                                                   std::array<std::uint32_t, kMinHashes>* m) {
  static_assert(kMinHashes % 4 == 0);
  constexpr int kVectors = kMinHashes / 4;
  const __m256i c1lo = _mm256_set1_epi64x(0xbf58476d1ce4e5b9ULL & 0xffffffffULL);
  const __m256i c1hi = _mm256_set1_epi64x(0xbf58476d1ce4e5b9ULL >> 32);
  const __m256i c2lo = _mm256_set1_epi64x(0x94d049bb133111ebULL & 0xffffffffULL);
  const __m256i c2hi = _mm256_set1_epi64x(0x94d049bb133111ebULL >> 32);
  __m256i seeds[kVectors], mins[kVectors];
  for (int v = 0; v < kVectors; ++v) {
    const auto k = [v](int lane) {
      return static_cast<long long>(0x9e3779b97f4a7c15ULL *
                                    static_cast<std::uint64_t>(4 * v + lane + 1));
    };
    seeds[v] = _mm256_set_epi64x(k(3), k(2), k(1), k(0));
    mins[v] = _mm256_set1_epi32(-1);
  }
  for (std::uint32_t s : shingles) {
    const __m256i x0 = _mm256_set1_epi64x(static_cast<long long>(s));
    for (int v = 0; v < kVectors; ++v) {
      __m256i x = _mm256_xor_si256(x0, seeds[v]);
      x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 30));
      x = Mul64(x, c1lo, c1hi);
      x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 27));
      x = Mul64(x, c2lo, c2hi);
      x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 31));
      mins[v] = _mm256_min_epu32(mins[v], x);  // the low halves are the hashes
    }
  }
  for (int v = 0; v < kVectors; ++v) {
    alignas(32) std::uint32_t out[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(out), mins[v]);
    for (int lane = 0; lane < 4; ++lane) (*m)[4 * v + lane] = out[2 * lane];
  }
}

bool HasAvx2() {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
}
#endif

void ComputeMinHashes(const std::vector<std::uint32_t>& shingles,
                      std::array<std::uint32_t, kMinHashes>* m, bool simd = true) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (simd && HasAvx2()) {
    MinHashesAvx2(shingles, m);
    return;
  }
#endif
  MinHashes(shingles, m, std::make_index_sequence<kMinHashes>{});
}

// The number of shingles two sets of sizes na and nb must share for their Jaccard similarity,
// computed exactly as Jaccard() computes it, to be at least `min_score` (or above it when
// `strictly`). More than min(na, nb) when no overlap can reach it.
size_t CommonNeeded(size_t na, size_t nb, double min_score, bool strictly) {
  const auto passes = [&](size_t c) {
    const double score = static_cast<double>(c) / static_cast<double>(na + nb - c);
    return strictly ? score > min_score : score >= min_score;
  };
  const size_t most = std::min(na, nb);
  // J(c) = c / (na + nb - c) grows with c: start just below the real root and step up.
  const double root = min_score * static_cast<double>(na + nb) / (1 + min_score);
  size_t c = root > 1 ? std::min(most, static_cast<size_t>(root) - 1) : 0;
  while (c > 0 && passes(c)) --c;
  while (c <= most && !passes(c)) ++c;
  return c;
}

// The shingles two sorted, unique sets share, or -1 as soon as fewer than `needed` remain
// possible. Branch-free merge step.
std::ptrdiff_t CommonAtLeast(const std::vector<std::uint32_t>& a,
                             const std::vector<std::uint32_t>& b, size_t needed) {
  const std::uint32_t* pa = a.data();
  const std::uint32_t* pb = b.data();
  const std::uint32_t* const ea = pa + a.size();
  const std::uint32_t* const eb = pb + b.size();
  size_t common = 0;
  while (pa != ea && pb != eb) {
    if (common + static_cast<size_t>(std::min(ea - pa, eb - pb)) < needed) return -1;
    const std::uint32_t x = *pa, y = *pb;
    common += x == y;
    pa += x <= y;
    pb += y <= x;
  }
  return common >= needed ? static_cast<std::ptrdiff_t>(common) : -1;
}

}  // namespace

namespace detail {
std::array<std::uint32_t, kMinHashes> MinHashesOf(const std::vector<std::uint32_t>& shingles,
                                                  bool simd) {
  std::array<std::uint32_t, kMinHashes> m;
  ComputeMinHashes(shingles, &m, simd);
  return m;
}

bool SimdMinHashes() {
#if defined(__x86_64__) && defined(__GNUC__)
  return HasAvx2();
#else
  return false;
#endif
}
}  // namespace detail

TextSignature SignText(std::string_view text, size_t min_words) {
  return SignFolded(search::FoldForMatch(text), min_words);
}

TextSignature SignFolded(std::string_view folded, size_t min_words) {
  TextSignature sig;
  thread_local std::vector<std::uint64_t> hashes;  // reused: no allocation per text once warm
  HashWords(folded, &hashes);
  if (hashes.size() < std::max<size_t>(min_words, 2)) return sig;
  sig.shingles.reserve(hashes.size() - 1);
  for (size_t k = 0; k + 1 < hashes.size(); ++k)
    sig.shingles.push_back(static_cast<std::uint32_t>(Mix(hashes[k] * 31 + hashes[k + 1]) >> 32));
  std::sort(sig.shingles.begin(), sig.shingles.end());
  sig.shingles.erase(std::unique(sig.shingles.begin(), sig.shingles.end()), sig.shingles.end());
  std::array<std::uint32_t, kMinHashes> minhash;
  ComputeMinHashes(sig.shingles, &minhash);
  constexpr int kRows = kMinHashes / kBands;
  for (int b = 0; b < kBands; ++b) {
    std::uint64_t v = 0;
    for (int r = 0; r < kRows; ++r) v = Mix(v ^ minhash[b * kRows + r]);
    sig.bands[b] = BandKey(b, v);
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

NearDuplicateIndex::NearDuplicateIndex(NearDuplicateOptions options) : options_(options) {
  // Starts small and doubles as the window fills. Sizing it for a full window up front (2^21
  // slots, 32 MiB) was tried: the keys of the first mentions then land all over it, and the page
  // faults and TLB misses halved the look-up rate of the first 20,000 mentions.
  ResizeTableLocked(1024);
}

size_t NearDuplicateIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

NearDuplicateIndex::Slot& NearDuplicateIndex::SlotLocked(std::uint64_t key) {
  const size_t mask = table_size_ - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask)
    if (table_[i].key == key || table_[i].key == 0) return table_[i];
}

const NearDuplicateIndex::Slot* NearDuplicateIndex::FindSlotLocked(std::uint64_t key) const {
  const size_t mask = table_size_ - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (table_[i].key == key) return &table_[i];
    if (table_[i].key == 0) return nullptr;
  }
}

void NearDuplicateIndex::EraseSlotLocked(Slot& slot) {
  // Backward-shift deletion: move later members of the probe run into the hole.
  const size_t mask = table_size_ - 1;
  size_t hole = static_cast<size_t>(&slot - table_.get());
  for (size_t i = (hole + 1) & mask; table_[i].key != 0; i = (i + 1) & mask) {
    const size_t home = table_[i].key & mask;
    // table_[i] may fill the hole when its home is not in (hole, i] (cyclically).
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      table_[hole] = table_[i];
      hole = i;
    }
  }
  table_[hole] = Slot{};
  --table_used_;
}

void NearDuplicateIndex::ResizeTableLocked(size_t size) {
  static_assert(std::is_trivially_copyable_v<Slot>);
  std::unique_ptr<Slot[], FreeSlots> old = std::move(table_);
  const size_t old_size = std::exchange(table_size_, size);
  table_.reset(static_cast<Slot*>(std::calloc(size, sizeof(Slot))));
  if (!table_) throw std::bad_alloc();
  for (size_t i = 0; i < old_size; ++i)
    if (old[i].key != 0) SlotLocked(old[i].key) = old[i];
}

const NearDuplicateIndex::Entry* NearDuplicateIndex::EntryLocked(Ticket ticket) const {
  if (ticket < first_ticket_ || ticket - first_ticket_ >= entries_.size()) return nullptr;
  return &entries_[ticket - first_ticket_];
}

Id NearDuplicateIndex::RootIdLocked(const Entry& e) const {
  if (e.root > 0) return e.root;
  const Entry* root = EntryLocked(e.root_ticket);
  return root && root->id > 0 ? root->id : 0;
}

Id NearDuplicateIndex::RootOfLocked(Ticket ticket) const {
  const Entry* e = EntryLocked(ticket);
  return e ? RootIdLocked(*e) : 0;
}

NearDuplicateIndex::Ticket NearDuplicateIndex::RootTicketLocked(Ticket ticket) const {
  const Entry* e = EntryLocked(ticket);
  return e ? e->root_ticket : 0;
}

std::optional<NearDuplicateIndex::Hit> NearDuplicateIndex::FindLocked(const TextSignature& sig,
                                                                      UnixMillis created_at) const {
  if (sig.empty()) return std::nullopt;
  std::optional<Hit> best;
  const Entry* best_entry = nullptr;
  std::array<Ticket, kMaxCandidates> seen;
  size_t checked = 0;
  for (int b = 0; b < kBands && checked < kMaxCandidates; ++b) {
    const Slot* slot = FindSlotLocked(sig.bands[b]);
    if (!slot) continue;
    // The band's entries, newest first, down the chain.
    const Entry* e = nullptr;
    for (Ticket t = slot->newest; checked < kMaxCandidates && (e = EntryLocked(t));
         t = e->back[b] ? t - e->back[b] : 0) {
      if (e->id < 0) continue;
      if (std::find(seen.begin(), seen.begin() + checked, t) != seen.begin() + checked) continue;
      seen[checked++] = t;
      UnixMillis gap =
          e->created_at > created_at ? e->created_at - created_at : created_at - e->created_at;
      if (gap > options_.window_ms) continue;
      // Only a copy that would become the best counts: verify it against that bound (sizes
      // first, then a merge that stops once too few shingles remain); the score is Jaccard()'s.
      const size_t na = sig.shingles.size(), nb = e->sig.shingles.size();
      const size_t needed = best ? CommonNeeded(na, nb, best->score, /*strictly=*/true)
                                 : CommonNeeded(na, nb, options_.threshold, /*strictly=*/false);
      if (needed > std::min(na, nb)) continue;
      const std::ptrdiff_t common = CommonAtLeast(sig.shingles, e->sig.shingles, needed);
      if (common < 0) continue;
      const double score =
          static_cast<double>(common) / static_cast<double>(na + nb - static_cast<size_t>(common));
      best = Hit{0, e->root_ticket, e->root_agency, score};
      best_entry = e;
      if (score >= kCloseEnough) break;
    }
    if (best && best->score >= kCloseEnough) break;
  }
  if (best) best->root = RootIdLocked(*best_entry);
  return best;
}

NearDuplicateIndex::Ticket NearDuplicateIndex::AddEntryLocked(Entry e) {
  if (e.sig.empty()) return 0;
  const Ticket ticket = first_ticket_ + entries_.size();
  if (e.root_ticket == 0) e.root_ticket = ticket;
  if ((table_used_ + kBands) * 4 > table_size_ * 3) ResizeTableLocked(table_size_ * 2);
  for (int b = 0; b < kBands; ++b) {
    Slot& slot = SlotLocked(e.sig.bands[b]);
    if (slot.key == 0) {
      slot.key = e.sig.bands[b];
      ++table_used_;
    } else {
      const Ticket back = ticket - slot.newest;
      e.back[b] = back <= UINT32_MAX ? static_cast<std::uint32_t>(back) : 0;
    }
    slot.newest = ticket;
  }
  entries_.push_back(std::move(e));
  while (entries_.size() > options_.max_entries) EvictOldestLocked();
  return ticket;
}

NearDuplicateIndex::Ticket NearDuplicateIndex::AddPendingLocked(std::optional<Id> agency,
                                                                const std::optional<Hit>& copy_of,
                                                                TextSignature sig,
                                                                UnixMillis created_at) {
  Entry e;
  e.agency = agency;
  e.created_at = created_at;
  e.sig = std::move(sig);
  if (copy_of) {
    e.root = copy_of->root;
    e.root_ticket = copy_of->root_ticket;
    e.root_agency = copy_of->root_agency;
  } else {
    e.root_agency = agency;
  }
  return AddEntryLocked(std::move(e));
}

void NearDuplicateIndex::ResolveLocked(Ticket ticket, Id id) {
  if (ticket < first_ticket_ || ticket - first_ticket_ >= entries_.size()) return;
  Entry& e = entries_[ticket - first_ticket_];
  e.id = id > 0 ? id : -1;
  if (id > 0 && e.root_ticket == ticket) e.root = id;
  // A copy whose first mention is now known remembers it (the first may leave the window first).
  if (e.root == 0) e.root = RootIdLocked(e);
}

void NearDuplicateIndex::AddLocked(std::optional<Id> agency, Id id, Id root,
                                   std::optional<Id> root_agency, TextSignature sig,
                                   UnixMillis created_at) {
  Entry e;
  e.id = id;
  e.agency = agency;
  e.root = root;
  e.root_agency = root_agency;
  e.created_at = created_at;
  e.sig = std::move(sig);
  AddEntryLocked(std::move(e));
}

void NearDuplicateIndex::EvictOldestLocked() {
  // The oldest entry ends every chain it is in: newer entries' links to it lead out of the window
  // (EntryLocked() is null below first_ticket_). A band whose newest entry it is goes away.
  const Entry& e = entries_.front();
  for (int b = 0; b < kBands; ++b) {
    Slot& slot = SlotLocked(e.sig.bands[b]);
    if (slot.key == e.sig.bands[b] && slot.newest == first_ticket_) EraseSlotLocked(slot);
  }
  entries_.pop_front();
  ++first_ticket_;
}

Status NearDuplicateIndex::Warm(store::QueryRepository& queries, std::int64_t max_scan) {
  struct Recent {
    std::optional<Id> agency;
    Id id = 0;
    Id root = 0;
    std::optional<Id> root_agency;
    UnixMillis created_at = 0;
    TextSignature sig;
  };
  std::vector<Recent> recent;
  store::MentionScanScope scope;
  scope.max_scan = max_scan;
  auto scanned = queries.ScanRecent(scope, [&](const Mention& m) {
    TextSignature sig = SignText(m.data.text, options_.min_words);
    if (sig.empty()) return true;
    const bool copy = m.near_duplicate && m.near_duplicate->of > 0;
    recent.push_back({m.agency_id, m.id, copy ? m.near_duplicate->of : m.id,
                      copy ? m.near_duplicate->of_agency_id : m.agency_id, m.data.created_at,
                      std::move(sig)});
    return true;
  });
  if (!scanned.ok()) return scanned.status();
  auto held = lock();
  for (auto it = recent.rbegin(); it != recent.rend(); ++it)
    AddLocked(it->agency, it->id, it->root, it->root_agency, std::move(it->sig), it->created_at);
  return Status::Ok();
}

}  // namespace humas::ingest
