// Unit tests for the built-in polarity lexicon, the polarity features and the clause features.
#include "nlp/features.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlp/classifier.h"
#include "nlp/normalizer.h"
#include "nlp/polarity.h"
#include "nlp/trainer.h"

namespace humas::nlp {
namespace {

TEST(PolarityLexiconTest, WordsPhrasesAndStems) {
  EXPECT_GT(PolarityLexiconSize(), 2000u);
  EXPECT_GT(WordPolarity("bagus"), 0);  // from the AFINN-derived list
  EXPECT_LT(WordPolarity("buruk"), 0);
  EXPECT_EQ(WordPolarity("meja"), 0);  // not a polar word
  EXPECT_EQ(WordPolarity(""), 0);
  // the project's own list replaces the translated weight ("lancar" was -2 there)
  EXPECT_GT(WordPolarity("lancar"), 0);
  EXPECT_GT(WordPolarity("mantap"), 0);  // added by the project
  // negators are left out: negation is the normaliser's NEG_ scope
  EXPECT_EQ(WordPolarity("tidak"), 0);
  // entries are normalised like text: "wtfff" is listed, tokens arrive squeezed
  EXPECT_LT(WordPolarity("wtf"), 0);
  EXPECT_EQ(WordPolarity("wtfff"), 0);
  EXPECT_GT(PhrasePolarity("terima", "kasih"), 0);
  EXPECT_LT(PhrasePolarity("tidak", "becus"), 0);
  EXPECT_EQ(PhrasePolarity("kasih", "terima"), 0);
  EXPECT_TRUE(StartsPhrase("terima"));
  EXPECT_FALSE(StartsPhrase("meja"));
  EXPECT_LT(StemPolarity(StemWord("kecewa")), 0);
  EXPECT_EQ(StemPolarity("zzzz"), 0);
}

std::vector<std::uint32_t> Features(const std::string& text, int polarity, int clauses = 0) {
  const Normalizer n;
  FeatureOptions o;
  o.hash_bits = 20;
  o.char_max = 0;
  o.polarity = polarity;
  o.clauses = clauses;
  FeatureVector x;
  ExtractFeatures(n.Normalize(text), o, &x);
  return {x.index.begin(), x.index.begin() + static_cast<std::ptrdiff_t>(x.split)};
}

std::vector<std::uint32_t> Added(const std::string& text, int polarity, int clauses = 0) {
  auto with = Features(text, polarity, clauses), without = Features(text, 0);
  std::sort(with.begin(), with.end());
  std::sort(without.begin(), without.end());
  std::vector<std::uint32_t> out;
  std::set_difference(with.begin(), with.end(), without.begin(), without.end(),
                      std::back_inserter(out));
  return out;
}

TEST(PolarityFeaturesTest, SignNegationAndCounts) {
  // no polar word: only the two count-bucket features (counts 0 x 0)
  EXPECT_EQ(Added("kantor buka jam delapan", 1).size(), 2u);
  // one polar word: sign, sign + strength, and the two count buckets
  const auto good = Added("pelayanan bagus", 1);
  EXPECT_EQ(good.size(), 4u);
  const auto not_good = Added("pelayanan tidak bagus", 1);
  EXPECT_EQ(not_good.size(), 4u);
  EXPECT_NE(good, not_good);  // negated praise is a different feature from praise
  const auto bad = Added("pelayanan buruk", 1);
  EXPECT_NE(good, bad);
  // a listed phrase counts once ("terima kasih"; "terima" alone is listed too)
  EXPECT_EQ(Added("terima kasih", 1).size(), 4u);
  // mode 2 also finds words through their stem; mode 1 does not
  const std::string unlisted = "kekecewaannya";
  if (WordPolarity(unlisted) == 0 && StemPolarity(StemWord(unlisted)) != 0) {
    EXPECT_EQ(Added(unlisted, 1).size(), 2u);
    EXPECT_EQ(Added(unlisted, 2).size(), 4u);
  }
  EXPECT_EQ(Added("", 1).size(), 2u);  // empty text: defined, count buckets only
}

TEST(ClauseFeaturesTest, AfterContrastAndLastSentence) {
  // "tapi mahal": one more feature for the word after the marker
  EXPECT_EQ(Added("enak sekali tapi mahal", 0, 1).size(), 1u);
  EXPECT_EQ(Added("enak sekali tapi harga mahal", 0, 1).size(), 2u);
  EXPECT_TRUE(Added("enak sekali", 0, 1).empty());  // no marker, no features
  // the words after the last sentence end
  EXPECT_EQ(Added("makanan enak . tempat kotor", 0, 2).size(), 2u);
  EXPECT_TRUE(Added("makanan enak .", 0, 2).empty());               // one sentence only
  EXPECT_TRUE(Added("makanan enak , tempat kotor", 0, 2).empty());  // a comma ends no sentence
  // the same words in a clause are other features than as plain unigrams
  const auto last = Added("bagus . bagus", 0, 2);
  ASSERT_EQ(last.size(), 1u);
  const auto plain = Features("bagus", 0);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), last[0]), 0);
  EXPECT_EQ(Added("", 0, 3).size(), 0u);
}

TEST(PolarityFeaturesTest, SettingTravelsWithTheModelFile) {
  ModelInfo info;
  info.task = "sentiment";
  info.features.hash_bits = 12;
  info.features.polarity = 2;
  info.features.clauses = 3;
  TrainOptions o;
  o.folds = 0;
  o.epochs = 5;
  auto m = Train({{"bagus sekali", "positive"}, {"buruk sekali", "negative"}}, info, o, nullptr,
                 nullptr);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto path = std::filesystem::temp_directory_path() /
                    ("humas_polarity_test_" + std::to_string(::getpid()) + ".model");
  ASSERT_TRUE((*m)->Save(path.string()).ok());
  auto loaded = LoadModel(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->info().features.polarity, 2);
  EXPECT_EQ((*loaded)->info().features.clauses, 3);
  EXPECT_EQ((*loaded)->Predict("bagus").probabilities, (*m)->Predict("bagus").probabilities);
}

