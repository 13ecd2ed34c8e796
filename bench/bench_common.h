// Shared pieces of the intake benchmarks: timing, demo mentions as JSONL, and a store seeded with
// the demo region's agencies.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "core/model.h"
#include "store/store.h"

namespace humas::bench {

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

//! One mention as a line of the JSONL import format.
inline std::string ToJsonl(const MentionInput& m) {
  nlohmann::json j = {{"platform", ToString(m.platform)},
                      {"external_id", m.external_id},
                      {"url", m.url},
                      {"author", {{"handle", m.author_handle}, {"name", m.author_name}}},
                      {"text", m.text},
                      {"created_at", FormatRfc3339(m.created_at)},
                      {"agency", m.agency_code},
                      {"shares", m.shares},
                      {"likes", m.likes},
                      {"replies", m.replies}};
  return j.dump();
}

//! n demo-generator mentions (seed 42, one every 500 ms from a fixed time): every benchmark of
//! the intake path uses the same stream.
inline std::vector<MentionInput> DemoRows(const demo::DemoRegion& region, size_t n) {
  demo::MentionGenerator gen(42, region);
  std::vector<MentionInput> rows;
  rows.reserve(n);
  UnixMillis t = 1'790'000'000'000;
  for (size_t i = 0; i < n; ++i) rows.push_back(gen.Next(t += 500));
  return rows;
}

//! The rows as a JSONL import file.
inline std::string JsonlOf(const std::vector<MentionInput>& rows) {
  std::string jsonl;
  for (const auto& m : rows) jsonl += ToJsonl(m) + "\n";
  return jsonl;
}

//! Creates the demo region's agencies in `store`; returns their ids by code (empty on failure).
inline std::map<std::string, Id> SeedAgencies(store::Store& store, const demo::DemoRegion& region) {
  std::map<std::string, Id> ids;
  for (const auto& da : region.agencies) {
    Agency a = da.agency;
    if (!da.parent_code.empty()) a.parent_id = ids.at(da.parent_code);
    if (!store.agencies().Create(&a).ok()) return {};
    ids[a.code] = a.id;
  }
  return ids;
}

// The baseline: the same rows, same columns, one prepared INSERT, 10k rows per transaction.
inline double BareInsert(const std::string& path, const std::vector<MentionInput>& rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  sqlite3_exec(db,
               "CREATE TABLE m(id INTEGER PRIMARY KEY, platform TEXT, external_id TEXT, url TEXT, "
               "author_handle TEXT, author_name TEXT, text TEXT, created_at INTEGER, "
               "agency TEXT, shares INTEGER, likes INTEGER, replies INTEGER)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 10000 == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const MentionInput& m = rows[i];
    std::string platform(ToString(m.platform));
    sqlite3_bind_text(st, 1, platform.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m.external_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m.url.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m.author_handle.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m.author_name.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m.text.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, m.created_at);
    sqlite3_bind_text(st, 8, m.agency_code.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, m.shares);
    sqlite3_bind_int64(st, 10, m.likes);
    sqlite3_bind_int64(st, 11, m.replies);
    sqlite3_step(st);
    sqlite3_reset(st);
    if (i % 10000 == 9999 || i + 1 == rows.size())
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double s = Seconds(t0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

}  // namespace humas::bench
