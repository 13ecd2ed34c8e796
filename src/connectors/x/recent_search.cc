// RecentSearch: one page of GET /2/tweets/search/recent per call.
#include "connectors/x/recent_search.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "connectors/pull/settings.h"
#include "connectors/webhook/mapping.h"
#include "connectors/x/error_detail.h"

namespace humas::connectors::x {
namespace {

using json = nlohmann::json;

constexpr int kReadsPerResult = 3;  // the post, its replied-to post, its quoted post

struct Cursor {
  //! start_time (RFC 3339) replaces since_id for a sweep after X refused a since_id older than
  //! its 7-day window; cleared once the sweep is complete.
  std::string since_id, newest_id, next_token, start_time;
  //! Only posts older than this (the stream's gap fill: up to its first post after reconnecting).
  std::string until_id;
};

constexpr UnixMillis kDayMs = 86'400'000;
//! How far inside X's 7-day window the fallback start_time stays (clock skew, request time).
constexpr UnixMillis kWindowMarginMs = 10 * 60'000;

Cursor ReadCursor(const std::string& text) {
  Cursor c;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  auto str = [&j](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  c.since_id = str("since_id");
  c.newest_id = str("newest_id");
  c.next_token = str("next_token");
  c.start_time = str("start_time");
  c.until_id = str("until_id");
  return c;
}

std::string WriteCursor(const Cursor& c) {
  json j = json::object();
  if (!c.since_id.empty()) j["since_id"] = c.since_id;
  if (!c.newest_id.empty()) j["newest_id"] = c.newest_id;
  if (!c.next_token.empty()) j["next_token"] = c.next_token;
  if (!c.start_time.empty()) j["start_time"] = c.start_time;
  if (!c.until_id.empty()) j["until_id"] = c.until_id;
  return j.dump();
}

//! X's 400 for a since_id older than recent search's 7 days: {"errors": [{"parameters":
//! {"since_id": [...]}, "message": "'since_id' must be a tweet id created after <time>. Please use
//! a 'since_id' that is larger than <id>"}], "title": "Invalid Request", ...}.
bool StaleSinceId(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("errors") || !j["errors"].is_array()) return false;
  for (const json& e : j["errors"]) {
    if (!e.is_object()) continue;
    const bool about_since_id = e.contains("parameters") && e["parameters"].is_object() &&
                                e["parameters"].contains("since_id");
    const std::string message =
        e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    if (about_since_id && message.find("must be a tweet id created after") != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

Result<pull::Page> RecentSearch::Next(const pull::RunContext& ctx, const std::string& cursor_text,
                                      std::optional<UnixMillis>* retry_at) {
  const store::Connector& c = ctx.connector;
  json settings_json = json::parse(c.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::XSearchSettings settings, pull::ParseXSearchSettings(settings_json));
  std::string token = pull::Credential(ctx.credentials, "bearer_token");
  if (token.empty()) return FailedPrecondition("credentials.bearer_token (X app token) is not set");

  // Reserve the most this request can read, within the budget.
  const UnixMillis now = ctx.clock.Now();
  const std::string month = pull::BudgetMonth(now);
  int max_results = settings.max_results;
  HUMAS_ASSIGN_OR_RETURN(store::Connector fresh, ctx.repo.Get(c.id));
  auto spent = [&](std::int64_t used) -> Status {
    *retry_at = pull::NextMonthStart(now);
    return ResourceExhausted("budget spent: " + std::to_string(used) + " of " +
                             std::to_string(*fresh.read_budget_monthly) + " reads used in " +
                             month);
  };
  if (fresh.read_budget_monthly) {
    std::int64_t used = fresh.reads_month == month ? fresh.reads_used : 0;
    std::int64_t remaining = *fresh.read_budget_monthly - used;
    if (remaining < 10 * kReadsPerResult) {
      // Too little for the smallest request: mark the rest spent so the UI shows it.
      if (remaining > 0) {
        auto u = ctx.repo.SpendReads(c.id, month, remaining);
        if (u.ok()) used = *u;
      }
      return spent(std::max(used, *fresh.read_budget_monthly));
    }
    max_results =
        static_cast<int>(std::min<std::int64_t>(max_results, remaining / kReadsPerResult));
  }
  const std::int64_t reserved = static_cast<std::int64_t>(max_results) * kReadsPerResult;
  if (auto r = ctx.repo.SpendReads(c.id, month, reserved); !r.ok()) {
    if (r.status().code() == Code::kResourceExhausted) return spent(*fresh.read_budget_monthly);
    return r.status();
  }
  auto give_back = [&](std::int64_t n) {
    if (n > 0) (void)ctx.repo.ReturnReads(c.id, month, n);
  };

  Cursor cur = ReadCursor(cursor_text);
  auto request = [&] {
    net::HttpRequest req;
    req.url = settings.api_base +
              "/2/tweets/search/recent?query=" + net::UrlEscape(settings.query) +
              "&max_results=" + std::to_string(max_results) +
              "&expansions=author_id,referenced_tweets.id"
              "&tweet.fields=created_at,author_id,referenced_tweets,public_metrics,"
              "conversation_id,lang"
              "&user.fields=public_metrics,username,name";
    if (!cur.start_time.empty()) {
      req.url += "&start_time=" + net::UrlEscape(cur.start_time);
    } else if (!cur.since_id.empty()) {
      req.url += "&since_id=" + net::UrlEscape(cur.since_id);
    }
    if (!cur.until_id.empty()) req.url += "&until_id=" + net::UrlEscape(cur.until_id);
    if (!cur.next_token.empty()) req.url += "&next_token=" + net::UrlEscape(cur.next_token);
    req.headers.push_back({"Authorization", "Bearer " + token});
    return ctx.http.Get(req);
  };
  auto resp = request();
  std::string notice;
  if (resp.ok() && resp->status == 400 && cur.start_time.empty() && !cur.since_id.empty() &&
      StaleSinceId(resp->body)) {
    // The checkpoint is older than recent search reaches (the connector was off for a week):
    // read what X still has, from just inside its window (or from the checkpoint's own time if
    // that is newer), and say so: posts older than the window are lost to recent search.
    UnixMillis from =
        std::max(now - 7 * kDayMs + kWindowMarginMs, webhook::TweetIdTime(cur.since_id));
    notice = "since_id " + cur.since_id + " is older than X recent search's 7 days; resumed from " +
             FormatRfc3339(from) + " (posts before that cannot be read by recent search)";
    std::string until = cur.until_id;
    cur = Cursor{};
    cur.start_time = FormatRfc3339(from);
    cur.until_id = until;
    resp = request();
  }
  if (!resp.ok()) {
    give_back(reserved);  // nothing was returned
    return resp.status();
  }
  if (resp->status != 200) {
    give_back(reserved);  // errors return no posts
    const int st = resp->status;
    if (st == 429) {
      *retry_at = net::HttpClient::RateLimitResetAt(*resp, ctx.clock.Now());
      return Unavailable(WithDetail("rate limited by X (HTTP 429)", resp->body));
    }
    if (st == 401 || st == 403)
      return PermissionDenied(
          WithDetail("X refused the credentials (HTTP " + std::to_string(st) + ")", resp->body));
    if (st == 400)
      return InvalidArgument(WithDetail("X rejected the search (HTTP 400)", resp->body));
    return Unavailable(WithDetail("HTTP " + std::to_string(st) + " from X", resp->body));
  }
  json body = json::parse(resp->body, nullptr, false);
  if (!body.is_object()) {
    // Keep the reservation: X may have counted the posts it tried to send.
    return InvalidArgument("X answered with malformed JSON (" + std::to_string(resp->body.size()) +
                           " bytes); nothing stored");
  }
  std::int64_t read = 0;
  if (body.contains("data") && body["data"].is_array()) read += body["data"].size();
  if (body.contains("includes") && body["includes"].is_object() &&
      body["includes"].contains("tweets") && body["includes"]["tweets"].is_array())
    read += body["includes"]["tweets"].size();
  if (read <= reserved) {
    give_back(reserved - read);
  } else {
    (void)ctx.repo.SpendReads(c.id, month, read - reserved);  // cannot happen per X's limits
  }

  pull::Page page;
  page.read = static_cast<int>(read);
  page.notice = std::move(notice);
  if (body.contains("data")) {
    auto mapped = webhook::MapPayload(webhook::Source::kX, resp->body, now);
    if (!mapped.ok()) return mapped.status();
    page.mentions = std::move(mapped->mentions);
  }
  const json meta = body.value("meta", json::object());
  std::string newest =
      meta.is_object() && meta.contains("newest_id") && meta["newest_id"].is_string()
          ? meta["newest_id"].get<std::string>()
          : "";
  std::string next =
      meta.is_object() && meta.contains("next_token") && meta["next_token"].is_string()
          ? meta["next_token"].get<std::string>()
          : "";
  if (cur.newest_id.empty()) cur.newest_id = newest;  // first page of a sweep
  if (!next.empty()) {
    cur.next_token = next;
    page.more = true;
  } else {
    // The sweep is complete: everything newer than since_id up to newest_id is stored.
    if (!cur.newest_id.empty()) {
      cur.since_id = cur.newest_id;
      cur.start_time.clear();
    }
    cur.newest_id.clear();
    cur.next_token.clear();
  }
  page.cursor = WriteCursor(cur);
  if (resp->Header("x-rate-limit-remaining") == "0")
    page.not_before = net::HttpClient::RateLimitResetAt(*resp, ctx.clock.Now());
  return page;
}

}  // namespace humas::connectors::x
