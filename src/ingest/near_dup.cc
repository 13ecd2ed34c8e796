// Near-duplicate signatures (word-bigram shingles, MinHash bands) and the recent-window index.
#include "ingest/near_dup.h"

#include <algorithm>
#include <string>

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

std::uint64_t NearDuplicateIndex::BandKey(int band, std::uint64_t value) {
  return Mix(value ^ Mix(static_cast<std::uint64_t>(band) + 1));
}

size_t NearDuplicateIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
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
  std::vector<Ticket> seen;
  size_t checked = 0;
  for (int b = 0; b < kBands && checked < kMaxCandidates; ++b) {
    auto it = by_band_.find(BandKey(b, sig.bands[b]));
    if (it == by_band_.end()) continue;
    const auto& tickets = it->second;
    for (auto t = tickets.rbegin(); t != tickets.rend() && checked < kMaxCandidates; ++t) {
      const Entry* e = EntryLocked(*t);
      if (!e || e->id < 0) continue;
      if (std::find(seen.begin(), seen.end(), *t) != seen.end()) continue;
      seen.push_back(*t);
      ++checked;
      UnixMillis gap =
          e->created_at > created_at ? e->created_at - created_at : created_at - e->created_at;
      if (gap > options_.window_ms) continue;
      double score = Jaccard(sig.shingles, e->sig.shingles);
      if (score >= options_.threshold && (!best || score > best->score)) {
        best = Hit{0, e->root_ticket, e->root_agency, score};
        best_entry = e;
      }
      if (best && best->score >= kCloseEnough) break;
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
  for (int b = 0; b < kBands; ++b) by_band_[BandKey(b, e.sig.bands[b])].push_back(ticket);
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
  const Entry& e = entries_.front();
  for (int b = 0; b < kBands; ++b) {
    auto it = by_band_.find(BandKey(b, e.sig.bands[b]));
    if (it == by_band_.end()) continue;
    auto& tickets = it->second;
    tickets.erase(std::remove(tickets.begin(), tickets.end(), first_ticket_), tickets.end());
    if (tickets.empty()) by_band_.erase(it);
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
