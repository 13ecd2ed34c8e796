// X filtered stream channel: rules sync, budget, mapping, X's reconnect rules.
#include "connectors/x/stream.h"

#include <nlohmann/json.hpp>
#include <set>

#include "connectors/pull/pull.h"
#include "connectors/pull/settings.h"
#include "connectors/webhook/mapping.h"
#include "connectors/x/error_detail.h"
#include "core/log.h"

namespace humas::connectors::x {
namespace {

using json = nlohmann::json;

constexpr char kStreamPath[] = "/2/tweets/search/stream";
constexpr char kRulesPath[] = "/2/tweets/search/stream/rules";

//! X ids are decimal strings: longer is newer, then text order.
bool NewerId(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

std::string Str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : "";
}

UnixMillis Exponential(UnixMillis base, UnixMillis max, int failures) {
  UnixMillis d = base;
  for (int i = 1; i < failures && d < max; ++i) d *= 2;
  return std::min(d, max);
}

class StreamChannel final : public stream::Channel {
 public:
  StreamChannel(StreamProtocol& protocol, store::Store& store, net::HttpClient& http,
                const StreamTimings& timings, store::Connector connector,
                pull::XStreamSettings settings, std::string token)
      : protocol_(protocol),
        store_(store),
        http_(http),
        timings_(timings),
        connector_(std::move(connector)),
        settings_(std::move(settings)),
        token_(std::move(token)) {}

  std::string Url(const std::string& saved_cursor) override {
    json cur = json::parse(saved_cursor, nullptr, false);
    newest_ = Str(cur, "newest_id");
    std::string url = settings_.api_base + kStreamPath +
                      "?expansions=author_id,referenced_tweets.id"
                      "&tweet.fields=created_at,author_id,referenced_tweets,public_metrics,"
                      "conversation_id,lang"
                      "&user.fields=public_metrics,username,name";
    // Reconnecting (something was read before): ask for what was missed meanwhile (Pro).
    if (settings_.backfill_minutes > 0 && !newest_.empty())
      url += "&backfill_minutes=" + std::to_string(settings_.backfill_minutes);
    return url;
  }

  std::vector<std::pair<std::string, std::string>> Headers() override {
    return {{"Authorization", "Bearer " + token_}};
  }

  Status Prepare(UnixMillis now, std::optional<UnixMillis>* retry_at) override {
    HUMAS_ASSIGN_OR_RETURN(store::Connector fresh, store_.connectors().Get(connector_.id));
    const std::string month = pull::BudgetMonth(now);
    if (fresh.read_budget_monthly) {
      std::int64_t used = fresh.reads_month == month ? fresh.reads_used : 0;
      if (used >= *fresh.read_budget_monthly) {
        *retry_at = pull::NextMonthStart(now);
        return ResourceExhausted(Spent(used, *fresh.read_budget_monthly, month));
      }
    }
    Status st = Sync(now);
    if (!st.ok()) {
      ++sync_failures_;
      // A refused token or an X error: X's HTTP back-off, never a hot loop.
      *retry_at = now + Exponential(timings_.http_base_ms, timings_.http_max_ms, sync_failures_);
      return st;
    }
    sync_failures_ = 0;
    return Status::Ok();
  }

  void Maintain(UnixMillis now) override {
    auto wanted = StreamProtocol::WantedRules(store_, connector_);
    if (!wanted.ok() || wanted->rules == synced_) return;
    if (Status st = Sync(now); !st.ok())
      Log(LogLevel::kWarn, "x.rules_sync_failed",
          {{"connector_id", connector_.id}, {"error", st.message()}});
  }

