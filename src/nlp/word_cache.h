// A bounded, open-addressing memo table from short strings (words) to values, for the per-thread
// caches of the normaliser and the feature extractor (std::unordered_map was a third of the time).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace humas::nlp {

//! Not thread-safe: use one per thread. Holds at most `max_entries`; when full it is cleared
//! (memoised values are recomputed), so hostile input cannot grow it without limit.
template <typename T>
class WordCache {
 public:
  explicit WordCache(std::size_t max_entries = 1 << 17) : max_entries_(max_entries) {
    slots_.assign(Capacity(), kEmpty);
  }

  //! The value for key, computing it with make() (a callable returning T) on a miss. The
  //! reference is valid until the next call.
  template <typename Make>
  const T& Get(std::string_view key, Make&& make) {
    const std::uint64_t h = Hash(key);
    const std::uint64_t tag = h & kTagMask;      // the slot keeps the hash's high bits: most
    const std::size_t mask = slots_.size() - 1;  // misses never touch the entries
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots_[i];
      if (s == kEmpty) break;
      if ((s & kTagMask) == tag) {
        auto& entry = entries_[static_cast<std::uint32_t>(s)];
        if (entry.first == key) return entry.second;
      }
    }
    if (entries_.size() >= max_entries_) Clear();
    const auto e = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back(std::string(key), make());
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = tag | e;
        break;
      }
    }
    return entries_.back().second;
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static constexpr std::uint64_t kTagMask = 0xFFFFFFFF00000000ull;
  std::size_t Capacity() const {  // power of two, load factor <= 1/2
    std::size_t c = 1024;
    while (c < 2 * max_entries_) c <<= 1;
    return c;
  }
  // Eight bytes at a time (the byte-wise FNV-1a it replaces was a fifth of a cache hit).
  static std::uint64_t Hash(std::string_view s) {
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
      for (std::size_t i = 0; i < n; ++i)
        v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
      h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
    }
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
  }
  void Clear() {
    entries_.clear();
    slots_.assign(slots_.size(), kEmpty);
  }

  std::size_t max_entries_;
  std::vector<std::uint64_t> slots_;  // kEmpty, or hash tag | entry index
  std::vector<std::pair<std::string, T>> entries_;
};

}  // namespace humas::nlp
