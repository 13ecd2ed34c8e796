// The intake path over a real SQLite file: the pipelined import (store thread overlapping parse
// and labelling) stores exactly what the one-batch-at-a-time import stores, keeps batches in
// flight bounded, and stops cleanly when a batch cannot be stored.
#include "ingest/ingest.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/test_util.h"

namespace humas::ingest {
namespace {

// n JSONL lines; every 7th repeats an earlier external id with more likes, every 11th is broken,
// every 13th names an unknown agency; the rest name agency "dinkes" or none.
std::string Lines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 11 == 5) {
      out += "{\"platform\":\"x\",\"external_id\":\n";
      continue;
    }
    int id = i % 7 == 6 ? i - 3 : i;
    std::string agency = i % 13 == 4 ? "tidak-ada" : (i % 2 ? "dinkes" : "");
    std::string text =
        i % 3 ? "Jalan rusak nomor " + std::to_string(id) : "Terima kasih " + std::to_string(id);
    out += "{\"platform\":\"x\",\"external_id\":\"m" + std::to_string(id) +
           "\",\"author\":{\"handle\":\"warga" + std::to_string(id % 50) + "\"},\"text\":\"" +
           text + "\",\"created_at\":\"2026-11-20T0" + std::to_string(i % 10) +
           ":00:00Z\",\"agency\":\"" + agency + "\",\"likes\":" + std::to_string(i) + "}\n";
  }
  return out;
}

std::unique_ptr<store::sqlite::TempSqliteStore> StoreWithAgency() {
  auto st = store::sqlite::TempSqliteStore::Open();
  if (st == nullptr) return nullptr;
  Agency a;
  a.kind = AgencyKind::kAgency;
  a.name = "Dinas Kesehatan";
  a.code = "dinkes";
  if (!st->agencies().Create(&a).ok()) return nullptr;
  return st;
}

void Label(MentionInput* m) {
  m->labels.sentiment = m->text.find("rusak") != std::string::npos ? "negative" : "positive";
}

TEST(IngestorTest, PipelinedImportStoresExactlyWhatTheSequentialImportStores) {
  const std::string data = Lines(23456);  // five parser batches
  struct Run {
    IngestReport report;
    std::vector<Id> announced;
    std::vector<Mention> stored;
  };
  auto run = [&](bool pipelined) {
    Run r;
    auto st = StoreWithAgency();
    EXPECT_NE(st, nullptr);
    FakeClock clock(1790000000000);
    Ingestor ingestor(
        *st, clock, [&r](const Mention& m) { r.announced.push_back(m.id); }, Label);
    ingestor.set_options({.pipelined = pipelined, .max_queued_batches = 2});
    auto report = ingestor.ImportBytes(data, ImportFormat::kJsonl);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    r.report = *report;
    for (int offset = 0;; offset += 200) {
      auto page = st->mentions().Search({}, {.limit = 200, .offset = offset});
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->items.empty()) break;
      for (auto& m : page->items) r.stored.push_back(std::move(m));
    }
    return r;
  };
  Run seq = run(false);
  Run pipe = run(true);
  EXPECT_GT(seq.report.imported, 15000);
  EXPECT_GT(seq.report.updated + seq.report.duplicates, 2000);
  EXPECT_GT(seq.report.rejected, 3000);
  EXPECT_EQ(pipe.report.imported, seq.report.imported);
  EXPECT_EQ(pipe.report.updated, seq.report.updated);
  EXPECT_EQ(pipe.report.duplicates, seq.report.duplicates);
  EXPECT_EQ(pipe.report.rejected, seq.report.rejected);
  ASSERT_EQ(pipe.report.errors.size(), seq.report.errors.size());
  for (size_t i = 0; i < seq.report.errors.size(); ++i)
    EXPECT_EQ(pipe.report.errors[i].ToString(), seq.report.errors[i].ToString());
  // Announced once per new mention, in the order they were stored.
  EXPECT_EQ(pipe.announced, seq.announced);
  EXPECT_EQ(static_cast<std::int64_t>(pipe.announced.size()), pipe.report.imported);
  EXPECT_TRUE(std::is_sorted(pipe.announced.begin(), pipe.announced.end()));
  ASSERT_EQ(pipe.stored.size(), seq.stored.size());
  for (size_t i = 0; i < seq.stored.size(); ++i) {
    const auto& a = seq.stored[i];
    const auto& b = pipe.stored[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.data.external_id, b.data.external_id);
    EXPECT_EQ(a.data.likes, b.data.likes);
    EXPECT_EQ(a.agency_id, b.agency_id);
    EXPECT_EQ(a.data.labels.sentiment, b.data.labels.sentiment);
    EXPECT_FALSE(b.data.labels.sentiment.empty());
  }
}

TEST(IngestorTest, PipelineKeepsAtMostAFewBatchesInFlight) {
  auto st = StoreWithAgency();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1790000000000);
  std::atomic<std::int64_t> labelled{0}, stored{0}, most_ahead{0};
  auto label = [&](MentionInput* m) {
    std::int64_t ahead = ++labelled - stored.load();
    std::int64_t prev = most_ahead.load();
    while (ahead > prev && !most_ahead.compare_exchange_weak(prev, ahead)) {
    }
    Label(m);
  };
  // A slow consumer: without back-pressure the labelling would run far ahead of the store.
  auto sink = [&](const Mention&) {
    if (++stored % 5000 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  };
  Ingestor ingestor(*st, clock, sink, label);
  ingestor.set_options({.pipelined = true, .max_queued_batches = 2});
  std::string data;
  for (int i = 0; i < 60000; ++i)
    data += "{\"platform\":\"x\",\"external_id\":\"b" + std::to_string(i) +
            "\",\"author\":{\"handle\":\"w\"},\"text\":\"jalan "
            "rusak\",\"created_at\":\"2026-11-20T01:00:00Z\"}\n";
  auto report = ingestor.ImportBytes(data, ImportFormat::kJsonl);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->imported, 60000);
  EXPECT_EQ(stored.load(), 60000);
  // One batch being labelled, two queued, one being stored: 4 x 5,000.
  EXPECT_LE(most_ahead.load(), 4 * 5000);
  EXPECT_GE(most_ahead.load(), 5000);
}

TEST(IngestorTest, AFailedBatchStopsThePipelineAndLaterBatchesAreNotStored) {
  auto st = StoreWithAgency();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1790000000000);
  // The 12,001st mention (third batch) reaches the store without an external id, which the
  // store refuses for the whole batch.
  std::atomic<int> seen{0};
  auto label = [&](MentionInput* m) {
    if (m->external_id == "f12000") m->external_id.clear();
    ++seen;
  };
  Ingestor ingestor(*st, clock, {}, label);
  std::string data;
  for (int i = 0; i < 30000; ++i)
    data += "{\"platform\":\"x\",\"external_id\":\"f" + std::to_string(i) +
            "\",\"author\":{\"handle\":\"w\"},\"text\":\"halo\",\"created_at\":\"2026-11-20T01:00:"
            "00Z\"}\n";
  auto report = ingestor.ImportBytes(data, ImportFormat::kJsonl);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Code::kInvalidArgument);
  auto stored = st->mentions().Search({}, {});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->total, 10000);  // the two batches before the failed one, nothing after
}

}  // namespace
}  // namespace humas::ingest
