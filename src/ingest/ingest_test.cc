// The intake path over a real SQLite file: the pipelined import (store thread overlapping parse
// and labelling) stores exactly what the one-batch-at-a-time import stores, keeps batches in
// flight bounded, and stops cleanly when a batch cannot be stored.
#include "ingest/ingest.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "search/agency_query.h"
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
  // One batch being labelled, one queued for the near-duplicate thread and one there, one queued
  // for the store and one being stored: 5 x 5,000.
  EXPECT_LE(most_ahead.load(), 5 * 5000);
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

// A varied text no other line repeats (eight words, none shared with other lines' words).
std::string UniqueText(int i) {
  std::string t = "laporan";
  for (int k = 0; k < 8; ++k)
    t += " w" + std::to_string((static_cast<std::uint64_t>(i) * 2654435761u + k * 40503u) % 999983);
  return t;
}

std::string Line(const std::string& id, const std::string& text, const std::string& agency,
                 int minute) {
  return "{\"platform\":\"x\",\"external_id\":\"" + id +
         "\",\"author\":{\"handle\":\"warga\"},\"text\":\"" + text +
         "\",\"created_at\":\"2026-11-20T01:" + (minute < 10 ? "0" : "") + std::to_string(minute) +
         ":00Z\",\"agency\":\"" + agency + "\"}\n";
}

// A copy-paste campaign spread over an import of three parser batches: copies in the same batch
// as the original, in later batches (stored while the original may still be on its way to the
// store) and in another agency are flagged against the first mention; nothing else is; the
// pipelined and the sequential import flag the same; a restarted server (Warm) still flags.
TEST(IngestorTest, NearDuplicatesAreFlaggedAgainstTheFirstMentionAcrossBatches) {
  const std::string campaign =
      "Tolak kenaikan tarif air PDAM, warga Berau sudah susah jangan dibebani lagi #TolakTarifPDAM";
  const std::string edited =
      "Tolak kenaikan tarif air PDAM, warga Berau sudah sangat susah jangan dibebani lagi "
      "#TolakTarifPDAM";
  std::map<int, std::string> special = {
      {100, campaign},   {150, campaign + " @bupati_berau"}, {6000, edited},
      {11000, campaign}, {11001, "terima kasih pak"},        {11002, "terima kasih pak"}};
  std::string data;
  for (int i = 0; i < 12000; ++i) {
    auto it = special.find(i);
    data += Line("n" + std::to_string(i), it != special.end() ? it->second : UniqueText(i),
                 i == 11000 ? "dishub" : "dinkes", i % 60);
  }
  auto run = [&](bool pipelined, store::sqlite::TempSqliteStore& st) {
    FakeClock clock(1790000000000);
    std::vector<Mention> announced;
    Ingestor ingestor(st, clock, [&](const Mention& m) {
      if (m.near_duplicate) announced.push_back(m);
    });
    ingestor.set_options({.pipelined = pipelined, .max_queued_batches = 2});
    ingestor.set_near_duplicates(std::make_shared<NearDuplicateIndex>());
    auto report = ingestor.ImportBytes(data, ImportFormat::kJsonl);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->imported, 12000);
    return announced;
  };
  for (bool pipelined : {true, false}) {
    auto st = StoreWithAgency();
    ASSERT_NE(st, nullptr);
    Agency dishub;
    dishub.kind = AgencyKind::kAgency;
    dishub.name = "Dinas Perhubungan";
    dishub.code = "dishub";
    ASSERT_TRUE(st->agencies().Create(&dishub).ok());
    auto announced = run(pipelined, *st);
    store::MentionFilter only;
    only.near_duplicates = store::NearDuplicates::kOnly;
    auto flagged = st->mentions().Search(only, {.limit = 100, .offset = 0});
    ASSERT_TRUE(flagged.ok());
    std::map<std::string, Mention> by_external;
    for (auto& m : flagged->items) by_external[m.data.external_id] = m;
    ASSERT_EQ(by_external.size(), 3u) << "pipelined=" << pipelined;
    store::MentionFilter text;
    text.q = "TolakTarifPDAM";
    auto original = st->mentions().Search(text, {.limit = 10, .offset = 0});
    ASSERT_TRUE(original.ok());
    Id original_id = 0;
    for (const auto& m : original->items)
      if (m.data.external_id == "n100") original_id = m.id;
    ASSERT_NE(original_id, 0);
    for (const char* copy : {"n150", "n6000", "n11000"}) {
      ASSERT_TRUE(by_external.count(copy)) << copy;
      const Mention& m = by_external[copy];
      ASSERT_TRUE(m.near_duplicate);
      EXPECT_EQ(m.near_duplicate->of, original_id) << copy;
      EXPECT_GE(m.near_duplicate->similarity, 0.5);
      EXPECT_LE(m.near_duplicate->similarity, 1.0);
      EXPECT_EQ(m.near_duplicate->of_agency_id, st->mentions().Get(original_id)->agency_id);
    }
    EXPECT_DOUBLE_EQ(by_external["n11000"].near_duplicate->similarity, 1.0);
    EXPECT_LT(by_external["n6000"].near_duplicate->similarity, 1.0);
    // Announced (live stream) with the original's id too, even when it was in the same batch.
    ASSERT_EQ(announced.size(), 3u);
    for (const Mention& m : announced) EXPECT_EQ(m.near_duplicate->of, original_id);
    store::MentionFilter copies;
    copies.near_duplicate_of = original_id;
    EXPECT_EQ(st->mentions().Search(copies, {})->total, 3);
    text.near_duplicates = store::NearDuplicates::kExclude;
    auto originals = st->mentions().Search(text, {});
    ASSERT_EQ(originals->total, 1);
    EXPECT_EQ(originals->items[0].id, original_id);
    EXPECT_FALSE(originals->items[0].near_duplicate);

    // After a restart: a fresh index warmed from the store flags a new copy, an exact
    // re-import (same platform and external id) is no new mention and flags nothing.
    auto warm = std::make_shared<NearDuplicateIndex>();
    ASSERT_TRUE(warm->Warm(st->queries(), 50000).ok());
    FakeClock clock(1790000000000);
    Ingestor later(*st, clock);
    later.set_near_duplicates(warm);
    auto report = later.ImportBytes(
        Line("late", campaign + " sekali lagi", "dinkes", 30) + Line("n100", campaign, "", 1),
        ImportFormat::kJsonl);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->imported, 1);
    EXPECT_EQ(report->duplicates, 1);
    EXPECT_EQ(st->mentions().Search(copies, {})->total, 4);
  }
}