  Result<stream::Frame> OnMessage(std::string_view message, UnixMillis now) override {
    json j = json::parse(message, nullptr, false);
    if (!j.is_object())
      return InvalidArgument("not a JSON object (" + std::to_string(message.size()) + " bytes)");
    stream::Frame f;
    if (!j.contains("data")) {
      // {"errors": [{"title": "operational-disconnect", "disconnect_type", "detail"}]} and other
      // stream errors: X ends the connection; reconnect.
      if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
        const json& e = j["errors"][0];
        std::string title = Str(e, "title");
        std::string kind = Str(e, "disconnect_type");
        f.disconnect = "X ended the stream (" + (title.empty() ? std::string("error") : title) +
                       (kind.empty() ? "" : ": " + kind) + ")";
        std::string detail = ErrorDetail(message);
        if (!detail.empty() && detail != title) f.disconnect += ": " + detail;
        return f;
      }
      return InvalidArgument("a stream message without data or errors");
    }
    if (!j["data"].is_object()) return InvalidArgument("data is not a post");
    // Every post received counts, with the referenced posts of its expansion.
    std::int64_t reads = 1;
    if (j.contains("includes") && j["includes"].is_object() && j["includes"].contains("tweets") &&
        j["includes"]["tweets"].is_array())
      reads += static_cast<std::int64_t>(j["includes"]["tweets"].size());
    Spend(reads, now, &f);
    auto mapped = webhook::MapPayload(webhook::Source::kX, message, now);
    if (!mapped.ok()) return mapped.status();
    if (mapped->mentions.empty()) return InvalidArgument("a post without id, text or author");
    f.mention = std::move(mapped->mentions.front());
    if (j.contains("matching_rules") && j["matching_rules"].is_array()) {
      // The intake matcher assigns the queries itself (the rules were compiled from them); a
      // post matched only by rules humas did not write is logged.
      bool ours = false;
      for (const json& r : j["matching_rules"])
        ours = ours || QueryOfTag(Str(r, "tag")) || Str(r, "tag").rfind("humas:s", 0) == 0;
      if (!ours)
        Log(LogLevel::kDebug, "x.foreign_rule",
            {{"connector_id", connector_.id}, {"id", f.mention->external_id}});
    }
    const std::string& id = f.mention->external_id;
    if (newest_.empty() || NewerId(id, newest_)) {
      newest_ = id;
      f.cursor = json({{"newest_id", id}}).dump();
    }
    return f;
  }

  std::optional<stream::Retry> OnFailure(const stream::Failure& failure, std::string_view body,
                                         std::optional<UnixMillis> reset_at,
                                         UnixMillis now) override {
    stream::Retry r;
    const int n = std::max(1, failure.failures);
    switch (failure.kind) {
      case stream::Failure::Kind::kNetwork:
      case stream::Failure::Kind::kStalled:
        r.delay_ms = std::min(timings_.network_step_ms * n, timings_.network_max_ms);
        return r;
      case stream::Failure::Kind::kHttp:
        break;
    }
    const int st = failure.http_status;
    const std::string code = "HTTP " + std::to_string(st);
    if (st == 429) {
      r.error = WithDetail("rate limited by X (" + code + ")", body);
      r.delay_ms = Exponential(
          timings_.rate_limit_base_ms,
          std::max<UnixMillis>(timings_.rate_limit_base_ms * 16, timings_.http_max_ms), n);
      if (reset_at && *reset_at > now) r.delay_ms = std::max(r.delay_ms, *reset_at - now);
      return r;
    }
    if (st == 401 || st == 403) {
      r.error = WithDetail("token ditolak: X refused the bearer token (" + code + ")", body);
    } else {
      r.error = WithDetail(code + " from X", body);
    }
    r.delay_ms = Exponential(timings_.http_base_ms, timings_.http_max_ms, n);
    return r;
  }

  UnixMillis StallMs() const override { return timings_.stall_ms; }

 private:
  std::string Spent(std::int64_t used, std::int64_t budget, const std::string& month) {
    return "budget spent: " + std::to_string(used) + " of " + std::to_string(budget) +
           " reads used in " + month;
  }

