// Runner, Dispatcher and the tick: the part every pull connector shares.
#include "connectors/pull/pull.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/log.h"

namespace humas::connectors::pull {
namespace {

//! Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

//! Day of month of the n-th Sunday of a month.
int NthSunday(int y, int m, int n) {
  std::int64_t first = DaysFromCivil(y, m, 1);
  int weekday = static_cast<int>((first + 4) % 7);  // 1970-01-01 was a Thursday (4)
  int first_sunday = 1 + (7 - weekday) % 7;
  return first_sunday + 7 * (n - 1);
}

//! UTC offset (ms) of US Pacific time at `t`: -7 h from the second Sunday of March 02:00 local
//! to the first Sunday of November 02:00 local, else -8 h.
UnixMillis PacificOffset(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  int y = tm.tm_year + 1900;
  UnixMillis start =
      (DaysFromCivil(y, 3, NthSunday(y, 3, 2)) * 86400 + 10 * 3600) * 1000;  // 02:00 PST
  UnixMillis end =
      (DaysFromCivil(y, 11, NthSunday(y, 11, 1)) * 86400 + 9 * 3600) * 1000;  // 02:00 PDT
  return (t >= start && t < end ? -7 : -8) * 3600 * 1000LL;
}

}  // namespace

Runner::Runner(Registry& registry, store::Store& store, const Clock& clock, net::HttpClient& http,
               ingest::MentionSink on_new, ingest::Labeler labeler, RunnerOptions options)
    : registry_(registry),
      store_(store),
      clock_(clock),
      http_(http),
      on_new_(std::move(on_new)),
      labeler_(std::move(labeler)),
      options_(options) {}

Result<RunResult> Runner::RunOne(Source& source, const store::Connector& c) {
  const std::string platform(ToString(c.platform));
  auto fail = [&](const Status& s, std::optional<UnixMillis> retry_at) -> Status {
    UnixMillis now = clock_.Now();
    UnixMillis next = retry_at ? std::max(*retry_at, now)
                               : now + Registry::NextRunDelay(c.poll_interval_seconds,
                                                              c.health.consecutive_failures + 1);
    Log(LogLevel::kWarn, "connector.pull_failed",
        {{"connector_id", c.id}, {"platform", platform}, {"error", s.message()}});
    HUMAS_RETURN_IF_ERROR(store_.connectors().RecordFailure(c.id, s.message(), now, next));
    return s;
  };
  auto creds = registry_.Credentials(c);
  if (!creds.ok()) return fail(creds.status(), std::nullopt);
  RunContext ctx{c, *creds, store_.connectors(), http_, clock_};
  store::ConnectorCheckpoint cp = c.checkpoint;
  RunResult result;
  std::optional<UnixMillis> not_before;
  bool more = false;
  for (int n = 0; n < std::max(1, options_.max_pages_per_run); ++n) {
    std::optional<UnixMillis> retry_at;
    auto page = source.Next(ctx, cp.cursor, &retry_at);
    if (!page.ok()) return fail(page.status(), retry_at);
    ++result.pages;
    result.read += page->read;
    ingest::IngestReport report;
    if (!page->mentions.empty()) {
      ingest::IngestPolicy policy;
      policy.default_agency = c.agency_id;
      ingest::Ingestor ingestor(store_, clock_, on_new_, labeler_, policy);
      if (matcher_) ingestor.set_matcher(matcher_);
      if (near_dups_) ingestor.set_near_duplicates(near_dups_);
      if (Status s = ingestor.StoreBatch(std::move(page->mentions), {}, &report); !s.ok())
        return fail(s, std::nullopt);
    }
    result.stored += static_cast<int>(report.imported);
    // Only now that the page is durable does the cursor move past it.
    cp.cursor = page->cursor;
    if (Status s = store_.connectors().SaveCheckpoint(c.id, cp, report.imported); !s.ok())
      return fail(s, std::nullopt);
    if (!page->notice.empty()) {
      Log(LogLevel::kWarn, "connector.notice",
          {{"connector_id", c.id}, {"platform", platform}, {"notice", page->notice}});
      if (Status s = store_.connectors().SetNotice(c.id, page->notice, clock_.Now()); !s.ok())
        return fail(s, std::nullopt);
    }
    if (page->not_before) not_before = std::max(not_before.value_or(0), *page->not_before);
    more = page->more;
    if (!more || not_before) break;
  }
  UnixMillis now = clock_.Now();
  // Pages left over run at the next tick; a nearly spent rate limit waits for its reset.
  UnixMillis next = more ? now : now + Registry::NextRunDelay(c.poll_interval_seconds, 0);
  if (not_before) next = std::max(next, *not_before);
  HUMAS_RETURN_IF_ERROR(store_.connectors().RecordSuccess(c.id, cp, 0, now, next));
  Log(LogLevel::kInfo, "connector.pulled",
      {{"connector_id", c.id},
       {"platform", platform},
       {"pages", result.pages},
       {"read", result.read},
       {"stored", result.stored}});
  return result;
}

Result<int> Dispatcher::RunDue(int limit_per_kind) {
  int ran = 0;
  for (const auto& [kind, run] : kinds_) {
    HUMAS_ASSIGN_OR_RETURN(auto due, store_.connectors().Due(kind, clock_.Now(), limit_per_kind));
    for (const store::Connector& c : due) {
      Status s = run(c);  // failures are recorded on the connector
      (void)s;
      ++ran;
    }
  }
  return ran;
}

Status ScheduleTick(store::Store& store, UnixMillis now, UnixMillis every_ms) {
  Job job;
  job.queue = kTickQueue;
  job.payload_json = "{}";
  job.run_at = (now / every_ms + 1) * every_ms;
  job.dedupe_key = std::string(kTickQueue) + ":" + std::to_string(job.run_at);
  return store.jobs().Enqueue(&job);
}

std::string BudgetMonth(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  return buf;
}

UnixMillis NextMonthStart(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  if (++tm.tm_mon == 12) {
    tm.tm_mon = 0;
    ++tm.tm_year;
  }
  return static_cast<UnixMillis>(timegm(&tm)) * 1000;
}

std::string PacificDay(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>((t + PacificOffset(t)) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

UnixMillis NextPacificMidnight(UnixMillis t) {
  UnixMillis local = t + PacificOffset(t);
  UnixMillis next_local_midnight = (local / 86'400'000 + 1) * 86'400'000;
  // The offset at that midnight (DST never changes at midnight in the US).
  UnixMillis guess = next_local_midnight - PacificOffset(t);
  return next_local_midnight - PacificOffset(guess);
}

}  // namespace humas::connectors::pull
