// The label cache: a hit returns exactly what the language pipeline computes for the same text,
// memory stays bounded, and texts too long to keep are labelled every time.
#include "ingest/labeling.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "nlp/pipeline.h"

namespace humas::ingest {
namespace {

MentionLabels Labels(const std::string& sentiment, double confidence) {
  MentionLabels l;
  l.sentiment = sentiment;
  l.sentiment_confidence = confidence;
  l.input_kind = "keluhan";
  l.hoax_score = 0.25;
  l.has_personal_data = true;
  return l;
}

void ExpectSameLabels(const MentionLabels& a, const MentionLabels& b) {
  EXPECT_EQ(a.sentiment, b.sentiment);
  EXPECT_EQ(a.sentiment_confidence, b.sentiment_confidence);
  EXPECT_EQ(a.input_kind, b.input_kind);
  EXPECT_EQ(a.input_kind_confidence, b.input_kind_confidence);
  EXPECT_EQ(a.hoax_score, b.hoax_score);
  EXPECT_EQ(a.has_personal_data, b.has_personal_data);
}

TEST(LabelCacheTest, ReturnsWhatWasAddedForTheExactTextOnly) {
  LabelCache cache(64);
  EXPECT_FALSE(cache.Find("jalan rusak").has_value());
  cache.Add("jalan rusak", Labels("negative", 0.9));
  auto hit = cache.Find("jalan rusak");
  ASSERT_TRUE(hit.has_value());
  ExpectSameLabels(*hit, Labels("negative", 0.9));
  EXPECT_FALSE(cache.Find("Jalan rusak").has_value());   // case differs: another text
  EXPECT_FALSE(cache.Find("jalan rusak ").has_value());  // trailing space: another text
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(LabelCacheTest, StaysBoundedAndKeepsRecentTexts) {
  const size_t capacity = 160;
  LabelCache cache(capacity);
  for (int i = 0; i < 10000; ++i) {
    cache.Add("teks " + std::to_string(i), Labels(i % 2 ? "positive" : "negative", i));
    ASSERT_LE(cache.size(), 2 * capacity);
  }
  // The most recent texts are still there, with their own labels.
  for (int i = 9990; i < 10000; ++i) {
    auto hit = cache.Find("teks " + std::to_string(i));
    ASSERT_TRUE(hit.has_value()) << i;
    EXPECT_EQ(hit->sentiment_confidence, i);
  }
  EXPECT_FALSE(cache.Find("teks 1").has_value());
}

TEST(LabelCacheTest, LongTextsAreNeverKept) {
  LabelCache cache(64, /*max_text_bytes=*/16);
  std::string long_text(17, 'a');
  cache.Add(long_text, Labels("neutral", 0.5));
  EXPECT_FALSE(cache.Find(long_text).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(LabelCacheTest, ConcurrentUseFromLabellingThreads) {
  LabelCache cache(256);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache] {
      for (int i = 0; i < 5000; ++i) {
        std::string text = "teks " + std::to_string(i % 300);
        if (auto hit = cache.Find(text)) {
          ASSERT_EQ(hit->sentiment_confidence, i % 300);
        } else {
          cache.Add(text, Labels("neutral", i % 300));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(cache.hits(), 0u);
  EXPECT_LE(cache.size(), 512u);
}

// With the shipped models: a labeller with a cache labels every text exactly as the pipeline
// does, whether the text is seen for the first time or again.
TEST(LoadLabelerTest, CachedLabelsEqualThePipelinesOwn) {
  auto pipeline = nlp::Pipeline::Load("");
  if (!pipeline.ok()) GTEST_SKIP() << "no shipped models: " << pipeline.status().ToString();
  auto labeler = LoadLabeler("", 1024);
  ASSERT_TRUE(labeler.ok()) << labeler.status().ToString();
  const std::vector<std::string> texts = {
      "Jalan di depan sekolah rusak parah, kapan diperbaiki?",
      "Terima kasih Dinas Kesehatan, pelayanan puskesmas cepat sekali",
      "HOAKS: vaksin mengandung chip, sebarkan!",
      "Nomor saya 081234567890, tolong hubungi soal KTP",
      "Jalan di depan sekolah rusak parah, kapan diperbaiki?",  // seen before: from the cache
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& text : texts) {
      MentionInput m;
      m.text = text;
      (*labeler)(&m);
      ExpectSameLabels(m.labels, (*pipeline)->Label(text));
    }
  }
}

}  // namespace
}  // namespace humas::ingest
