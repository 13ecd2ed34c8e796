// A bounded, open-addressing memo table from short strings (words) to values, for the per-thread
// caches of the normaliser and the feature extractor (std::unordered_map was a third of the time).
#pragma once

#include <cstdint>
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
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint32_t e = slots_[i];
      if (e == kEmpty) break;
      if (hashes_[e] == h && entries_[e].first == key) return entries_[e].second;
    }
    if (entries_.size() >= max_entries_) Clear();
    const auto e = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back(std::string(key), make());
    hashes_.push_back(h);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = e;
        break;
      }
    }
    return entries_.back().second;
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  std::size_t Capacity() const {  // power of two, load factor <= 1/2
    std::size_t c = 1024;
    while (c < 2 * max_entries_) c <<= 1;
    return c;
  }
  static std::uint64_t Hash(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
    return h ^ (h >> 29);
  }
  void Clear() {
    entries_.clear();
    hashes_.clear();
    slots_.assign(slots_.size(), kEmpty);
  }

  std::size_t max_entries_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::pair<std::string, T>> entries_;
};

}  // namespace humas::nlp
