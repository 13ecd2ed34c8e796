// Hashed feature extraction (see features.h).
#include "nlp/features.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "nlp/kind_rules.h"
#include "nlp/word_cache.h"

namespace humas::nlp {
namespace {

// Distinct seeds keep the feature families apart in the shared hash space.
constexpr std::uint64_t kUnigramSeed = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kSurfaceSeed = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kCharSeed = 0x165667B19E3779F9ull;
constexpr std::uint64_t kCharNegSeed = 0x27D4EB2F165667C5ull;
constexpr std::uint64_t kBiasFeature = 0x85EBCA77C2B2AE63ull;
constexpr std::uint64_t kLengthSeed = 0x94D049BB133111EBull;
constexpr std::uint64_t kRuleSeed = 0xBF58476D1CE4E5B9ull;

std::uint64_t Mix(std::uint64_t h) {  // finaliser from MurmurHash3
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

// Bucket indices of the character n-grams of "<word>" (memoised per thread: words repeat).
const std::vector<std::uint32_t>& CharGrams(const std::string& word, bool negated,
                                            const FeatureOptions& o) {
  thread_local WordCache<std::vector<std::uint32_t>> cache;
  thread_local std::string key;
  key.clear();
  key.push_back(negated ? 'n' : 'p');
  key.push_back(static_cast<char>('0' + o.char_min));
  key.push_back(static_cast<char>('0' + o.char_max));
  key.push_back(static_cast<char>('A' + o.hash_bits));
  key.push_back('<');
  key += word;
  key.push_back('>');
  return cache.Get(key, [&] {
    const std::uint64_t mask = (std::uint64_t{1} << o.hash_bits) - 1;
    const std::uint64_t seed = negated ? kCharNegSeed : kCharSeed;
    const std::string_view p = std::string_view(key).substr(4);
    std::vector<std::uint32_t> grams;
    for (int n = o.char_min; n <= o.char_max; ++n) {
      if (static_cast<std::size_t>(n) > p.size()) break;
      // the whole padded word is already covered by the unigram feature
      for (std::size_t i = 0; i + n <= p.size(); ++i) {
        if (i == 0 && static_cast<std::size_t>(n) == p.size()) continue;
        grams.push_back(static_cast<std::uint32_t>(Mix(HashBytes(p.substr(i, n), seed)) & mask));
      }
    }
    return grams;
  });
}

}  // namespace

std::uint64_t HashBytes(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = 0xCBF29CE484222325ull ^ seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

void ExtractFeatures(const std::vector<Token>& tokens, const FeatureOptions& options,
                     FeatureVector* out) {
  out->index.clear();
  const std::uint64_t mask = (std::uint64_t{1} << options.hash_bits) - 1;
  auto add = [&](std::uint64_t h) {
    out->index.push_back(static_cast<std::uint32_t>(Mix(h) & mask));
  };
  add(kBiasFeature);  // a constant feature, so empty texts still have a vector
  if (options.kind_rules) {
    // one feature per cue family that fires, and one for "fires twice or more"
    const auto counts = KindCueCounts(tokens);
    for (int c = 0; c < kKindCues; ++c) {
      if (counts[c] > 0) add(kRuleSeed + 2 * static_cast<std::uint64_t>(c));
      if (counts[c] > 1) add(kRuleSeed + 2 * static_cast<std::uint64_t>(c) + 1);
    }
  }
  if (options.length_buckets) {
    // neutral texts are short, reviews long; unit-length vectors would otherwise hide length
    std::uint64_t bucket = 0;
    for (std::size_t n = tokens.size(); n > 0; n >>= 1) ++bucket;
    add(kLengthSeed + std::min<std::uint64_t>(bucket, 9));
  }
  std::uint64_t prev = 0, prev2 = 0;
  bool have_prev = false, have_prev2 = false;
  thread_local std::vector<std::uint32_t> chars;
  chars.clear();
  for (const auto& t : tokens) {
    const std::uint64_t h = HashBytes(t.text, kUnigramSeed);
    if (options.word_unigrams) add(h);
    if (options.word_bigrams && have_prev) add(prev * 0x100000001B3ull + h + 0x51ED27ull);
    if (options.word_trigrams && have_prev2) {
      add((prev2 * 0x100000001B3ull + prev) * 0x100000001B3ull + h + 0x7A11ull);
    }
    if (options.skip_bigrams && have_prev2) add(prev2 * 0x100000001B3ull + h + 0x5C1Bull);
    prev2 = prev;
    have_prev2 = have_prev;
    prev = h;
    have_prev = true;
    if (options.surface_unigrams && t.surface != t.text) add(HashBytes(t.surface, kSurfaceSeed));
    if (options.char_max > 0 && t.kind == TokenKind::kWord) {
      const auto& grams = CharGrams(t.surface, options.char_negated && t.negated, options);
      chars.insert(chars.end(), grams.begin(), grams.end());
    }
  }
  out->split = out->index.size();
  out->index.insert(out->index.end(), chars.begin(), chars.end());
  const float w = options.char_weight;
  const float norm =
      std::sqrt(static_cast<float>(out->split) + w * w * static_cast<float>(chars.size()));
  out->value = 1.0f / norm;
  out->char_value = w / norm;
}

}  // namespace humas::nlp
