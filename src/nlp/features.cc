// Hashed feature extraction (see features.h).
#include "nlp/features.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
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

// Bucket indices of the character n-grams of "<word>" (the whole padded word is left out: the
// unigram feature covers it).
void ComputeCharGrams(std::string_view word, bool negated, const FeatureOptions& o,
                      std::vector<std::uint32_t>* grams) {
  const std::uint64_t mask = (std::uint64_t{1} << o.hash_bits) - 1;
  const std::uint64_t seed = negated ? kCharNegSeed : kCharSeed;
  thread_local std::string padded;
  padded.assign(1, '<');
  padded.append(word);
  padded.push_back('>');
  const std::string_view p(padded);
  for (int n = o.char_min; n <= o.char_max; ++n) {
    if (static_cast<std::size_t>(n) > p.size()) break;
    for (std::size_t i = 0; i + n <= p.size(); ++i) {
      if (i == 0 && static_cast<std::size_t>(n) == p.size()) continue;
      grams->push_back(static_cast<std::uint32_t>(Mix(HashBytes(p.substr(i, n), seed)) & mask));
    }
  }
}

// Polarity of one standardised word for a polarity mode (see FeatureOptions::polarity).
int WordPolarityFor(std::string_view surface, int mode) {
  int w = WordPolarity(surface);
  if (w == 0 && mode >= 2) w = StemPolarity(StemWord(surface));
  return w;
}

bool IsContrastMarker(std::string_view w) {
  return w == "tapi" || w == "tetapi" || w == "namun" || w == "sayangnya" || w == "padahal";
}

// What one token contributes, for both extraction paths. The direct path computes it per token;
// the fast path memoises it per thread (everything here depends on the token and the options).
struct TokenInfo {
  std::uint64_t unigram = 0;        // HashBytes(text, kUnigramSeed): unigram, and bigram chain
  std::uint32_t unigram_index = 0;  // its bucket
  std::uint32_t surface_index = 0;  // bucket of the surface unigram, when has_surface
  std::uint32_t contrast_index = 0, last_sentence_index = 0;  // clause buckets of text
  std::int8_t polarity = 0;      // word polarity for options.polarity (0 for non-words)
  bool starts_phrase = false;    // a listed polarity phrase begins with this word
  bool has_surface = false;      // surface differs from text
  bool word = false;             // TokenKind::kWord
  bool punct = false;            // TokenKind::kPunct
  bool sentence_end = false;     // punctuation other than ','
  bool contrast_marker = false;  // a word after which the contrast clause starts
  std::int8_t kind_cue = -1;     // KindCueOf(surface) when options.kind_rules
};

std::uint32_t Bucket(std::uint64_t h, const FeatureOptions& o) {
  return static_cast<std::uint32_t>(Mix(h) & ((std::uint64_t{1} << o.hash_bits) - 1));
}

void ComputeTokenInfo(const Token& t, const FeatureOptions& o, TokenInfo* info,
                      std::vector<std::uint32_t>* grams) {
  info->unigram = HashBytes(t.text, kUnigramSeed);
  info->unigram_index = Bucket(info->unigram, o);
  info->has_surface = t.surface != t.text;
  info->surface_index = info->has_surface ? Bucket(HashBytes(t.surface, kSurfaceSeed), o) : 0;
  info->contrast_index = Bucket(HashBytes(t.text, kContrastSeed), o);
  info->last_sentence_index = Bucket(HashBytes(t.text, kLastSentenceSeed), o);
  info->word = t.kind == TokenKind::kWord;
  info->punct = t.kind == TokenKind::kPunct;
  info->sentence_end = info->punct && t.text != ",";
  info->contrast_marker = info->word && IsContrastMarker(t.surface);
  if (o.kind_rules) info->kind_cue = static_cast<std::int8_t>(KindCueOf(t.surface));
  if (info->word && o.polarity > 0) {
    info->polarity = static_cast<std::int8_t>(WordPolarityFor(t.surface, o.polarity));
    info->starts_phrase = StartsPhrase(t.surface);
  }
  if (info->word && o.char_max > 0)
    ComputeCharGrams(t.surface, o.char_negated && t.negated, o, grams);
}

// The memoised TokenInfo and character n-grams of a token, per thread and bounded.
struct CachedTokenInfo {
  TokenInfo info;
  std::vector<std::uint32_t> grams;
};

const CachedTokenInfo& LookupTokenInfo(const Token& t, const FeatureOptions& o) {
  thread_local WordCache<CachedTokenInfo> cache;
  thread_local std::string key;
  // the options the info depends on, then the token (text and surface may differ in any way)
  const auto n = static_cast<std::uint32_t>(t.text.size());
  key.resize(9 + t.text.size() + t.surface.size());
  char* k = key.data();
  k[0] = static_cast<char>(o.hash_bits);
  k[1] = static_cast<char>(o.char_min);
  k[2] = static_cast<char>(o.char_max);
  k[3] = static_cast<char>(o.polarity + (o.char_negated ? 8 : 0) + (o.kind_rules ? 16 : 0));
  k[4] = static_cast<char>(static_cast<int>(t.kind) + (t.negated ? 32 : 0));
  std::memcpy(k + 5, &n, sizeof n);
  std::memcpy(k + 9, t.text.data(), t.text.size());
  std::memcpy(k + 9 + t.text.size(), t.surface.data(), t.surface.size());
  return cache.Get(key, [&] {
    CachedTokenInfo c;
    ComputeTokenInfo(t, o, &c.info, &c.grams);
    return c;
  });
}