// Imports running at the same time share the process's labelling workers: each gets every one of
// its mentions labelled, matched (with the text folded once, as FoldForMatch folds it) and
// stored, whatever the other imports do meanwhile.
TEST(IngestorTest, ConcurrentImportsShareTheLabellingWorkers) {
  const std::string data = Lines(12000);  // three parser batches, each spread over the workers
  struct Import {
    std::unique_ptr<store::sqlite::TempSqliteStore> st;
    std::mutex mu;
    std::map<std::string, std::string> folded;  //!< external id -> text the matcher was given
    std::map<std::string, std::string> texts;   //!< external id -> original text
    Result<IngestReport> report = IngestReport{};
  };
  std::vector<std::unique_ptr<Import>> imports;
  for (int k = 0; k < 3; ++k) {
    imports.push_back(std::make_unique<Import>());
    imports.back()->st = StoreWithAgency();
    ASSERT_NE(imports.back()->st, nullptr);
  }
  std::vector<std::thread> threads;
  for (auto& imp : imports) {
    threads.emplace_back([&data, imp = imp.get()] {
      FakeClock clock(1790000000000);
      Ingestor ingestor(*imp->st, clock, {}, Label);
      ingestor.set_matcher([imp](const Mention& m, std::string_view folded) {
        std::lock_guard lock(imp->mu);
        imp->folded[m.data.external_id] = std::string(folded);
        imp->texts[m.data.external_id] = m.data.text;
        return std::vector<Id>{};
      });
      imp->report = ingestor.ImportBytes(data, ImportFormat::kJsonl);
    });
  }
  for (auto& t : threads) t.join();
  for (auto& imp : imports) {
    ASSERT_TRUE(imp->report.ok()) << imp->report.status().ToString();
    EXPECT_GT(imp->report->imported, 7000);
    EXPECT_EQ(imp->report->imported, imports[0]->report->imported);
    ASSERT_GT(imp->folded.size(), 7000u);
    for (const auto& [id, folded] : imp->folded)
      ASSERT_EQ(folded, search::FoldForMatch(imp->texts[id])) << id;
    int64_t stored = 0;
    for (int offset = 0;; offset += 200) {
      auto page = imp->st->mentions().Search({}, {.limit = 200, .offset = offset});
      ASSERT_TRUE(page.ok());
      if (page->items.empty()) break;
      for (const auto& m : page->items) EXPECT_FALSE(m.data.labels.sentiment.empty());
      stored += static_cast<int64_t>(page->items.size());
    }
    EXPECT_EQ(stored, imp->report->imported);
  }
}

}  // namespace
}  // namespace humas::ingest
