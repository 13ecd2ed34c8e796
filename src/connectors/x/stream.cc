// X filtered stream channel: rules sync, budget, mapping, X's reconnect rules.
#include "connectors/x/stream.h"

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>

#include "connectors/pull/pull.h"
#include "connectors/pull/settings.h"
#include "connectors/webhook/mapping.h"
#include "connectors/x/error_detail.h"
#include "connectors/x/recent_search.h"
#include "core/log.h"

namespace humas::connectors::x {
namespace {

using json = nlohmann::json;

constexpr char kStreamPath[] = "/2/tweets/search/stream";
constexpr char kRulesPath[] = "/2/tweets/search/stream/rules";
constexpr int kGapPages = 5;  //!< recent search pages (100 posts each) per rule to fill a gap

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
                const Clock& clock, const StreamTimings& timings, store::Connector connector,
                pull::XStreamSettings settings, std::string token)
      : protocol_(protocol),
        store_(store),
        http_(http),
        clock_(clock),
        timings_(timings),
        connector_(std::move(connector)),
        settings_(std::move(settings)),
        token_(std::move(token)) {}

  std::string Url(const std::string& saved_cursor) override {
    json cur = json::parse(saved_cursor, nullptr, false);
    newest_ = Str(cur, "newest_id");
    {
      std::lock_guard<std::mutex> lock(mu_);
      first_id_.clear();
      connecting_at_ = clock_.Now();
    }
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
    OweGap(fresh, now);
    return Status::Ok();
  }

