// Hashed feature extraction (see features.h).
#include "nlp/features.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
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

namespace humas::nlp {

void SumFeatures(const FeatureVector& x, const float* weights, std::size_t labels,
                 FeatureSums* out) {
  out->word.assign(labels, 0.0);
  out->chars.assign(labels, 0.0);
  for (std::size_t i = 0; i < x.index.size(); ++i) {
    const float* w = weights + std::size_t{x.index[i]} * labels;
    double* sum = i < x.split ? out->word.data() : out->chars.data();
    for (std::size_t c = 0; c < labels; ++c) sum[c] += w[c];
  }
  out->value = x.value;
  out->char_value = x.char_value;
}

namespace {

std::atomic<std::uint64_t> g_next_scorer{1};

// dst[0, n) += src[0, n), two doubles at a time where SSE2 is there (every x86-64); each element
// is still one addition, so the sums are the same as the plain loop's.
inline void AddDoubles(double* dst, const double* src, std::size_t n) {
  std::size_t c = 0;
#if defined(__SSE2__)
  for (; c + 2 <= n; c += 2)
    _mm_storeu_pd(dst + c, _mm_add_pd(_mm_loadu_pd(dst + c), _mm_loadu_pd(src + c)));
#endif
  for (; c < n; ++c) dst[c] += src[c];
}

// dst[0, k) += w[0, k), written out for the shipped models' 3 and 6 labels.
inline void AddRow(double* dst, const float* w, std::size_t k) {
  switch (k) {
    case 3:
      dst[0] += w[0];
      dst[1] += w[1];
      dst[2] += w[2];
      return;
    case 6:
      dst[0] += w[0];
      dst[1] += w[1];
      dst[2] += w[2];
      dst[3] += w[3];
      dst[4] += w[4];
      dst[5] += w[5];
      return;
    default:
      for (std::size_t c = 0; c < k; ++c) dst[c] += w[c];
  }
}

}  // namespace

// What one token contributes to every model of a scorer (see LinearScorer).
struct LinearScorer::Entry {
  std::uint64_t unigram = 0;  // HashBytes(text, kUnigramSeed), for the n-gram features
  bool word = false, punct = false, sentence_end = false, contrast_marker = false;
  std::uint8_t pair_code = 0;  // KindPairCodeOf(surface)
  struct PerModel {
    std::int8_t polarity = 0;
    bool starts_phrase = false;
    std::int8_t kind_cue = -1;
    std::uint8_t word_features = 0;  // unigram and surface unigram features of the token: 0-2
    std::uint32_t char_features = 0;
  };
  std::array<PerModel, kMaxModels> model{};
  // [0, labels_): every model's word row (unigram + surface unigram weights) at its offset;
  // [labels_, 2 labels_): the sums of the character n-gram rows; then each model's contrast-
  // clause and last-sentence rows (Model::contrast, last)
  std::vector<double> rows;
};

LinearScorer::LinearScorer(std::vector<LinearModelRef> models)
    : serial_(g_next_scorer.fetch_add(1)) {
  if (models.size() > kMaxModels) models.resize(kMaxModels);
  for (LinearModelRef& ref : models) {
    Model m;
    m.offset = labels_;
    labels_ += ref.labels;
    m.ref = std::move(ref);
    models_.push_back(std::move(m));
  }
  row_doubles_ = 2 * labels_;
  for (Model& m : models_) {
    m.contrast = row_doubles_;
    if ((m.ref.options.clauses & 1) != 0) row_doubles_ += m.ref.labels;
    m.last = row_doubles_;
    if ((m.ref.options.clauses & 2) != 0) row_doubles_ += m.ref.labels;
  }
}

LinearScorer::Entry LinearScorer::MakeEntry(const Token& t) const {
  Entry e;
  e.rows.assign(row_doubles_, 0.0);
  e.pair_code = static_cast<std::uint8_t>(KindPairCodeOf(t.surface));
  thread_local std::vector<std::uint32_t> grams;
  for (std::size_t mi = 0; mi < models_.size(); ++mi) {
    const Model& m = models_[mi];
    const FeatureOptions& o = m.ref.options;
    const std::size_t k = m.ref.labels;
    TokenInfo info;
    grams.clear();
    ComputeTokenInfo(t, o, &info, &grams);
    if (mi == 0) {
      e.unigram = info.unigram;
      e.word = info.word;
      e.punct = info.punct;
      e.sentence_end = info.sentence_end;
      e.contrast_marker = info.contrast_marker;
    }
    Entry::PerModel& pm = e.model[mi];
    pm.polarity = info.polarity;
    pm.starts_phrase = info.starts_phrase;
    pm.kind_cue = info.kind_cue;
    auto add_row = [&](std::size_t offset, std::uint32_t bucket) {
      const float* w = m.ref.weights + std::size_t{bucket} * k;
      for (std::size_t c = 0; c < k; ++c) e.rows[offset + c] += w[c];
    };
    if (o.word_unigrams) {
      add_row(m.offset, info.unigram_index);
      ++pm.word_features;
    }
    if (o.surface_unigrams && info.has_surface) {
      add_row(m.offset, info.surface_index);
      ++pm.word_features;
    }
    for (std::uint32_t g : grams) add_row(labels_ + m.offset, g);
    pm.char_features = static_cast<std::uint32_t>(grams.size());
    if ((o.clauses & 1) != 0) add_row(m.contrast, info.contrast_index);
    if ((o.clauses & 2) != 0) add_row(m.last, info.last_sentence_index);
  }
  return e;
}

void LinearScorer::Score(const std::vector<Token>& tokens, FeatureSums* out) const {
  // this scorer's memo on this thread (a few scorers' tables are kept; the oldest is replaced)
  struct Memo {
    std::uint64_t serial = 0;
    std::unique_ptr<WordCache<Entry>> cache;
  };
  thread_local std::array<Memo, 4> memos;
  thread_local std::size_t next_memo = 0;
  WordCache<Entry>* cache = nullptr;
  for (Memo& memo : memos) {
    if (memo.serial == serial_) cache = memo.cache.get();
  }
  if (cache == nullptr) {
    Memo& memo = memos[next_memo++ % memos.size()];
    memo.serial = serial_;
    memo.cache = std::make_unique<WordCache<Entry>>(std::size_t{1} << 16);
    cache = memo.cache.get();
  }

  const std::size_t n = tokens.size(), models = models_.size(), labels = labels_;
  thread_local std::vector<std::uint64_t> unigram;
  thread_local std::vector<std::uint8_t> flags;  // 1 punct, 2 sentence end, 4 contrast marker
  thread_local std::vector<std::uint8_t> pairs;  // KindPairCodeOf
  thread_local std::array<std::vector<TokenInfo>, kMaxModels> infos;   // for AddPolarity
  thread_local std::array<std::vector<std::int8_t>, kMaxModels> cues;  // for the cue counts
  thread_local std::vector<double> clause_rows;  // per token: the entry's clause rows
  thread_local std::vector<double> sums;         // all models' word sums, then char sums
  const std::size_t clause_doubles = row_doubles_ - 2 * labels;
  std::array<std::size_t, kMaxModels> split{}, chars{};
  bool any_polarity = false, any_cues = false;
  unigram.resize(n);
  flags.resize(n);
  pairs.resize(n);
  clause_rows.resize(n * clause_doubles);
  sums.assign(2 * labels, 0.0);
  for (std::size_t mi = 0; mi < models; ++mi) {
    if (models_[mi].ref.options.polarity > 0) {
      infos[mi].resize(n);
      any_polarity = true;
    }
    if (models_[mi].ref.options.kind_rules) {
      cues[mi].resize(n);
      any_cues = true;
    }
  }
  thread_local std::string key;
  for (std::size_t i = 0; i < n; ++i) {
    const Token& t = tokens[i];
    // the token's kind and negation, then its text and surface (which may differ in any way)
    const auto len = static_cast<std::uint32_t>(t.text.size());
    key.resize(5 + t.text.size() + t.surface.size());
    char* k = key.data();
    k[0] = static_cast<char>(static_cast<int>(t.kind) + (t.negated ? 32 : 0));
    std::memcpy(k + 1, &len, sizeof len);
    std::memcpy(k + 5, t.text.data(), t.text.size());
    std::memcpy(k + 5 + t.text.size(), t.surface.data(), t.surface.size());
    const Entry& e = cache->Get(key, [&] { return MakeEntry(t); });
    unigram[i] = e.unigram;
    flags[i] = static_cast<std::uint8_t>((e.punct ? 1 : 0) | (e.sentence_end ? 2 : 0) |
                                         (e.contrast_marker ? 4 : 0));
    pairs[i] = e.pair_code;
    const double* rows = e.rows.data();
    double* acc = sums.data();
    AddDoubles(acc, rows, 2 * labels);
    if (clause_doubles > 0) {
      std::memcpy(&clause_rows[i * clause_doubles], rows + 2 * labels,
                  clause_doubles * sizeof(double));
    }
    for (std::size_t mi = 0; mi < models; ++mi) {
      const Entry::PerModel& pm = e.model[mi];
      split[mi] += pm.word_features;
      chars[mi] += pm.char_features;
    }
    if (any_polarity || any_cues) {
      for (std::size_t mi = 0; mi < models; ++mi) {
        const Entry::PerModel& pm = e.model[mi];
        if (models_[mi].ref.options.polarity > 0) {
          TokenInfo& info = infos[mi][i];
          info.word = e.word;
          info.polarity = pm.polarity;
          info.starts_phrase = pm.starts_phrase;
        }
        if (models_[mi].ref.options.kind_rules) cues[mi][i] = pm.kind_cue;
      }
    }
  }

  // The features that depend on more than one token, per model, in Assemble's terms.
  for (std::size_t mi = 0; mi < models; ++mi) {
    const Model& m = models_[mi];
    const FeatureOptions& o = m.ref.options;
    const std::size_t k = m.ref.labels;
    const std::uint64_t mask = (std::uint64_t{1} << o.hash_bits) - 1;
    out[mi].word.assign(sums.begin() + static_cast<std::ptrdiff_t>(m.offset),
                        sums.begin() + static_cast<std::ptrdiff_t>(m.offset + k));
    out[mi].chars.assign(sums.begin() + static_cast<std::ptrdiff_t>(labels + m.offset),
                         sums.begin() + static_cast<std::ptrdiff_t>(labels + m.offset + k));
    double* word = out[mi].word.data();
    std::size_t s = split[mi];
    auto add = [&](std::uint64_t h) {
      AddRow(word, m.ref.weights + static_cast<std::size_t>(Mix(h) & mask) * k, k);
      ++s;
    };
    add(kBiasFeature);
    if (o.kind_rules) {
      const auto counts = KindCueCountsOfCodes(tokens, cues[mi], pairs);
      for (int c = 0; c < kKindCues; ++c) {
        if (counts[c] > 0) add(kRuleSeed + 2 * static_cast<std::uint64_t>(c));
        if (counts[c] > 1) add(kRuleSeed + 2 * static_cast<std::uint64_t>(c) + 1);
      }
    }
    if (o.length_buckets) {
      std::uint64_t bucket = 0;
      for (std::size_t len = n; len > 0; len >>= 1) ++bucket;
      add(kLengthSeed + std::min<std::uint64_t>(bucket, 9));
    }
    if (o.polarity > 0) AddPolarity(tokens, infos[mi].data(), add);
    if (o.clauses != 0) {
      std::size_t after_contrast = n, last_sentence = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if ((flags[i] & 4) != 0) after_contrast = i + 1;
        if ((flags[i] & 2) != 0 && i + 1 < n) last_sentence = i + 1;
      }
      auto add_rows = [&](std::size_t from, std::size_t half) {
        for (std::size_t i = from; i < n; ++i) {
          if ((flags[i] & 1) != 0) continue;
          const double* r =
              &clause_rows[i * clause_doubles + (half == 0 ? m.contrast : m.last) - 2 * labels];
          AddDoubles(word, r, k);
          ++s;
        }
      };
      if ((o.clauses & 1) != 0) add_rows(after_contrast, 0);
      if ((o.clauses & 2) != 0 && last_sentence > 0) add_rows(last_sentence, 1);
    }
    std::uint64_t prev = 0, prev2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t h = unigram[i];
      if (o.word_bigrams && i >= 1) add(prev * 0x100000001B3ull + h + 0x51ED27ull);
      if (o.word_trigrams && i >= 2)
        add((prev2 * 0x100000001B3ull + prev) * 0x100000001B3ull + h + 0x7A11ull);
      if (o.skip_bigrams && i >= 2) add(prev2 * 0x100000001B3ull + h + 0x5C1Bull);
      prev2 = prev;
      prev = h;
    }
    // as Assemble scales the vector (in float, the same operations)
    const float w = o.char_weight;
    const float norm = std::sqrt(static_cast<float>(s) + w * w * static_cast<float>(chars[mi]));
    out[mi].value = 1.0f / norm;
    out[mi].char_value = w / norm;
  }
}

}  // namespace humas::nlp
