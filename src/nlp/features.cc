// Hashed feature extraction (see features.h).
#include "nlp/features.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "nlp/kind_rules.h"
#include "nlp/polarity.h"
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
constexpr std::uint64_t kPolaritySeed = 0xD6E8FEB86659FD93ull;
constexpr std::uint64_t kContrastSeed = 0xA0761D6478BD642Full;
constexpr std::uint64_t kLastSentenceSeed = 0xE7037ED1A0B428DBull;

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

// Polarity of the word token i (0 = none) and whether it counts as negated. A listed two-word
// phrase starting at i wins ("terima kasih", "tidak becus": the phrase carries its own negation)
// and sets *span to 2; then the word, then (mode 2) its stem.
int TokenPolarity(const std::vector<Token>& tokens, std::size_t i, int mode, bool* negated,
                  std::size_t* span) {
  const Token& t = tokens[i];
  *negated = t.negated;
  *span = 1;
  struct Entry {
    int weight;          // the word's polarity (mode 2: or its stem's)
    bool starts_phrase;  // some listed phrase begins with this word
  };
  thread_local WordCache<Entry> caches[2];  // per mode (1, 2), memoised per surface form
  const Entry& e = caches[mode >= 2 ? 1 : 0].Get(t.surface, [&] {
    int w = WordPolarity(t.surface);
    if (w == 0 && mode >= 2) w = StemPolarity(StemWord(t.surface));
    return Entry{w, StartsPhrase(t.surface)};
  });
  if (e.starts_phrase && i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::kWord) {
    if (const int w = PhrasePolarity(t.surface, tokens[i + 1].surface); w != 0) {
      *span = 2;
      return w;
    }
  }
  return e.weight;
}

template <typename Add>
void AddPolarity(const std::vector<Token>& tokens, int mode, Add&& add) {
  int count[2][2] = {{0, 0}, {0, 0}};  // [negated][positive]
  for (std::size_t i = 0; i < tokens.size();) {
    if (tokens[i].kind != TokenKind::kWord) {
      ++i;
      continue;
    }
    bool negated = false;
    std::size_t span = 1;
    const int w = TokenPolarity(tokens, i, mode, &negated, &span);
    i += span;
    if (w == 0) continue;
    const std::uint64_t code = (w > 0 ? 1u : 0u) + (negated ? 2u : 0u);  // 0..3
    add(kPolaritySeed + code);
    add(kPolaritySeed + 16 + code * 8 + static_cast<std::uint64_t>(std::min(std::abs(w), 5)));
    ++count[negated][w > 0];
  }
  // buckets 0, 1, 2, 3+ of plain positive x plain negative words; 0, 1, 2+ of negated ones
  const auto b = [](int n, int cap) { return static_cast<std::uint64_t>(std::min(n, cap)); };
  add(kPolaritySeed + 64 + b(count[0][1], 3) * 4 + b(count[0][0], 3));
  add(kPolaritySeed + 96 + b(count[1][1], 2) * 3 + b(count[1][0], 2));
}

bool IsContrastMarker(std::string_view w) {
  return w == "tapi" || w == "tetapi" || w == "namun" || w == "sayangnya" || w == "padahal";
}

// The clause features of FeatureOptions::clauses: word tokens from a start index, re-hashed.
template <typename Add>
void AddClauses(const std::vector<Token>& tokens, int clauses, Add&& add) {
  std::size_t after_contrast = tokens.size(), last_sentence = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::kWord && IsContrastMarker(t.surface)) after_contrast = i + 1;
    if (t.kind == TokenKind::kPunct && t.text != "," && i + 1 < tokens.size()) {
      last_sentence = i + 1;
    }
  }
  auto from = [&](std::size_t start, std::uint64_t seed) {
    for (std::size_t i = start; i < tokens.size(); ++i) {
      if (tokens[i].kind != TokenKind::kPunct) add(HashBytes(tokens[i].text, seed));
    }
  };
  if ((clauses & 1) != 0) from(after_contrast, kContrastSeed);
  if ((clauses & 2) != 0 && last_sentence > 0) from(last_sentence, kLastSentenceSeed);
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
  if (options.polarity > 0) AddPolarity(tokens, options.polarity, add);
  if (options.clauses != 0) AddClauses(tokens, options.clauses, add);
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