  //! The posts of a gap fill, then (once the whole gap is read) the cursor past it.
  std::vector<stream::Frame> TakeFilled() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<stream::Frame> out = std::move(filled_);
    filled_.clear();
    if (fill_done_) {
      stream::Frame f;
      if (fill_stale_) {
        // The stream dropped again before this fill was handed over: it reached that
        // connection's first post only. What was missed since is still owed, from its newest.
        if (NewerId(fill_newest_, gap_since_)) gap_since_ = fill_newest_;
        f.cursor = Cursor(gap_since_, webhook::TweetIdTime(gap_since_));
      } else {
        if (newest_.empty() || NewerId(fill_newest_, newest_)) newest_ = fill_newest_;
        f.cursor = Cursor(newest_, clock_.Now());
        gap_since_.clear();
      }
      out.push_back(std::move(f));
      fill_done_ = fill_stale_ = false;
    }
    return out;
  }

  void Maintain(UnixMillis now) override {
    auto wanted = StreamProtocol::WantedRules(store_, connector_);
    if (wanted.ok() && wanted->rules != synced_) {
      if (Status st = Sync(now); !st.ok())
        Log(LogLevel::kWarn, "x.rules_sync_failed",
            {{"connector_id", connector_.id}, {"error", st.message()}});
    }
    bool due;
    {
      std::lock_guard<std::mutex> lock(mu_);
      due = FillDue(now);
    }
    if (due) FillGap(now);
  }

  bool Urgent(UnixMillis now) override {
    std::lock_guard<std::mutex> lock(mu_);
    return FillDue(now);
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
      // X delivered the post for these rules. A humas:q<id> tag whose query still says what X
      // held is that query's match (with what the intake matcher finds); any other tag of ours
      // is ignored and counted; a post matched only by rules humas did not write is logged.
      bool ours = false;
      std::int64_t ignored = 0;
      for (const json& r : j["matching_rules"]) {
        const std::string tag = Str(r, "tag");
        if (tag.rfind("humas:s", 0) == 0) {
          ours = true;
          continue;
        }
        std::optional<Id> q = QueryOfTag(tag);
        if (!q) continue;
        ours = true;
        if (TagStillMeans(*q)) {
          if (std::find(f.queries.begin(), f.queries.end(), *q) == f.queries.end())
            f.queries.push_back(*q);
        } else {
          ++ignored;
          Log(LogLevel::kDebug, "x.tag_ignored",
              {{"connector_id", connector_.id}, {"tag", tag}, {"id", f.mention->external_id}});
        }
      }
      f.tagged = !f.queries.empty();
      f.ignored_tags = ignored;
      if (!ours)
        Log(LogLevel::kDebug, "x.foreign_rule",
            {{"connector_id", connector_.id}, {"id", f.mention->external_id}});
    }
    const std::string& id = f.mention->external_id;
    last_post_at_ = now;
    bool owed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_id_.empty()) first_id_ = id;
      owed = !gap_since_.empty();
    }
    if (newest_.empty() || NewerId(id, newest_)) {
      newest_ = id;
      // While a gap is owed the checkpoint stays where the gap starts: a restart fills it again.
      if (!owed) f.cursor = Cursor(id, now);
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
  //! Whether query `id`'s rule, as X held it after the last sync, is still what the query says:
  //! the query exists, is active, belongs to the connector's agency, concerns X, and compiles to
  //! the same rule (an edit not yet synced, a deletion or another agency's query: no).
  bool TagStillMeans(Id id) {
    std::string held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = held_by_query_.find(id);
      if (it == held_by_query_.end()) return false;
      held = it->second;
    }
    auto q = store_.queries().Get(id);
    if (!q.ok() || !q->active || q->agency_id != connector_.agency_id) return false;
    if (!q->platforms.empty() &&
        std::find(q->platforms.begin(), q->platforms.end(), Platform::kX) == q->platforms.end())
      return false;
    auto rule = CompileRule(*q);
    return rule.ok() && *rule == held;
  }

  static std::string Cursor(const std::string& newest_id, UnixMillis seen_at) {
    return json({{"newest_id", newest_id}, {"seen_at", seen_at}}).dump();
  }

  //! Before a connection: whether posts were missed that X's own backfill does not replay
  //! (backfill_minutes is 0, or the last post was read longer ago than that). They are then owed
  //! from the newest post read; a gap still owed from an earlier connection keeps its older start
  //! (a flapping connection coalesces its gaps into one fill).
  void OweGap(const store::Connector& fresh, UnixMillis now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (fill_done_) fill_stale_ = true;  // read for the connection that just ended
    if (!last_fill_at_ && fresh.health.stream.gap_filled_at)
      last_fill_at_ = *fresh.health.stream.gap_filled_at;  // across restarts
    if (!gap_since_.empty()) return;
    json cur = json::parse(fresh.checkpoint.cursor, nullptr, false);
    const std::string since = Str(cur, "newest_id");
    if (since.empty()) return;  // nothing read yet: nothing to fill from
    UnixMillis seen = cur.is_object() && cur.contains("seen_at") && cur["seen_at"].is_number()
                          ? cur["seen_at"].get<UnixMillis>()
                          : webhook::TweetIdTime(since);
    seen = std::max<UnixMillis>(seen, last_post_at_);
    if (settings_.backfill_minutes > 0 && now - seen <= settings_.backfill_minutes * 60'000LL)
      return;  // X's backfill_minutes replays it
    gap_since_ = since;
  }

  //! A gap fill can run now (mu_ held): a gap is owed and not yet read; the stream is up again
  //! and has delivered its first post (or settled for gap_settle_ms), so that the search reaches
  //! the moment the stream took over; the last fill is gap_fill_every_ms old; X's rate limit of
  //! the search has reset.
  bool FillDue(UnixMillis now) const {
    if (gap_since_.empty() || fill_done_) return false;
    if (first_id_.empty() && now - connecting_at_ < timings_.gap_settle_ms) return false;
    if (last_fill_at_ && now - last_fill_at_ < timings_.gap_fill_every_ms) return false;
    return now >= fill_blocked_until_;
  }

  //! Reads the owed gap with the recent search while the stream is up: since the newest post
  //! read before the gap, until the stream's first post on this connection (or up to now when
  //! none came yet), one search per rule X holds (the rule's text is its query), within the same
  //! monthly read budget (x/recent_search.h reserves and counts the reads) and at most kGapPages
  //! pages per rule. Runs on the blocking pool (Maintain); the posts go to the hub through
  //! TakeFilled (stored, de-duplicated on external id as always: overlap with the stream is
  //! harmless). A 429 (or no requests left) waits for x-rate-limit-reset; any failure leaves the
  //! gap owed, and the checkpoint where the gap starts, for the next fill.
  void FillGap(UnixMillis now) {
    std::string since, until;
    std::vector<StreamRule> rules;
    {
      std::lock_guard<std::mutex> lock(mu_);
      since = gap_since_;
      until = first_id_;
      rules = held_rules_;
      last_fill_at_ = now;  // an attempt counts: at most one per gap_fill_every_ms
    }
    auto fresh = store_.connectors().Get(connector_.id);
    if (!fresh.ok()) return;
    if (fresh->read_budget_monthly) {
      // Less than the recent search's smallest request (10 posts x 3 reads, x/recent_search.h)
      // left: the search would mark the rest spent; keep it for the stream instead.
      const std::int64_t used =
          fresh->reads_month == pull::BudgetMonth(now) ? fresh->reads_used : 0;
      if (*fresh->read_budget_monthly - used < 30) {
        (void)store_.connectors().SetNotice(
            connector_.id, "the gap after a disconnect was not filled: too little read budget left",
            now);
        return;
      }
    }
    RecentSearch search;
    const std::string creds = json({{"bearer_token", token_}}).dump();
    std::vector<stream::Frame> filled;
    std::map<std::string, size_t> at;  // external id → index in filled
    std::string newest = since, notice;
    std::int64_t read = 0;
    std::optional<UnixMillis> blocked;  // X's rate limit: no search before then
    bool complete = true;
    for (const StreamRule& rule : rules) {
      store::Connector as_search = *fresh;
      as_search.settings_json =
          json({{"query", rule.value}, {"max_results", 100}, {"api_base", settings_.api_base}})
              .dump();
      Id query = 0;  // the query the rule was compiled from, when it still says so
      if (auto q = QueryOfTag(rule.tag); q && TagStillMeans(*q)) query = *q;
      json first = {{"since_id", since}};
      if (!until.empty()) first["until_id"] = until;
      std::string cursor = first.dump();
      for (int page_no = 0; page_no < kGapPages; ++page_no) {
        pull::RunContext ctx{as_search, creds, store_.connectors(), http_, clock_};
        std::optional<UnixMillis> retry_at;
        auto page = search.Next(ctx, cursor, &retry_at);
        if (!page.ok()) {
          complete = false;
          if (retry_at && page.status().code() != Code::kResourceExhausted) blocked = retry_at;
          notice = "the gap after a disconnect was not filled completely (rule '" + rule.value +
                   "'): " + page.status().message() +
                   (blocked ? "; next try after " + FormatRfc3339(*blocked) : "");
          Log(LogLevel::kWarn, "x.gap_fill_failed",
              {{"connector_id", connector_.id}, {"error", page.status().message()}});
          break;
        }
        read += page->read;
        if (!page->notice.empty()) notice = page->notice;
        for (MentionInput& m : page->mentions) {
          if (NewerId(m.external_id, newest)) newest = m.external_id;
          auto [it, fresh_id] = at.emplace(m.external_id, filled.size());
          if (fresh_id) {
            filled.emplace_back();
            filled.back().mention = std::move(m);
          }
          std::vector<Id>& q = filled[it->second].queries;
          if (query && std::find(q.begin(), q.end(), query) == q.end()) q.push_back(query);
        }
        cursor = page->cursor;
        if (page->not_before) blocked = page->not_before;  // no request left before the reset
        if (!page->more) break;
        if (page_no + 1 == kGapPages)
          notice = "the gap after a disconnect was longer than " + std::to_string(kGapPages) +
                   " pages of recent search for rule '" + rule.value + "'; older posts skipped";
        if (blocked) {
          complete = false;
          break;
        }
      }
      if (!complete) break;  // the rest waits for the next fill (budget spent, rate limit)
    }
    Log(LogLevel::kInfo, "x.gap_filled",
        {{"connector_id", connector_.id},
         {"posts", static_cast<std::int64_t>(filled.size())},
         {"reads", read},
         {"since_id", since},
         {"until_id", until},
         {"complete", complete}});
    if (!notice.empty()) (void)store_.connectors().SetNotice(connector_.id, notice, now);
    std::lock_guard<std::mutex> lock(mu_);
    if (blocked) fill_blocked_until_ = std::max(fill_blocked_until_, *blocked);
    for (stream::Frame& f : filled) filled_.push_back(std::move(f));
    if (complete) {
      fill_done_ = true;
      fill_newest_ = newest;
    }
  }

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
    std::map<Id, std::string> held_by_query;
    for (const StreamRule& r : report->active)
      if (auto q = QueryOfTag(r.tag)) held_by_query[*q] = r.value;
    std::lock_guard<std::mutex> lock(mu_);
    held_by_query_ = std::move(held_by_query);
    held_rules_ = report->active;
    return Status::Ok();
  }

  StreamProtocol& protocol_;
  store::Store& store_;
  net::HttpClient& http_;
  const Clock& clock_;
  const StreamTimings& timings_;
  store::Connector connector_;
  pull::XStreamSettings settings_;
  std::string token_;
  std::string newest_;
  std::vector<StreamRule> synced_;  //!< the wanted rules at the last successful sync
  int sync_failures_ = 0;
  std::mutex mu_;                            //!< Maintain (blocking pool) vs OnMessage (loop)
  std::map<Id, std::string> held_by_query_;  //!< guarded by mu_: query id → rule X holds
  std::vector<StreamRule> held_rules_;       //!< guarded by mu_: every rule X holds for us
  std::atomic<UnixMillis> last_post_at_{0};  //!< when the last post was read (loop thread)
  // The gap fill (guarded by mu_): Prepare owes it, Maintain reads it, TakeFilled hands it over.
  std::string gap_since_;              //!< posts newer than this are owed ("" = none)
  std::string first_id_;               //!< the first post of this connection
  UnixMillis connecting_at_ = 0;       //!< when this connection was opened
  UnixMillis last_fill_at_ = 0;        //!< the last fill (tried), 0 = none yet
  UnixMillis fill_blocked_until_ = 0;  //!< X's x-rate-limit-reset of the search
  bool fill_done_ = false;             //!< the whole gap is read (until TakeFilled)
  bool fill_stale_ = false;            //!< ... but the stream reconnected meanwhile
  std::string fill_newest_;            //!< ... and its newest post
  std::vector<stream::Frame> filled_;  //!< FillGap's posts, until TakeFilled
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
      new StreamChannel(*this, store_, http_, clock_, timings_, c, std::move(s), std::move(token)));
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

void StreamProtocol::Describe(Id connector_id, stream::StreamHealth* h) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = syncs_.find(connector_id); it != syncs_.end()) {
    const SyncReport& r = it->second;
    h->rules_synced_at = r.at;
    h->rules_error = r.error;
    h->refused_rules.clear();
    for (const auto& [rule, why] : r.refused)
      h->refused_rules.push_back({QueryOfTag(rule.tag).value_or(0), rule.value, why});
  }
}

}  // namespace humas::connectors::x