// The memoised extraction must give the direct computation's indices, in the same order (the
// logits are summed in that order), and the same values.
void ExpectSameAsDirect(const std::vector<std::string>& texts, const FeatureOptions& o) {
  const Normalizer n;
  for (int pass = 0; pass < 2; ++pass) {  // cold, then warm caches
    for (const auto& t : texts) {
      const auto tokens = n.Normalize(t);
      FeatureVector fast, direct;
      ExtractFeatures(tokens, o, &fast);
      ExtractFeaturesDirect(tokens, o, &direct);
      ASSERT_EQ(fast.index, direct.index) << t;
      EXPECT_EQ(fast.split, direct.split) << t;
      EXPECT_EQ(fast.value, direct.value) << t;
      EXPECT_EQ(fast.char_value, direct.char_value) << t;
    }
  }
}

std::vector<std::string> MemoTestTexts() {
  std::vector<std::string> texts = {
      "", "tidak bagus tapi murah . terima kasih , tidak becus !", "kekecewaannya #gak :) 😀",
      "Pelayanan GAK jelasss 😡 @humas https://x.id enak-enak 2x ÉNAK ＴＩＤＡＫ \xff"};
  const auto smsa =
      std::filesystem::path(HUMAS_SHARED_DIR) / "data/indonlu-smsa/valid_preprocess.tsv";
  std::ifstream in(smsa);
  for (std::string line; std::getline(in, line);) texts.push_back(line.substr(0, line.rfind('\t')));
  EXPECT_GT(texts.size(), 1000u) << "SmSA validation texts not found at " << smsa;
  return texts;
}

// Feature options of the shipped sentiment and kind models, and other settings.
std::vector<FeatureOptions> MemoTestOptions() {
  ModelInfo sentiment, kind;
  TrainOptions unused;
  ApplyTaskDefaults("sentiment", &sentiment, &unused);
  ApplyTaskDefaults("kind", &kind, &unused);
  kind.features.kind_rules = true;
  FeatureOptions other;  // other n-gram orders, hash size, polarity mode and families
  other.hash_bits = 16;
  other.char_min = 2;
  other.char_max = 4;
  other.char_negated = false;
  other.polarity = 1;
  other.word_trigrams = true;
  other.skip_bigrams = true;
  other.surface_unigrams = true;
  FeatureOptions clauses_only = other;  // contrast clause alone, no unigrams, no characters
  clauses_only.word_unigrams = false;
  clauses_only.char_max = 0;
  clauses_only.clauses = 1;
  clauses_only.length_buckets = true;
  clauses_only.kind_rules = true;
  return {sentiment.features, kind.features, other, clauses_only};
}

TEST(FeatureMemoTest, MatchesDirectComputation) {
  const std::vector<std::string> texts = MemoTestTexts();
  for (const FeatureOptions& o : MemoTestOptions()) ExpectSameAsDirect(texts, o);
}

// Random weights (a fixed seed) for 2^bits buckets and k labels, every bucket non-zero.
std::vector<float> RandomWeights(int bits, std::size_t k, std::uint32_t seed) {
  std::vector<float> w((std::size_t{1} << bits) * k);
  std::uint32_t x = seed;
  for (float& v : w) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<float>(static_cast<int>(x >> 8) % 20001 - 10000) / 7919.0f;
  }
  return w;
}

// The one-pass scorer over several models gives each model's sums of its direct feature vector.
TEST(LinearScorerTest, EqualsSumsOfTheDirectFeatureVector) {
  const std::vector<std::string> texts = MemoTestTexts();
  const std::vector<FeatureOptions> options = MemoTestOptions();
  const std::size_t labels[] = {3, 6, 2, 4};
  std::vector<std::vector<float>> weights;
  std::vector<LinearModelRef> refs;
  for (std::size_t m = 0; m < options.size(); ++m)
    weights.push_back(RandomWeights(options[m].hash_bits, labels[m], 17 + m));
  for (std::size_t m = 0; m < options.size(); ++m)
    refs.push_back({options[m], weights[m].data(), labels[m]});
  const LinearScorer scorer(refs);
  ASSERT_EQ(scorer.size(), options.size());
  const Normalizer n;
  std::vector<FeatureSums> fast(options.size());
  for (int pass = 0; pass < 2; ++pass) {  // cold, then warm memo
    for (const auto& t : texts) {
      const auto tokens = n.Normalize(t);
      scorer.Score(tokens, fast.data());
      for (std::size_t m = 0; m < options.size(); ++m) {
        FeatureVector x;
        ExtractFeaturesDirect(tokens, options[m], &x);
        FeatureSums direct;
        SumFeatures(x, weights[m].data(), labels[m], &direct);
        ASSERT_EQ(fast[m].word.size(), labels[m]);
        for (std::size_t c = 0; c < labels[m]; ++c) {
          // sums of up to a few hundred weights of magnitude < 1.3: only the order differs
          ASSERT_NEAR(fast[m].word[c], direct.word[c], 1e-9) << t << " model " << m;
          ASSERT_NEAR(fast[m].chars[c], direct.chars[c], 1e-9) << t << " model " << m;
        }
        ASSERT_EQ(fast[m].value, direct.value) << t << " model " << m;
        ASSERT_EQ(fast[m].char_value, direct.char_value) << t << " model " << m;
      }
    }
  }
}

}  // namespace
}  // namespace humas::nlp
