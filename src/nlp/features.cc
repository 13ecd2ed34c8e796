// Hashed feature extraction (see features.h).
#include "nlp/features.h"

#include <cmath>
#include <string_view>

namespace humas::nlp {
namespace {

// Distinct seeds keep the feature families apart in the shared hash space.
constexpr std::uint64_t kUnigramSeed = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kSurfaceSeed = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kCharSeed = 0x165667B19E3779F9ull;
constexpr std::uint64_t kCharNegSeed = 0x27D4EB2F165667C5ull;
constexpr std::uint64_t kBiasFeature = 0x85EBCA77C2B2AE63ull;

std::uint64_t Mix(std::uint64_t h) {  // finaliser from MurmurHash3
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
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
  std::uint64_t prev = 0;
  bool have_prev = false;
  std::string padded;
  thread_local std::vector<std::uint32_t> chars;
  chars.clear();
  auto add_char = [&](std::uint64_t h) {
    chars.push_back(static_cast<std::uint32_t>(Mix(h) & mask));
  };
  for (const auto& t : tokens) {
    const std::uint64_t h = HashBytes(t.text, kUnigramSeed);
    if (options.word_unigrams) add(h);
    if (options.word_bigrams && have_prev) add(prev * 0x100000001B3ull + h + 0x51ED27ull);
    prev = h;
    have_prev = true;
    if (options.surface_unigrams && t.surface != t.text) add(HashBytes(t.surface, kSurfaceSeed));
    if (options.char_max > 0 && t.kind == TokenKind::kWord) {
      padded.clear();
      padded.push_back('<');
      padded += t.surface;
      padded.push_back('>');
      const std::uint64_t seed = (options.char_negated && t.negated) ? kCharNegSeed : kCharSeed;
      const std::string_view p(padded);
      for (int n = options.char_min; n <= options.char_max; ++n) {
        if (static_cast<std::size_t>(n) > p.size()) break;
        // the whole padded word is already covered by the unigram feature
        for (std::size_t i = 0; i + n <= p.size(); ++i) {
          if (i == 0 && static_cast<std::size_t>(n) == p.size()) continue;
          add_char(HashBytes(p.substr(i, n), seed));
        }
      }
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