  void Spend(std::int64_t reads, UnixMillis now, stream::Frame* f) {
    const std::string month = pull::BudgetMonth(now);
    auto used = store_.connectors().SpendReads(connector_.id, month, reads);
    if (used.ok()) {
      auto fresh = store_.connectors().Get(connector_.id);
      if (fresh.ok() && fresh->read_budget_monthly && *used >= *fresh->read_budget_monthly) {
        f->disconnect = Spent(*used, *fresh->read_budget_monthly, month);
        f->retry_at = pull::NextMonthStart(now);
      }
      return;
    }
    if (used.status().code() != Code::kResourceExhausted) {
      Log(LogLevel::kWarn, "x.budget_failed",
          {{"connector_id", connector_.id}, {"error", used.status().message()}});
      return;
    }
    // X sent more than the budget had left: the post is kept (X counted it), the budget is
    // marked spent and the stream waits for the next month.
    auto fresh = store_.connectors().Get(connector_.id);
    std::int64_t budget =
        fresh.ok() && fresh->read_budget_monthly ? *fresh->read_budget_monthly : 0;
    std::int64_t was = fresh.ok() && fresh->reads_month == month ? fresh->reads_used : 0;
    if (budget > was) (void)store_.connectors().SpendReads(connector_.id, month, budget - was);
    f->disconnect = Spent(budget, budget, month);
    f->retry_at = pull::NextMonthStart(now);
  }

  Result<net::HttpResponse> Call(const std::string& path_and_query, const json* body) {
    net::HttpRequest req;
    req.url = settings_.api_base + path_and_query;
    req.headers.push_back({"Authorization", "Bearer " + token_});
    if (body) {
      req.headers.push_back({"Content-Type", "application/json"});
      req.body = body->dump();
    }
    auto resp = body ? http_.Post(req) : http_.Get(req);
    if (!resp.ok()) return resp.status();
    const int st = resp->status;
    if (st == 401 || st == 403)
      return PermissionDenied(
          WithDetail("token ditolak: X refused the bearer token (HTTP " + std::to_string(st) + ")",
                     resp->body));
    if (st == 429) return Unavailable(WithDetail("rate limited by X (HTTP 429)", resp->body));
    if (st != 200 && st != 201)
      return Unavailable(WithDetail("HTTP " + std::to_string(st) + " from X's rules", resp->body));
    return resp;
  }

  //! Reads the rules X holds and applies the difference to the wanted ones.
  Status Sync(UnixMillis now) {
    SyncReport report;
    report.at = now;
    Status st = SyncInto(&report);
    if (!st.ok()) report.error = st.message();
    if (!report.refused.empty())
      Log(LogLevel::kWarn, "x.rules_refused",
          {{"connector_id", connector_.id},
           {"rule", report.refused.front().first.value},
           {"reason", report.refused.front().second},
           {"count", static_cast<std::int64_t>(report.refused.size())}});
    protocol_.SetLastSync(connector_.id, std::move(report));
    return st;
  }

  Status SyncInto(SyncReport* report) {
    HUMAS_ASSIGN_OR_RETURN(CompiledRules wanted, StreamProtocol::WantedRules(store_, connector_));
    report->unexpressible = wanted.unexpressible;
    HUMAS_ASSIGN_OR_RETURN(net::HttpResponse got, Call(kRulesPath, nullptr));
    json held_json = json::parse(got.body, nullptr, false);
    if (!held_json.is_object())
      return InvalidArgument("X answered the rules list with malformed JSON");
    std::vector<HeldRule> held;
    if (held_json.contains("data") && held_json["data"].is_array())
      for (const json& r : held_json["data"])
        held.push_back({Str(r, "id"), Str(r, "value"), Str(r, "tag")});
    RuleDiff diff = DiffRules(held, wanted.rules);
    if (!diff.delete_ids.empty()) {
      json body = {{"delete", {{"ids", diff.delete_ids}}}};
      HUMAS_RETURN_IF_ERROR(Call(kRulesPath, &body).status());
      report->deleted = static_cast<int>(diff.delete_ids.size());
    }
    std::vector<StreamRule> adding = diff.add;
    if (!adding.empty()) {
      // Validate first: a rule X refuses is reported and left out, the others still go in.
      json add = json::array();
      for (const StreamRule& r : adding) add.push_back({{"value", r.value}, {"tag", r.tag}});
      json body = {{"add", add}};
      HUMAS_ASSIGN_OR_RETURN(net::HttpResponse dry,
                             Call(std::string(kRulesPath) + "?dry_run=true", &body));
      json answer = json::parse(dry.body, nullptr, false);
      std::set<std::string> refused_values;
      if (answer.is_object() && answer.contains("errors") && answer["errors"].is_array()) {
        for (const json& e : answer["errors"]) {
          std::string value = Str(e, "value");
          if (value.empty()) continue;
          std::string why = Str(e, "title");
          if (e.contains("details") && e["details"].is_array() && !e["details"].empty() &&
              e["details"][0].is_string())
            why += (why.empty() ? "" : ": ") + e["details"][0].get<std::string>();
          refused_values.insert(value);
          for (const StreamRule& r : adding)
            if (r.value == value) report->refused.push_back({r, why});
        }
      }
      std::vector<StreamRule> valid;
      for (const StreamRule& r : adding)
        if (!refused_values.count(r.value)) valid.push_back(r);
      if (!valid.empty()) {
        json real = json::array();
        for (const StreamRule& r : valid) real.push_back({{"value", r.value}, {"tag", r.tag}});
        json add_body = {{"add", real}};
        HUMAS_RETURN_IF_ERROR(Call(kRulesPath, &add_body).status());
        report->added = static_cast<int>(valid.size());
      }
    }
    // What X holds for us now: the kept rules and the added ones.
    for (const StreamRule& r : wanted.rules) {
      bool refused = false;
      for (const auto& [rr, why] : report->refused) refused = refused || rr == r;
      if (!refused) report->active.push_back(r);
    }
    synced_ = wanted.rules;
    return Status::Ok();
  }

