// Demo seeding and the live mention stream.
#include "app/demo_runtime.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "api/api.h"
#include "api/auth.h"
#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "core/log.h"
#include "ingest/ingest.h"

namespace humas::app {
namespace {

constexpr UnixMillis kHistoryMs = 48LL * 3600 * 1000;
constexpr int kHistoryMentions = 1500;

Status SeedHistory(store::Store& store, const Clock& clock, const demo::DemoRegion& region,
                   const ingest::Labeler& labeler,
                   const std::shared_ptr<ingest::NearDuplicateIndex>& near_duplicates) {
  // Relative activity per local hour (WITA): quiet at night, peaks in the morning and evening,
  // as Indonesian social-media use is.
  static constexpr int kHourWeight[24] = {3, 2, 1, 1, 1, 2, 4,  7,  9,  9, 8, 8,
                                          9, 8, 7, 7, 8, 9, 10, 11, 11, 9, 7, 5};
  int total_weight = 0;
  for (int w : kHourWeight) total_weight += w;
  const UnixMillis kHour = 3600 * 1000;
  const UnixMillis now = clock.Now();
  const UnixMillis start = (now - kHistoryMs) / kHour * kHour;
  demo::MentionGenerator gen(/*seed=*/20251117, region);
  std::vector<MentionInput> batch;
  for (UnixMillis hour = start; hour < now; hour += kHour) {
    int local_hour = static_cast<int>(((hour / kHour) + 8) % 24);           // WITA = UTC+8
    int n = kHistoryMentions * kHourWeight[local_hour] / total_weight / 2;  // 2 days
    for (int i = 0; i < n; ++i) {
      UnixMillis t = hour + kHour * i / std::max(n, 1) + kHour / (2 * std::max(n, 1));
      if (t < now) batch.push_back(gen.Next(t));
    }
  }
  ingest::Ingestor ingestor(store, clock, {}, labeler);
  if (near_duplicates) ingestor.set_near_duplicates(near_duplicates);
  ingest::IngestReport report;
  return ingestor.StoreBatch(std::move(batch), {}, &report);
}

}  // namespace

Result<bool> SeedDemoRegion(store::Store& store, const Clock& clock, const ingest::Labeler& labeler,
                            std::shared_ptr<ingest::NearDuplicateIndex> near_duplicates) {
  auto existing = store.agencies().All();
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) return false;

  const demo::DemoRegion region = demo::MakeDemoRegion();
  std::map<std::string, Id> agency_ids;
  for (const auto& da : region.agencies) {
    Agency a = da.agency;
    if (!da.parent_code.empty()) a.parent_id = agency_ids.at(da.parent_code);
    HUMAS_RETURN_IF_ERROR(store.agencies().Create(&a));
    agency_ids[a.code] = a.id;
  }
  for (const auto& dc : region.accounts) {
    Account a = dc.account;
    a.agency_id = agency_ids.at(dc.agency_code);
    HUMAS_RETURN_IF_ERROR(store.accounts().Create(&a));
  }
  auto hash = api::HashPassword(std::string(demo::kDemoPassword));
  if (!hash.ok()) return hash.status();
  std::map<std::string, Id> user_ids;
  for (const auto& du : region.users) {
    User u;
    u.username = du.username;
    u.display_name = du.display_name;
    u.email = du.email;
    u.password_hash = *hash;
    for (const auto& g : du.roles) u.roles.push_back({g.role, agency_ids.at(g.agency_code)});
    HUMAS_RETURN_IF_ERROR(store.users().Create(&u));
    user_ids[u.username] = u.id;
  }
  for (const auto& dp : region.appointments) {
    Appointment a = dp.appointment;
    a.agency_id = agency_ids.at(dp.agency_code);
    if (!dp.username.empty() && user_ids.count(dp.username)) a.user_id = user_ids.at(dp.username);
    HUMAS_RETURN_IF_ERROR(store.appointments().Create(&a));
  }
  AuditEntry e;
  e.at = clock.Now();
  e.actor_name = "system";
  e.action = "demo.seed";
  e.entity = "region";
  e.details_json = "{\"region\":\"" + region.name +
                   "\",\"agencies\":" + std::to_string(region.agencies.size()) + "}";
  HUMAS_RETURN_IF_ERROR(store.audit().Append(&e));
  HUMAS_RETURN_IF_ERROR(SeedHistory(store, clock, region, labeler, near_duplicates));
  Log(LogLevel::kInfo, "demo.seeded",
      {{"region", region.name}, {"agencies", static_cast<int64_t>(region.agencies.size())}});
  return true;
}

void PrintDemoBanner(const std::string& url) {
  const demo::DemoRegion region = demo::MakeDemoRegion();
  std::printf(
      "\n  humas demo — %s (%s)\n\n  Buka / open:  %s\n\n  Login (kata sandi / password: %s)\n",
      region.name.c_str(), region.province.c_str(), url.c_str(),
      std::string(demo::kDemoPassword).c_str());
  for (const auto& u : region.users) {
    std::string roles;
    for (const auto& g : u.roles)
      roles += (roles.empty() ? "" : ", ") + std::string(ToString(g.role)) + " @ " + g.agency_code;
    std::printf("    %-22s %s\n", u.username.c_str(), roles.c_str());
  }
  std::printf("\n  Ctrl-C stops the demo.\n\n");
  std::fflush(stdout);
}

void DemoRuntime::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DemoRuntime::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoRuntime::Run() {
  const demo::DemoRegion region = demo::MakeDemoRegion();
  demo::MentionGenerator gen(static_cast<uint64_t>(ctx_.clock.Now()), region);
  auto agencies = ctx_.store.agencies().All();
  api::Hierarchy hierarchy(agencies.ok() ? std::move(agencies).value() : std::vector<Agency>{});
  ingest::Ingestor ingestor(
      ctx_.store, ctx_.clock,
      [this, &hierarchy](const Mention& m) { api::PublishMention(ctx_, m, &hierarchy); },
      ctx_.labeler);
  ingestor.set_matcher(listening::IntakeMatcher(ctx_.matchers));
  ingestor.set_near_duplicates(ctx_.near_duplicates);
  const auto interval = std::chrono::microseconds(static_cast<int64_t>(60e6 / per_minute_));
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    ingest::IngestReport report;
    Status s = ingestor.StoreBatch({gen.Next(ctx_.clock.Now())}, {}, &report);
    if (!s.ok()) Log(LogLevel::kWarn, "demo.generate_failed", {{"error", s.ToString()}});
    lock.lock();
  }
}

}  // namespace humas::app
