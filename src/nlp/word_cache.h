// A bounded, open-addressing memo table from short strings (words, chunks of text, tokens) to
// values, for the per-thread caches of the normaliser and the feature extractor
// (std::unordered_map was a third of the time).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace humas::nlp {

//! A fast 64-bit hash of a short string, eight bytes at a time (the byte-wise FNV-1a it replaced
//! was a fifth of a WordCache hit). Not stable across versions: for in-memory tables only.
inline std::uint64_t HashKey(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  if (n > 0) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    }
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

//! Not thread-safe: use one per thread. Holds at most `max_entries`; when full it is cleared
//! (memoised values are recomputed), so hostile input cannot grow it without limit. Keys longer
//! than kMaxKey bytes are not memoised (computed on every call). The slot table grows with the
//! entries (load factor <= 1/2) and keys live in one arena, so a warm cache of a few thousand
//! words stays small enough for the CPU caches: a hit is a slot probe, a key compare, the value.
template <typename T>
class WordCache {
 public:
  static constexpr std::size_t kMaxKey = 255;

  explicit WordCache(std::size_t max_entries = 1 << 17) : max_entries_(max_entries) {
    slots_.assign(kMinSlots, kEmpty);
  }

  //! The value for key, computing it with make() (a callable returning T; it must not use this
  //! cache) on a miss. The reference is valid until the next call.
  template <typename Make>
  const T& Get(std::string_view key, Make&& make) {
    if (key.size() > kMaxKey) {
      uncached_ = make();
      return uncached_;
    }
    const std::uint64_t h = Hash(key);
    const std::uint64_t tag = h & kTagMask;  // the slot keeps the hash's high bits: most
    std::size_t mask = slots_.size() - 1;    // probes of other keys never touch the entries
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots_[i];
      if (s == kEmpty) break;
      if ((s & kTagMask) == tag) {
        const auto e = static_cast<std::uint32_t>(s);
        const Entry& entry = entries_[e];
        if (entry.size == key.size() &&
            std::memcmp(keys_.data() + entry.offset, key.data(), key.size()) == 0) {
          return values_[e];
        }
      }
    }
    if (values_.size() >= max_entries_) Clear();
    T value = make();
    const auto e = static_cast<std::uint32_t>(values_.size());
    entries_.push_back(
        {h, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(key.size())});
    keys_.append(key);
    values_.push_back(std::move(value));
    if (2 * values_.size() > slots_.size()) {
      Rehash(2 * slots_.size());
    } else {
      Insert(h, e);
    }
    return values_.back();
  }

  std::size_t size() const { return values_.size(); }

 private:
  struct Entry {
    std::uint64_t hash;
    std::uint32_t offset, size;  // of the key in keys_
  };
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static constexpr std::uint64_t kTagMask = 0xFFFFFFFF00000000ull;
  static constexpr std::size_t kMinSlots = 1024;

  static std::uint64_t Hash(std::string_view s) { return HashKey(s); }
  void Insert(std::uint64_t h, std::uint32_t e) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = (h & kTagMask) | e;
        return;
      }
    }
  }
  void Rehash(std::size_t slots) {
    slots_.assign(slots, kEmpty);
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      Insert(entries_[e].hash, static_cast<std::uint32_t>(e));
    }
  }
  void Clear() {
    entries_.clear();
    keys_.clear();
    values_.clear();
    slots_.assign(kMinSlots, kEmpty);
  }

  std::size_t max_entries_;
  std::vector<std::uint64_t> slots_;  // kEmpty, or hash tag | entry index
  std::vector<Entry> entries_;
  std::string keys_;
  std::vector<T> values_;
  T uncached_{};
};

}  // namespace humas::nlp