  StreamProtocol& protocol_;
  store::Store& store_;
  net::HttpClient& http_;
  const StreamTimings& timings_;
  store::Connector connector_;
  pull::XStreamSettings settings_;
  std::string token_;
  std::string newest_;
  std::vector<StreamRule> synced_;  //!< the wanted rules at the last successful sync
  int sync_failures_ = 0;
};

net::HttpOptions RulesHttpOptions() {
  net::HttpOptions o;
  o.max_attempts = 1;
  o.timeout_ms = 10'000;
  o.connect_timeout_ms = 5'000;
  o.max_body_bytes = 4u << 20;
  o.user_agent = "humas/0.1 (+https://github.com/humas; X filtered stream)";
  return o;
}

}  // namespace

StreamProtocol::StreamProtocol(store::Store& store, const Clock& clock, StreamTimings timings)
    : store_(store), http_(RulesHttpOptions(), {}, &clock), clock_(clock), timings_(timings) {}

bool StreamProtocol::Streams(const store::Connector& c) const {
  return c.platform == Platform::kX &&
         pull::ParseXStreamSettings(json::parse(c.settings_json, nullptr, false)).ok();
}

Result<std::unique_ptr<stream::Channel>> StreamProtocol::Open(const store::Connector& c,
                                                              const std::string& credentials) {
  HUMAS_ASSIGN_OR_RETURN(pull::XStreamSettings s,
                         pull::ParseXStreamSettings(json::parse(c.settings_json, nullptr, false)));
  std::string token = pull::Credential(credentials, "bearer_token");
  if (token.empty()) return FailedPrecondition("credentials.bearer_token (X app token) is not set");
  return std::unique_ptr<stream::Channel>(
      new StreamChannel(*this, store_, http_, timings_, c, std::move(s), std::move(token)));
}

Result<CompiledRules> StreamProtocol::WantedRules(store::Store& store, const store::Connector& c) {
  HUMAS_ASSIGN_OR_RETURN(pull::XStreamSettings s,
                         pull::ParseXStreamSettings(json::parse(c.settings_json, nullptr, false)));
  CompiledRules out;
  if (!s.rules.empty()) {
    out.rules = FormRules(s.rules);
    return out;
  }
  HUMAS_ASSIGN_OR_RETURN(std::vector<store::AgencyQuery> queries, store.queries().AllActive());
  RuleLimits limits;
  limits.max_rules = static_cast<size_t>(s.max_rules);
  limits.max_length = static_cast<size_t>(s.max_rule_length);
  return CompileRules(queries, c.agency_id, limits);
}

std::optional<SyncReport> StreamProtocol::LastSync(Id connector_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = syncs_.find(connector_id);
  if (it == syncs_.end()) return std::nullopt;
  return it->second;
}

void StreamProtocol::SetLastSync(Id connector_id, SyncReport report) {
  std::lock_guard<std::mutex> lock(mu_);
  syncs_[connector_id] = std::move(report);
}

}  // namespace humas::connectors::x
