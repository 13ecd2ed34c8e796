// Listening matcher throughput: matching alone with 1,000 and 10,000 compiled agency queries
// (mentions/s on one thread, against the cost of folding the text into the match stream alone),
// and the full intake path (parse JSONL → labels → match → UpsertBatch with FTS, rollups, matches
// and per-query counters) with 0, 1,000 and 10,000 active queries, in one run, with ratios.
// Usage: match_bench [N [selective|broad]] (default 50000 mentions, selective queries).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "bench_common.h"
#include "bench_queries.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "ingest/labeling.h"
#include "listening/matcher.h"
#include "search/query_parser.h"
#include "store/queries.h"
#include "store/store.h"

namespace fs = std::filesystem;
using humas::MentionInput;

namespace {

using humas::bench::MakeExpressions;
using humas::bench::Seconds;

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 50000;
  fs::path dir = fs::temp_directory_path() / ("humas-match-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  const std::vector<MentionInput> rows = humas::bench::DemoRows(region, n);
  const std::string jsonl = humas::bench::JsonlOf(rows);
  const bool broad = argc > 2 && std::string(argv[2]) == "broad";
  const std::vector<std::string> expressions = MakeExpressions(rows, 10000, broad);

  std::printf("mentions=%zu (demo generator), %s queries, 1 thread for matching alone\n", n,
              broad ? "broad" : "selective");
  // Baseline for matching: folding each text into the match stream (NFKC, case folding, words).
  {
    auto t0 = std::chrono::steady_clock::now();
    size_t bytes = 0;
    for (const auto& m : rows)
      bytes += humas::listening::MatchStream(m.text, m.author_handle).size();
    double s = Seconds(t0);
    std::printf("fold + match stream only:          %9.0f mentions/s (%zu bytes)\n", n / s, bytes);
  }
  double match_rate[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    size_t q = k == 0 ? 1000 : 10000;
    std::vector<humas::listening::QuerySpec> specs = humas::bench::QuerySpecs(expressions, q);
    auto t0 = std::chrono::steady_clock::now();
    auto matcher = humas::listening::Matcher::Compile(std::move(specs));
    double compile_s = Seconds(t0);
    if (!matcher.ok()) {
      std::fprintf(stderr, "compile: %s\n", matcher.status().ToString().c_str());
      return 1;
    }
    size_t matches = 0;
    t0 = std::chrono::steady_clock::now();
    for (const auto& m : rows)
      matches += (*matcher)->Match(m.platform, m.text, m.author_handle).size();
    double s = Seconds(t0);
    match_rate[k] = n / s;
    std::printf(
        "match %5zu queries (%5zu literals): %9.0f mentions/s, %.2f matches/mention, "
        "compiled in %.3f s\n",
        (*matcher)->query_count(), (*matcher)->pattern_count(), n / s,
        static_cast<double>(matches) / n, compile_s);
  }
  std::printf("ratio match 10,000/1,000 queries: %.2f\n", match_rate[1] / match_rate[0]);

  humas::SystemClock clock;
  auto labeler = humas::ingest::LoadLabeler("");
  if (!labeler.ok()) {
    std::fprintf(stderr, "models: %s\n", labeler.status().ToString().c_str());
    return 1;
  }
  auto run_intake = [&](size_t queries) -> double {
    auto st = humas::store::OpenSqliteStore(
        {(dir / ("intake" + std::to_string(queries) + ".db")).string()}, clock);
    if (!st.ok()) return -1;
    std::map<std::string, humas::Id> agency_ids = humas::bench::SeedAgencies(**st, region);
    if (agency_ids.empty()) return -1;
    std::vector<humas::Id> all_agencies;
    for (const auto& [code, id] : agency_ids) all_agencies.push_back(id);
    for (size_t i = 0; i < queries; ++i) {
      humas::store::AgencyQuery q;
      q.agency_id = all_agencies[i % all_agencies.size()];
      q.name = "q" + std::to_string(i);
      q.expression = expressions[i];
      if (!(*st)->queries().Create(&q).ok()) return -1;
    }
    auto holder = std::make_shared<humas::listening::MatcherHolder>();
    if (!holder->Rebuild((*st)->queries()).ok()) return -1;
    humas::ingest::Ingestor ingestor(**st, clock, {}, *labeler);
    ingestor.set_matcher(humas::listening::IntakeMatcher(holder));
    auto t0 = std::chrono::steady_clock::now();
    auto report = ingestor.ImportBytes(jsonl, humas::ImportFormat::kJsonl);
    double s = Seconds(t0);
    if (!report.ok() || report->imported != static_cast<int64_t>(n)) {
      std::fprintf(stderr, "import failed: %s\n", report.status().ToString().c_str());
      return -1;
    }
    return s;
  };
  double none_s = run_intake(0);
  double q1k_s = run_intake(1000);
  double q10k_s = run_intake(10000);
  fs::remove_all(dir);
  if (none_s < 0 || q1k_s < 0 || q10k_s < 0) return 1;
  std::printf("intake, no queries (baseline):     %9.0f mentions/s (%.2f s)\n", n / none_s, none_s);
  std::printf("intake, 1,000 active queries:      %9.0f mentions/s (%.2f s)\n", n / q1k_s, q1k_s);
  std::printf("intake, 10,000 active queries:     %9.0f mentions/s (%.2f s)\n", n / q10k_s, q10k_s);
  std::printf("ratio intake 1,000 queries/none: %.2f   10,000 queries/none: %.2f\n", none_s / q1k_s,
              none_s / q10k_s);
  return 0;
}
