// End-to-end ingest throughput (issue 5, part 7) on this machine's cores, side by side in one run
// with its named baselines:
//   - bare SQLite INSERT of the same rows and columns into a plain table (10k rows/transaction);
//   - bare FTS5 indexing of the same texts (same tokenizer, 10k rows/transaction);
//   - matching alone: the compiled 1,000 / 10,000 agency queries over the same texts, one thread,
//     against the same queries' literals found by Hyperscan (the matcher's pass until session 7);
//   - the language labels alone (nlp::Pipeline), one thread;
//   - near-duplicate detection alone (sign, find, add; ingest/near_dup.h), one thread, against
//     its first implementation (ingest/near_dup_reference.h) on the same stream.
// End to end = humas's intake as `humas serve` runs it: parse JSONL (simdjson), resolve agencies,
// normalise and classify (shipped models), flag near-duplicates, match 1,000 or 10,000 active
// queries, store durably (WAL, synchronous=NORMAL) with the unique key, secondary indexes, FTS5,
// hourly rollups, matches and per-query counters, in 5,000-mention transactions. It runs both
// pipelined (store thread overlapping parse/label/match of the next batch; the default) and one
// batch at a time (the previous behaviour), so the gain is measured in the same run.
// The store's write path alone ("store" phase): the mentions of a 1,000-query intake exactly as
// the store thread received them (labelled, matched, near-duplicates named), stored again into a
// fresh store by UpsertBatch(..., open_cases=true) in 5,000-mention batches on one thread, timed
// by that thread's CPU clock: the store thread's cost per mention, without the other stages.
// Where the CPU goes: the 1,000-query runs (seq1k, e2e1k) keep the intake's stage times
// (ingest::IngestStageTimes: each thread's CPU clock read per batch, or per chunk in the labelling
// pool) and print them in microseconds of CPU per mention, by thread (the caller, i.e. the parser;
// the labelling pool's workers, from /proc/self/task/*/schedstat; the near-duplicate thread; the
// store thread) and stage, with the wall-clock time each thread spent waiting for the others.
// Usage: ingest_bench [N] [PHASE] (default 100000, all phases). PHASE runs one phase alone, for
// profiling (perf record / callgrind): baselines (bare INSERT, FTS5, labels, near-dup, matching),
// neardup or match (one of those baselines alone), seq1k, e2e1k, e2e10k or store
// (`valgrind --tool=callgrind --instr-atstart=no ingest_bench N store` counts the replay's
// instructions alone, the batch copies included). After "store", a comma-separated list of
// indexes to drop from the replay's store before it runs measures what those indexes cost (e.g.
// `ingest_bench 10000 store mentions_author,cases_key`).
#include <malloc.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "bench_common.h"
#include "bench_queries.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "ingest/labeling.h"
#include "ingest/near_dup.h"
#include "ingest/near_dup_reference.h"
#include "listening/matcher.h"
#include "nlp/pipeline.h"
#include "search/query_parser.h"
#include "store/queries.h"
#include "store/store.h"

namespace fs = std::filesystem;
using humas::MentionInput;
using humas::bench::Seconds;

