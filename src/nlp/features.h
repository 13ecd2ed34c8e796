// Hashed features for the linear classifiers: word unigrams/bigrams and character n-grams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/normalizer.h"

namespace humas::nlp {

//! Which features are extracted; stored in model files with the model.
struct FeatureOptions {
  int hash_bits = 20;             //!< feature space has 2^hash_bits buckets
  bool word_unigrams = true;      //!< final token texts (stems, NEG_-marked)
  bool word_bigrams = true;       //!< adjacent final token texts
  bool word_trigrams = false;     //!< three adjacent final token texts
  bool skip_bigrams = false;      //!< token pairs with one token between ("tidak terlalu bagus")
  bool kind_rules = false;        //!< cue-word counts of kind_rules.h as features (task "kind")
  bool length_buckets = false;    //!< one feature for the text's token count (log2 bucket)
  bool surface_unigrams = false;  //!< the standardised word before stemming, as its own feature
  //! Polarity features from the built-in lexicon (polarity.h): per polar word its sign, strength
  //! and whether it is negated, plus buckets of the text's counts of positive and negative words
  //! (no polar word at all is a feature too). 0 = off, 1 = words and two-word phrases, 2 = also
  //! by Snowball stem when the word itself is not listed.
  int polarity = 0;
  //! Clause features, a bit set: 1 = the words after the text's last contrast marker ("enak,
  //! tapi mahal": what follows "tapi/namun/..." usually carries the verdict) again in their own
  //! hash space; 2 = the words of the last sentence of a multi-sentence text, likewise.
  int clauses = 0;
  int char_min = 3;          //!< character n-grams of "<surface>" of length char_min..char_max;
  int char_max = 5;          //!< char_max = 0 turns them off
  bool char_negated = true;  //!< n-grams of negated words live in a separate hash space
  float char_weight = 0.3f;  //!< value of a character n-gram relative to a word feature
};

//! A sparse feature vector. Repeated indices are allowed and add up. Word features
//! (index[0, split)) have value `value`, character n-grams (index[split, end)) `char_value`;
//! both are scaled so the vector has unit length when indices are distinct: long and short texts
//! score on the same scale.
struct FeatureVector {
  std::vector<std::uint32_t> index;
  std::size_t split = 0;
  float value = 0;
  float char_value = 0;
};

//! Fills *out (cleared first) with the features of tokens. Deterministic across platforms.
//! What each token contributes (its hashes, character n-grams, polarity) is memoised per thread
//! (bounded), so a repeated word costs one look-up.
void ExtractFeatures(const std::vector<Token>& tokens, const FeatureOptions& options,
                     FeatureVector* out);

//! The same without any memoisation: every hash computed from the tokens. The reference that
//! tests and the fuzzer hold ExtractFeatures() to (same indices in the same order).
void ExtractFeaturesDirect(const std::vector<Token>& tokens, const FeatureOptions& options,
                           FeatureVector* out);

//! What a linear model's raw scores are made of, for one text: per label, the sum of the weights
//! of the text's word features and the sum of those of its character n-grams (in double), and the
//! vector's two values (FeatureVector::value, char_value): score = bias + word * value + chars *
//! char_value.
struct FeatureSums {
  std::vector<double> word, chars;
  float value = 0, char_value = 0;
};

//! FeatureSums of x over `weights` ([bucket * labels + label]).
void SumFeatures(const FeatureVector& x, const float* weights, std::size_t labels,
                 FeatureSums* out);

//! One linear model as LinearScorer reads it: its feature options and its weights
//! ([bucket * labels + label], 2^options.hash_bits buckets). The weights must outlive the scorer.
struct LinearModelRef {
  FeatureOptions options;
  const float* weights = nullptr;
  std::size_t labels = 0;
};

//! The FeatureSums of up to kMaxModels linear models over the same tokens at once, without
//! building feature vectors: what each token contributes to every model (its unigram and
//! surface rows, the sum of its character n-gram rows, its clause rows, its polarity and cue) is
//! memoised per thread in one table for all models (bounded), so a known word costs one look-up
//! and a few additions instead of a look-up per model and one weight row per n-gram. Equal to
//! SumFeatures(ExtractFeaturesDirect(tokens, options), weights) up to the order of the additions
//! (doubles: the difference is in the last bits). Immutable; Score() is thread-safe.
class LinearScorer {
 public:
  static constexpr std::size_t kMaxModels = 4;
  //! At most kMaxModels models (further ones are ignored).
  explicit LinearScorer(std::vector<LinearModelRef> models);
  std::size_t size() const { return models_.size(); }
  //! Fills out[m] for each model m (out has size() elements).
  void Score(const std::vector<Token>& tokens, FeatureSums* out) const;

 private:
  struct Model {
    LinearModelRef ref;
    std::size_t offset = 0;              // of its labels in a row of all models' labels
    std::size_t contrast = 0, last = 0;  // offsets of its clause rows in an entry
  };
  struct Entry;
  Entry MakeEntry(const Token& t) const;
  std::vector<Model> models_;
  std::size_t labels_ = 0;       // all models' labels: an entry's word row, then its char row
  std::size_t row_doubles_ = 0;  // doubles of all rows in one memo entry
  std::uint64_t serial_ = 0;     // tells the per-thread memo tables of scorers apart
};

//! 64-bit FNV-1a; the hash behind feature indices (part of the model format: never change it).
//! Inline: hoax shingles hash every 5-byte window of a text with it.
inline std::uint64_t HashBytes(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = 0xCBF29CE484222325ull ^ seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace humas::nlp
