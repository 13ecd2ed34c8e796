// Manual throughput check (not a test): MentionRepository::UpsertBatch for 100k mentions in
// batches of 10k vs a bare prepared-statement INSERT of the same rows into a plain table.
// Build: cmake --build <dir> --target store_upsert_throughput; run:
// <dir>/src/store/store_upsert_throughput
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using humas::Mention;
constexpr int kTotal = 100'000;
constexpr int kBatch = 10'000;

std::vector<Mention> MakeMentions() {
  std::vector<Mention> out;
  const char* words[] = {"jalan", "rusak",  "banjir", "pelayanan", "puskesmas", "lambat",
                         "bagus", "terima", "kasih",  "berau",     "sekolah",   "listrik"};
  for (int i = 0; i < kTotal; ++i) {
    Mention m;
    m.data.platform = humas::Platform::kX;
    m.data.external_id = "x" + std::to_string(i);
    m.data.author_handle = "user" + std::to_string(i % 5000);
    m.data.author_name = "Warga " + std::to_string(i % 5000);
    std::string text;
    for (int w = 0; w < 14; ++w) {
      text += words[(i * 7 + w * 13) % 12];
      text += ' ';
    }
    m.data.text = text + std::to_string(i);
    m.data.url = "https://x.com/i/" + std::to_string(i);
    m.data.created_at = 1'723'860'000'000 + i * 1000LL;
    m.data.labels.sentiment = i % 3 == 0 ? "negative" : (i % 3 == 1 ? "neutral" : "positive");
    out.push_back(std::move(m));
  }
  return out;
}

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main() {
  auto dir =
      std::filesystem::temp_directory_path() / ("humas_throughput_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto mentions = MakeMentions();

  // UpsertBatch: idempotent insert + FTS5 (trigger) + rollup upserts, one transaction per batch.
  double upsert_s = 0;
  {
    humas::SystemClock clock;
    humas::store::SqliteOptions opts;
    opts.path = (dir / "store.db").string();
    auto store = humas::store::OpenSqliteStore(opts, clock);
    if (!store.ok()) {
      std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
      return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kTotal; i += kBatch) {
      std::vector<Mention> batch(mentions.begin() + i, mentions.begin() + i + kBatch);
      auto r = (*store)->mentions().UpsertBatch(batch, clock.Now());
      if (!r.ok()) {
        std::fprintf(stderr, "upsert: %s\n", r.status().ToString().c_str());
        return 1;
      }
    }
    upsert_s = Seconds(t0);
  }

  // Baseline: the same columns into a plain table (no unique key, FTS or rollups).
  double bare_s = 0;
  {
    sqlite3* db = nullptr;
    sqlite3_open((dir / "bare.db").string().c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE m (platform "
                 "TEXT, external_id TEXT, url TEXT, author_handle TEXT, author_name TEXT, text "
                 "TEXT, created_at INTEGER, sentiment TEXT, ingested_at INTEGER)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, nullptr);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kTotal; i += kBatch) {
      sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
      for (int k = i; k < i + kBatch; ++k) {
        const auto& d = mentions[k].data;
        sqlite3_bind_text(st, 1, "x", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d.external_id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d.url.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, d.author_handle.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, d.author_name.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, d.text.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, d.created_at);
        sqlite3_bind_text(st, 8, d.labels.sentiment.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, 0);
        sqlite3_step(st);
        sqlite3_reset(st);
      }
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    bare_s = Seconds(t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::filesystem::remove_all(dir);

  std::printf("UpsertBatch (unique key + FTS5 + rollups): %d rows in %.3f s = %.0f rows/s\n",
              kTotal, upsert_s, kTotal / upsert_s);
  std::printf("bare prepared INSERT, plain table:         %d rows in %.3f s = %.0f rows/s\n",
              kTotal, bare_s, kTotal / bare_s);
  std::printf("ratio bare/upsert: %.2fx\n", upsert_s / bare_s);
  return 0;
}
