// The webhook intake worker: inbox → mapping → Ingestor → live stream.
#include "connectors/webhook/intake.h"

#include "api/api.h"
#include "core/log.h"
#include "ingest/ingest.h"
#include "listening/matcher.h"
#include "store/connectors.h"

namespace humas::webhook {
namespace {

std::optional<Source> SourceOf(const std::string& source) {
  std::string family = source.substr(0, source.find('/'));
  for (Source s :
       {Source::kMeta, Source::kWhatsapp, Source::kTelegram, Source::kX, Source::kStandard})
    if (ToString(s) == family) return s;
  return std::nullopt;
}

//! The connector id of a registry connector's source ("meta/connector:12" → 12), or 0.
Id ConnectorOf(const std::string& source) {
  size_t slash = source.find('/');
  if (slash == std::string::npos) return 0;
  std::string_view rest = std::string_view(source).substr(slash + 1);
  if (rest.substr(0, kConnectorSourcePrefix.size()) != kConnectorSourcePrefix) return 0;
  rest.remove_prefix(kConnectorSourcePrefix.size());
  if (rest.empty() || rest.size() > 18 || rest.find_first_not_of("0123456789") != rest.npos)
    return 0;
  return std::stoll(std::string(rest));
}

}  // namespace

WebhookIntake::ConnectorAgency WebhookIntake::AgencyOf(Id connector_id) {
  if (connector_id == 0) return {};
  auto conn = ctx_.store.connectors().Get(connector_id);
  if (!conn.ok()) return {0, true, ""};  // deleted since: the mentions keep no agency
  auto agency = ctx_.store.agencies().Get(conn->agency_id);
  if (!agency.ok()) return {0, true, ""};
  return {agency->id, true, agency->code};
}

void WebhookIntake::PinAgency(const ConnectorAgency& owner, MentionInput& m) {
  if (!owner.bound || m.agency_code == owner.code) return;
  if (m.agency_code.empty()) {
    m.agency_code = owner.code;
    return;
  }
  // A delivery through an agency's connector may name that agency or, for a region's connector,
  // one of the region's agencies; anything else is pinned to the connector's own agency, so one
  // agency's secret cannot file mentions under another agency.
  if (owner.id != 0) {
    auto named = ctx_.store.agencies().GetByCode(m.agency_code);
    if (named.ok() && named->parent_id && *named->parent_id == owner.id) return;
  }
  Log(LogLevel::kWarn, "webhook.agency_pinned",
      {{"named", m.agency_code}, {"connector_agency", owner.code}});
  m.agency_code = owner.code;
}

WebhookIntake::WebhookIntake(api::Context& ctx, WebhookOptions options)
    : ctx_(ctx), options_(std::move(options)) {}

WebhookIntake::~WebhookIntake() { Stop(); }

Status WebhookIntake::Start() {
  HUMAS_ASSIGN_OR_RETURN(store::InboxCounts counts, ctx_.store.webhook_inbox().Counts());
  pending_ = counts.pending;
  if (counts.pending > 0)
    Log(LogLevel::kInfo, "webhook.backlog", {{"pending", counts.pending}, {"dead", counts.dead}});
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return FailedPrecondition("webhook intake already running");
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void WebhookIntake::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<bool> WebhookIntake::Accept(store::InboxDelivery delivery) {
  if (pending_.load() >= options_.max_pending)
    return ResourceExhausted("the webhook backlog is full (" +
                             std::to_string(options_.max_pending) + " deliveries waiting)");
  HUMAS_ASSIGN_OR_RETURN(bool added, ctx_.store.webhook_inbox().Add(&delivery));
  if (added) {
    ++pending_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      signaled_ = true;
    }
    wake_.notify_one();
  }
  return added;
}

Result<int> WebhookIntake::ProcessOnce() {
  auto& inbox = ctx_.store.webhook_inbox();
  HUMAS_ASSIGN_OR_RETURN(std::vector<store::InboxDelivery> batch, inbox.Pending(options_.batch));
  if (batch.empty()) return 0;
  std::vector<MentionInput> inputs;
  std::vector<Id> done_ids;
  std::vector<std::int64_t> done_counts;
  const UnixMillis now = ctx_.clock.Now();
  std::map<Id, ConnectorAgency> owners;  // connector id → its agency, for this batch
  for (const auto& d : batch) {
    auto source = SourceOf(d.source);
    auto mapped = source ? MapPayload(*source, d.body, d.received_at)
                         : Result<Mapped>(InvalidArgument("unknown source " + d.source));
    if (!mapped.ok()) {
      // Checked at the endpoint, so only a changed mapping can get here: keep it, as dead.
      Log(LogLevel::kError, "webhook.unprocessable",
          {{"id", d.id}, {"source", d.source}, {"error", mapped.status().message()}});
      HUMAS_RETURN_IF_ERROR(inbox.MarkFailed(d.id, mapped.status().message(), 1, now));
      --pending_;
      continue;
    }
    done_ids.push_back(d.id);
    done_counts.push_back(static_cast<std::int64_t>(mapped->mentions.size()));
    const Id connector = ConnectorOf(d.source);
    auto owner = owners.find(connector);
    if (owner == owners.end()) owner = owners.emplace(connector, AgencyOf(connector)).first;
    for (auto& m : mapped->mentions) {
      PinAgency(owner->second, m);
      inputs.push_back(std::move(m));
    }
  }
  ingest::IngestReport report;
  ingest::Ingestor ingestor(
      ctx_.store, ctx_.clock, [this](const Mention& m) { api::PublishMention(ctx_, m, nullptr); },
      ctx_.labeler);
  ingestor.set_matcher(listening::IntakeMatcher(ctx_.matchers));
  ingestor.set_near_duplicates(ctx_.near_duplicates);
  Status stored = ingestor.StoreBatch(std::move(inputs), {}, &report);
  if (!stored.ok()) {
    // Nothing of the batch is stored (one transaction): leave the deliveries pending, retried.
    for (Id id : done_ids)
      HUMAS_RETURN_IF_ERROR(inbox.MarkFailed(id, stored.message(), options_.max_attempts, now));
    return stored;
  }
  for (const auto& e : report.errors)
    Log(LogLevel::kWarn, "webhook.mention_rejected", {{"reason", e.reason}});
  HUMAS_RETURN_IF_ERROR(inbox.MarkDone(done_ids, done_counts, ctx_.clock.Now()));
  pending_ -= static_cast<std::int64_t>(done_ids.size());
  Log(LogLevel::kDebug, "webhook.processed",
      {{"deliveries", done_ids.size()},
       {"imported", report.imported},
       {"duplicates", report.duplicates}});
  return static_cast<int>(batch.size());
}

void WebhookIntake::Loop() {
  int failures = 0;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      signaled_ = false;
    }
    auto n = ProcessOnce();
    if (!n.ok()) {
      ++failures;
      Log(LogLevel::kError, "webhook.process_failed", {{"error", n.status().message()}});
    } else {
      failures = 0;
    }
    if (n.ok() && *n > 0) continue;  // more may be waiting
    std::unique_lock<std::mutex> lock(mu_);
    // Back off after failures (the store may be busy); otherwise sleep until a delivery arrives
    // or a second passes (deliveries left by a failed batch are retried then).
    auto wait =
        std::chrono::milliseconds(failures ? std::min(30000, 500 << std::min(failures, 6)) : 1000);
    wake_.wait_for(lock, wait, [this, failures] { return stop_ || (signaled_ && failures == 0); });
  }
}

}  // namespace humas::webhook