// PhrasePolarity, memoised per thread: the phrase starts include common words ("tidak").
int CachedPhrasePolarity(std::string_view first, std::string_view second) {
  thread_local WordCache<int> cache;
  thread_local std::string key;
  key.assign(first);
  key.push_back(' ');
  key.append(second);
  return cache.Get(key, [&] { return PhrasePolarity(first, second); });
}

// Polarity of the word token i (0 = none). A listed two-word phrase starting at i wins ("terima
// kasih", "tidak becus": the phrase carries its own negation) and sets *span to 2; then the word,
// then (mode 2) its stem.
int TokenPolarity(const std::vector<Token>& tokens, const TokenInfo* info, std::size_t i,
                  std::size_t* span) {
  *span = 1;
  if (info[i].starts_phrase && i + 1 < tokens.size() && info[i + 1].word) {
    if (const int w = CachedPhrasePolarity(tokens[i].surface, tokens[i + 1].surface); w != 0) {
      *span = 2;
      return w;
    }
  }
  return info[i].polarity;
}

template <typename Add>
void AddPolarity(const std::vector<Token>& tokens, const TokenInfo* info, Add&& add) {
  int count[2][2] = {{0, 0}, {0, 0}};  // [negated][positive]
  for (std::size_t i = 0; i < tokens.size();) {
    if (!info[i].word) {
      ++i;
      continue;
    }
    const bool negated = tokens[i].negated;
    std::size_t span = 1;
    const int w = TokenPolarity(tokens, info, i, &span);
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

// The clause features of FeatureOptions::clauses: word tokens from a start index, re-hashed.
void AddClauses(const TokenInfo* info, std::size_t n, int clauses,
                std::vector<std::uint32_t>* out) {
  std::size_t after_contrast = n, last_sentence = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (info[i].contrast_marker) after_contrast = i + 1;
    if (info[i].sentence_end && i + 1 < n) last_sentence = i + 1;
  }
  if ((clauses & 1) != 0) {
    for (std::size_t i = after_contrast; i < n; ++i) {
      if (!info[i].punct) out->push_back(info[i].contrast_index);
    }
  }
  if ((clauses & 2) != 0 && last_sentence > 0) {
    for (std::size_t i = last_sentence; i < n; ++i) {
      if (!info[i].punct) out->push_back(info[i].last_sentence_index);
    }
  }
}

// Both paths once the per-token infos are known; `chars` holds the character n-grams in token
// order; `cues` each token's kind cue (from its info), or null to look them up here.
void Assemble(const std::vector<Token>& tokens, const TokenInfo* info,
              const FeatureOptions& options, const std::vector<std::uint32_t>& chars,
              const std::vector<std::int8_t>* cues, FeatureVector* out) {
  out->index.clear();
  const std::uint64_t mask = (std::uint64_t{1} << options.hash_bits) - 1;
  auto add = [&](std::uint64_t h) {
    out->index.push_back(static_cast<std::uint32_t>(Mix(h) & mask));
  };
  add(kBiasFeature);  // a constant feature, so empty texts still have a vector
  if (options.kind_rules) {
    // one feature per cue family that fires, and one for "fires twice or more"
    const auto counts = cues ? KindCueCountsOf(tokens, *cues) : KindCueCounts(tokens);
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
  if (options.polarity > 0) AddPolarity(tokens, info, add);
  if (options.clauses != 0) AddClauses(info, tokens.size(), options.clauses, &out->index);
  std::uint64_t prev = 0, prev2 = 0;
  bool have_prev = false, have_prev2 = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::uint64_t h = info[i].unigram;
    if (options.word_unigrams) out->index.push_back(info[i].unigram_index);
    if (options.word_bigrams && have_prev) add(prev * 0x100000001B3ull + h + 0x51ED27ull);
    if (options.word_trigrams && have_prev2) {
      add((prev2 * 0x100000001B3ull + prev) * 0x100000001B3ull + h + 0x7A11ull);
    }
    if (options.skip_bigrams && have_prev2) add(prev2 * 0x100000001B3ull + h + 0x5C1Bull);
    prev2 = prev;
    have_prev2 = have_prev;
    prev = h;
    have_prev = true;
    if (options.surface_unigrams && info[i].has_surface)
      out->index.push_back(info[i].surface_index);
  }
  out->split = out->index.size();
  out->index.insert(out->index.end(), chars.begin(), chars.end());
  const float w = options.char_weight;
  const float norm =
      std::sqrt(static_cast<float>(out->split) + w * w * static_cast<float>(chars.size()));
  out->value = 1.0f / norm;
  out->char_value = w / norm;
}

}  // namespace

void ExtractFeatures(const std::vector<Token>& tokens, const FeatureOptions& options,
                     FeatureVector* out) {
  thread_local std::vector<TokenInfo> info;
  thread_local std::vector<std::uint32_t> chars;
  thread_local std::vector<std::int8_t> cues;
  info.resize(tokens.size());
  cues.resize(tokens.size());
  chars.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const CachedTokenInfo& c = LookupTokenInfo(tokens[i], options);
    info[i] = c.info;
    cues[i] = c.info.kind_cue;
    chars.insert(chars.end(), c.grams.begin(), c.grams.end());
  }
  Assemble(tokens, info.data(), options, chars, &cues, out);
}

void ExtractFeaturesDirect(const std::vector<Token>& tokens, const FeatureOptions& options,
                           FeatureVector* out) {
  std::vector<TokenInfo> info(tokens.size());
  std::vector<std::uint32_t> chars;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    ComputeTokenInfo(tokens[i], options, &info[i], &chars);
  }
  Assemble(tokens, info.data(), options, chars, nullptr, out);
}

}  // namespace humas::nlp