namespace {

// CPU seconds (user + system, all threads) of this process so far. Rates per CPU-second are
// steadier than wall-clock rates when other work shares the cores (the machine is shared).
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Wall and CPU seconds of one phase.
struct Timing {
  double wall = -1;
  double cpu = 0;
};

template <typename F>
Timing Measure(F&& f) {
  double cpu0 = CpuSeconds();
  Timing t;
  t.wall = f();
  t.cpu = CpuSeconds() - cpu0;
  return t;
}

// The FTS baseline: only the full-text index of the same texts, as the store declares it.
double BareFts(const std::string& path, const std::vector<MentionInput>& rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  sqlite3_exec(db,
               "CREATE VIRTUAL TABLE f USING fts5(text, author_handle, author_name, "
               "tokenize = 'unicode61 remove_diacritics 2')",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO f(rowid, text, author_handle, author_name) VALUES(?,?,?,?)",
                     -1, &st, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 10000 == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const MentionInput& m = rows[i];
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_text(st, 2, m.text.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m.author_handle.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m.author_name.c_str(), -1, SQLITE_STATIC);
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

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// Stores `mentions` again into `store` as the intake's store thread does (same batches, same
// call); returns the CPU seconds of this thread, or -1 on failure.
__attribute__((noinline)) double ReplayStore(humas::store::Store& store,
                                             const std::vector<humas::Mention>& mentions,
                                             humas::UnixMillis now) {
  constexpr size_t kBatch = 5000;  // the intake's batch size
  double cpu0 = ThreadCpuSeconds();
  CALLGRIND_START_INSTRUMENTATION;
  for (size_t i = 0; i < mentions.size(); i += kBatch) {
    std::vector<humas::Mention> batch(
        mentions.begin() + static_cast<std::ptrdiff_t>(i),
        mentions.begin() + static_cast<std::ptrdiff_t>(std::min(mentions.size(), i + kBatch)));
    auto out = store.mentions().UpsertBatch(batch, now, /*open_cases=*/true);
    if (!out.ok()) {
      std::fprintf(stderr, "store: %s\n", out.status().ToString().c_str());
      return -1;
    }
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  return ThreadCpuSeconds() - cpu0;
}

// CPU nanoseconds of this process's threads named `name` (pthread_setname_np) so far, from
// /proc/self/task/*/schedstat (time on a CPU); threads that ended are not counted.
double ThreadsCpuNs(const std::string& name) {
  double total = 0;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::string comm;
    if (FILE* f = std::fopen((task.path() / "comm").c_str(), "r")) {
      char buf[32] = {0};
      if (std::fgets(buf, sizeof buf, f)) comm = buf;
      std::fclose(f);
    }
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm != name) continue;
    if (FILE* f = std::fopen((task.path() / "schedstat").c_str(), "r")) {
      unsigned long long ns = 0;
      if (std::fscanf(f, "%llu", &ns) == 1) total += static_cast<double>(ns);
      std::fclose(f);
    }
  }
  return total;
}

// Where one intake's CPU went (IngestStageTimes), in microseconds per mention, by thread.
struct StageReport {
  std::string name;
  Timing timing;
  double workers_ns = 0;  // the labelling pool's worker threads over the import
  humas::ingest::IngestStageTimes* times = nullptr;
};

void PrintStages(const StageReport& r, size_t n) {
  if (!r.times || r.timing.wall < 0) return;
  const auto& t = *r.times;
  auto us = [n](double ns) { return ns / 1e3 / static_cast<double>(n); };
  auto v = [&](const std::atomic<std::int64_t>& a) { return us(static_cast<double>(a.load())); };
  const double label_workers = v(t.label) - v(t.label_caller);
  // Without stage threads (one batch at a time) the caller flags and commits too.
  const bool pipelined = t.store_total.load() > 0;
  const double caller_rest = v(t.caller_total) - v(t.parse) - v(t.prepare) - v(t.label_caller) -
                             v(t.label_handoff) - v(t.push) -
                             (pipelined ? 0 : v(t.near_dup) + v(t.commit));
  std::printf(
      "  %s, us of CPU per mention by thread and stage (wall %.1f us, process CPU %.1f us per "
      "mention):\n",
      r.name.c_str(), r.timing.wall * 1e6 / n, r.timing.cpu * 1e6 / n);
  std::printf(
      "    caller   %5.1f = parse %.1f + prepare %.1f + label (own chunks) %.1f + pool hand-off "
      "%.1f + push %.1f + other %.1f; waits (wall): pool %.1f, full queue %.1f\n",
      v(t.caller_total), v(t.parse), v(t.prepare), v(t.label_caller), v(t.label_handoff), v(t.push),
      caller_rest, v(t.label_wait), v(t.push_wait));
  std::printf(
      "    workers  %5.1f = label chunks %.1f + idle/wake-up %.1f (humas-label threads' CPU)\n",
      us(r.workers_ns), label_workers, us(r.workers_ns) - label_workers);
  if (!pipelined) {
    std::printf(
        "    (no stage threads: the caller also flags near-duplicates %.1f and commits %.1f = "
        "UpsertBatch %.1f + near-dup naming + announce %.1f; not in other)\n",
        v(t.near_dup), v(t.commit), v(t.upsert), v(t.commit) - v(t.upsert));
  } else {
    std::printf(
        "    near-dup %5.1f = find/add %.1f + queues %.1f; waits (wall): empty queue %.1f, full "
        "store queue %.1f\n",
        v(t.flag_total), v(t.near_dup), v(t.flag_total) - v(t.near_dup), v(t.flag_wait),
        v(t.flag_push_wait));
    std::printf(
        "    store    %5.1f = commit %.1f (UpsertBatch %.1f, near-dup naming + announce %.1f) + "
        "queue %.1f; waits (wall): empty queue %.1f\n",
        v(t.store_total), v(t.commit), v(t.upsert), v(t.commit) - v(t.upsert),
        v(t.store_total) - v(t.commit), v(t.store_wait));
  }
  const double threads = v(t.caller_total) + us(r.workers_ns) + v(t.flag_total) + v(t.store_total);
  std::printf("    sum of threads %.1f; rest of the process %.1f\n", threads,
              r.timing.cpu * 1e6 / n - threads);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
  const std::string phase = argc > 2 ? argv[2] : "";
  auto runs = [&phase](const char* name) { return phase.empty() || phase == name; };
  if (!phase.empty() && !runs("baselines") && !runs("neardup") && !runs("match") &&
      !runs("seq1k") && !runs("e2e1k") && !runs("e2e10k") && !runs("store") && phase != "none") {
    std::fprintf(
        stderr,
        "unknown phase \"%s\" (baselines, neardup, match, seq1k, e2e1k, e2e10k, store, none)\n",
        phase.c_str());
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / ("humas-ingest-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  const std::vector<MentionInput> rows = humas::bench::DemoRows(region, n);
  const std::string jsonl = humas::bench::JsonlOf(rows);
  const std::vector<std::string> expressions = humas::bench::MakeExpressions(rows, 10000, false);
  size_t distinct_texts = 0;
  {
    std::unordered_set<std::string_view> texts;
    for (const auto& m : rows) texts.insert(m.text);
    distinct_texts = texts.size();
  }
  std::printf(
      "mentions=%zu (demo generator, %.1f MB JSONL, %zu distinct texts), %u cores, selective "
      "queries\n",
      n, jsonl.size() / 1e6, distinct_texts, std::thread::hardware_concurrency());

  // Baselines.
  const bool baselines = runs("baselines");
  Timing bare, fts;
  double label_s = 0, neardup_s = 0;
  size_t flagged = 0;
  double match_s[2] = {0, 0}, match_hs_s[2] = {0, 0};
  size_t matches[2] = {0, 0}, matches_hs[2] = {0, 0};
  // neardup / match: one stage baseline alone (for callgrind).
  const bool neardup = baselines || phase == "neardup";
  const bool match = baselines || phase == "match";
  if (baselines) {
    bare = Measure([&] { return humas::bench::BareInsert((dir / "bare.db").string(), rows); });
    fts = Measure([&] { return BareFts((dir / "fts.db").string(), rows); });
    auto pipeline = humas::nlp::Pipeline::Load("");
    if (!pipeline.ok()) {
      std::fprintf(stderr, "models: %s\n", pipeline.status().ToString().c_str());
      return 1;
    }
    {
      auto t0 = std::chrono::steady_clock::now();
      size_t labelled = 0;
      for (const auto& m : rows) labelled += !(*pipeline)->Label(m.text).sentiment.empty();
      label_s = Seconds(t0);
      if (labelled != n) std::fprintf(stderr, "warning: %zu of %zu labelled\n", labelled, n);
    }
  }
  // Near-duplicate detection alone: sign every text and look it up in / add it to the window;
  // baseline: the first implementation (ingest/near_dup_reference.h) on the same stream, which
  // must flag the same mentions. Heap bytes per indexed mention from mallinfo2().
  double neardup_ref_s = 0, neardup_bytes = 0, neardup_ref_bytes = 0;
  size_t ref_flagged = 0;
  if (neardup) {
    // In-use heap plus mmapped blocks (the band table is one calloc'd block of its own).
    auto heap = [] {
      const struct mallinfo2 mi = mallinfo2();
      return static_cast<double>(mi.uordblks + mi.hblkhd);
    };
    {
      const double heap0 = heap();
      humas::ingest::NearDuplicateIndex index;
      auto t0 = std::chrono::steady_clock::now();
      auto lock = index.lock();
      for (size_t i = 0; i < n; ++i) {
        const MentionInput& m = rows[i];
        auto sig = humas::ingest::SignText(m.text, index.options().min_words);
        auto hit = index.FindLocked(sig, m.created_at);
        flagged += hit.has_value();
        auto id = static_cast<humas::Id>(i + 1);
        index.AddLocked(std::nullopt, id, hit ? hit->root : id, std::nullopt, std::move(sig),
                        m.created_at);
      }
      neardup_s = Seconds(t0);
      lock.unlock();
      neardup_bytes = (heap() - heap0) / static_cast<double>(std::max<size_t>(1, index.size()));
    }
    {
      const double heap0 = heap();
      humas::ingest::reference::Index ref;
      auto t0 = std::chrono::steady_clock::now();
      for (size_t i = 0; i < n; ++i)
        ref_flagged +=
            ref.FindAndAdd(static_cast<humas::Id>(i + 1), rows[i].text, rows[i].created_at)
                .has_value();
      neardup_ref_s = Seconds(t0);
      neardup_ref_bytes = (heap() - heap0) / static_cast<double>(std::max<size_t>(1, ref.size()));
    }
  }
  if (match) {
    const size_t query_counts[2] = {1000, 10000};
    for (int k = 0; k < 2; ++k) {
      auto matcher = humas::listening::Matcher::Compile(
          humas::bench::QuerySpecs(expressions, query_counts[k]));
      if (!matcher.ok()) {
        std::fprintf(stderr, "compile: %s\n", matcher.status().ToString().c_str());
        return 1;
      }
      auto t0 = std::chrono::steady_clock::now();
      for (const auto& m : rows)
        matches[k] += (*matcher)->Match(m.platform, m.text, m.author_handle).size();
      match_s[k] = Seconds(t0);
      // baseline: the same matching with Hyperscan's literal pass (its database compiled first)
      (*matcher)->MatchStreamedWithHyperscan(humas::Platform::kX, " ");
      auto t1 = std::chrono::steady_clock::now();
      for (const auto& m : rows) {
        matches_hs[k] += (*matcher)
                             ->MatchStreamedWithHyperscan(
                                 m.platform, humas::listening::MatchStream(m.text, m.author_handle))
                             .size();
      }
      match_hs_s[k] = Seconds(t1);
    }
  }

  humas::SystemClock clock;
  auto labeler = humas::ingest::LoadLabeler("");
  if (!labeler.ok()) return 1;
  auto run_intake = [&](const std::string& name, size_t queries, bool pipelined,
                        humas::ingest::MentionSink sink = {},
                        StageReport* stages = nullptr) -> Timing {
    auto st = humas::store::OpenSqliteStore({(dir / (name + ".db")).string()}, clock);
    if (!st.ok()) return {};
    std::map<std::string, humas::Id> agency_ids = humas::bench::SeedAgencies(**st, region);
    if (agency_ids.empty()) return {};
    std::vector<humas::Id> all_agencies;
    for (const auto& [code, id] : agency_ids) all_agencies.push_back(id);
    for (size_t i = 0; i < queries; ++i) {
      humas::store::AgencyQuery q;
      q.agency_id = all_agencies[i % all_agencies.size()];
      q.name = "q" + std::to_string(i);
      q.expression = expressions[i];
      if (!(*st)->queries().Create(&q).ok()) return {};
    }
    auto holder = std::make_shared<humas::listening::MatcherHolder>();
    if (!holder->Rebuild((*st)->queries()).ok()) return {};
    humas::ingest::Ingestor ingestor(**st, clock, std::move(sink), *labeler);
    ingestor.set_matcher(humas::listening::IntakeMatcher(holder));
    ingestor.set_near_duplicates(std::make_shared<humas::ingest::NearDuplicateIndex>());
    ingestor.set_options({.pipelined = pipelined, .stage_times = stages ? stages->times : nullptr});
    humas::Result<humas::ingest::IngestReport> report = humas::ingest::IngestReport{};
    const double workers0 = ThreadsCpuNs("humas-label");
    Timing t = Measure([&] {
      auto t0 = std::chrono::steady_clock::now();
      report = ingestor.ImportBytes(jsonl, humas::ImportFormat::kJsonl);
      return Seconds(t0);
    });
    if (stages) {
      stages->workers_ns = ThreadsCpuNs("humas-label") - workers0;
      stages->timing = t;
    }
    if (!report.ok() || report->imported != static_cast<int64_t>(n)) {
      std::fprintf(stderr, "import failed: %s\n", report.status().ToString().c_str());
      return {};
    }
    return t;
  };
  // Stage times are kept for the 1,000-query runs (a few clock reads per batch and per chunk).
  humas::ingest::IngestStageTimes seq1k_times, e2e1k_times;
  StageReport seq1k_stages{"one batch at a time", {}, 0, &seq1k_times};
  StageReport e2e1k_stages{"pipelined", {}, 0, &e2e1k_times};
  const Timing seq1k =
      runs("seq1k") ? run_intake("seq1k", 1000, false, {}, &seq1k_stages) : Timing{};
  const Timing e2e1k =
      runs("e2e1k") ? run_intake("e2e1k", 1000, true, {}, &e2e1k_stages) : Timing{};
  const Timing e2e10k = runs("e2e10k") ? run_intake("e2e10k", 10000, true) : Timing{};
  double store_cpu = -1;
  if (runs("store")) {
    std::vector<humas::Mention> seen;
    seen.reserve(n);
    if (run_intake("capture", 1000, true, [&](const humas::Mention& m) { seen.push_back(m); })
                .wall >= 0 &&
        seen.size() == n) {
      auto st = humas::store::OpenSqliteStore({(dir / "store.db").string()}, clock);
      bool ready = st.ok() && !humas::bench::SeedAgencies(**st, region).empty();
      if (ready && argc > 3) {
        std::string drop = argv[3];
        sqlite3* db = nullptr;
        ready = sqlite3_open((dir / "store.db").string().c_str(), &db) == SQLITE_OK;
        for (size_t at = 0; ready && at < drop.size();) {
          size_t end = std::min(drop.find(',', at), drop.size());
          std::string sql = "DROP INDEX " + drop.substr(at, end - at);
          ready = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
          if (!ready) std::fprintf(stderr, "%s: %s\n", sql.c_str(), sqlite3_errmsg(db));
          at = end + 1;
        }
        sqlite3_close(db);
        std::printf("store phase without indexes %s\n", drop.c_str());
      }
      if (ready) store_cpu = ReplayStore(**st, seen, clock.Now());
    }
    if (store_cpu < 0) {
      fs::remove_all(dir);
      return 1;
    }
  }
  fs::remove_all(dir);
  if ((runs("seq1k") && seq1k.wall < 0) || (runs("e2e1k") && e2e1k.wall < 0) ||
      (runs("e2e10k") && e2e10k.wall < 0))
    return 1;

  auto rate = [n](double s) { return static_cast<double>(n) / s; };
  std::printf(
      "(wall-clock rates; per CPU-second of this process in brackets; load average in\n"
      "/proc/loadavg at the end: ");
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[64] = {0};
    if (std::fgets(buf, sizeof buf, f)) std::printf("%.*s", 14, buf);
    std::fclose(f);
  }
  std::printf(")\n");
  auto cpu = [n](const Timing& t) { return static_cast<double>(n) / t.cpu; };
  if (baselines) {
    std::printf("baseline bare SQLite INSERT (same rows):      %9.0f rows/s  [%.0f]\n",
                rate(bare.wall), cpu(bare));
    std::printf("baseline bare FTS5 indexing (same texts):     %9.0f texts/s [%.0f]\n",
                rate(fts.wall), cpu(fts));
    std::printf("language labels alone (1 thread):             %9.0f texts/s\n", rate(label_s));
  }
  if (neardup) {
    std::printf(
        "near-duplicate sign + find + add, 1 thread:   %9.0f texts/s (%zu flagged, %.0f heap "
        "bytes per indexed text)\n",
        rate(neardup_s), flagged, neardup_bytes);
    std::printf(
        "  baseline: first implementation, 1 thread:   %9.0f texts/s (%zu flagged, %.0f bytes); "
        "ratio %.2f%s\n",
        rate(neardup_ref_s), ref_flagged, neardup_ref_bytes, neardup_ref_s / neardup_s,
        ref_flagged == flagged ? "" : " -- FLAGS DIFFER");
  }
  if (match) {
    std::printf(
        "matching alone, 1,000 queries (1 thread):     %9.0f mentions/s (%.2f matches each)\n",
        rate(match_s[0]), static_cast<double>(matches[0]) / n);
    std::printf(
        "matching alone, 10,000 queries (1 thread):    %9.0f mentions/s (%.2f matches each)\n",
        rate(match_s[1]), static_cast<double>(matches[1]) / n);
    for (int k = 0; k < 2; ++k) {
      std::printf(
          "  baseline: Hyperscan's literal pass, %s queries: %9.0f mentions/s; ratio %.2f%s\n",
          k == 0 ? "1,000" : "10,000", rate(match_hs_s[k]), match_hs_s[k] / match_s[k],
          matches_hs[k] == matches[k] ? "" : " -- MATCHES DIFFER");
    }
  }
  if (runs("seq1k")) {
    std::printf("end to end, 1,000 queries, one batch at a time: %7.0f mentions/s [%.0f]\n",
                rate(seq1k.wall), cpu(seq1k));
    PrintStages(seq1k_stages, n);
  }
  if (runs("e2e1k")) {
    std::printf("end to end, 1,000 queries, pipelined:         %9.0f mentions/s [%.0f]\n",
                rate(e2e1k.wall), cpu(e2e1k));
    PrintStages(e2e1k_stages, n);
  }
  if (runs("e2e10k"))
    std::printf("end to end, 10,000 queries, pipelined:        %9.0f mentions/s [%.0f]\n",
                rate(e2e10k.wall), cpu(e2e10k));
  if (runs("store"))
    std::printf(
        "store write path alone (UpsertBatch + cases, 1,000 queries' matches): %.1f us of CPU per "
        "mention (%.0f mentions per CPU-second; 50,000/s needs <= 20)\n",
        store_cpu * 1e6 / n, n / store_cpu);
  if (phase.empty())
    std::printf(
        "ratios end to end (1,000 queries) / bare INSERT %.3f, / bare FTS5 %.2f, / matching alone "
        "%.2f; pipelined / one batch at a time %.2f; 10,000 / 1,000 queries %.2f; target 50,000: "
        "%s\n",
        bare.wall / e2e1k.wall, fts.wall / e2e1k.wall, match_s[0] / e2e1k.wall,
        seq1k.wall / e2e1k.wall, e2e1k.wall / e2e10k.wall,
        rate(e2e1k.wall) >= 50000 ? "met" : "not met");
  return 0;
}
