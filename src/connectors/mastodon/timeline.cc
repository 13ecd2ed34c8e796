// Timeline: one page of a Mastodon timeline per call.
#include "connectors/mastodon/timeline.h"

#include <regex>

#include "connectors/feed/feed.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::mastodon {
namespace {

using json = nlohmann::json;

std::string Str(const json& j, const char* k) {
  if (!j.is_object()) return "";
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t Count(const json& j, const char* k) {
  if (!j.is_object()) return 0;
  auto it = j.find(k);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

//! Mastodon ids are decimal strings that sort by length, then text.
bool NewerId(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

std::string MastodonError(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  return Str(j, "error").substr(0, 300);
}

}  // namespace

std::optional<MentionInput> Timeline::ToMention(const json& s, UnixMillis now) {
  if (!s.is_object()) return std::nullopt;
  MentionInput m;
  m.platform = Platform::kMastodon;
  m.external_id = Str(s, "id");
  const json& account = s.value("account", json());
  m.author_handle = Str(account, "acct");
  m.author_name = Str(account, "display_name");
  if (m.author_name.empty()) m.author_name = Str(account, "username");
  if (account.is_object() && account.contains("followers_count") &&
      account["followers_count"].is_number_integer())
    m.author_followers = account["followers_count"].get<std::int64_t>();
  m.url = Str(s, "url");
  if (m.url.empty()) m.url = Str(s, "uri");
  auto created = ParseRfc3339(Str(s, "created_at"));
  m.created_at = created.ok() ? *created : now;
  const json* body = &s;
  const json reblog = s.value("reblog", json());
  if (reblog.is_object()) {
    m.shared_from = Str(reblog, "id");
    m.kind = MentionKind::kShare;
    body = &reblog;  // a boost has no text of its own
  }
  std::string text = feed::PlainText(Str(*body, "content"));
  if (std::string cw = Str(*body, "spoiler_text"); !cw.empty())
    text = text.empty() ? cw : cw + "\n\n" + text;
  m.text = text.substr(0, 10000);
  // An edited status (Mastodon 3.5+) carries when its current text was written.
  if (auto edited = ParseRfc3339(Str(*body, "edited_at")); edited.ok()) m.edited_at = *edited;
  if (std::string parent = Str(s, "in_reply_to_id"); !parent.empty()) {
    m.in_reply_to = parent;
    m.kind = MentionKind::kReply;
  }
  if (const json& quote = s.value("quote", json()); quote.is_object()) {
    std::string quoted = Str(quote.value("quoted_status", json()), "id");
    if (!quoted.empty()) {
      m.shared_from = quoted;
      if (m.kind == MentionKind::kPost) m.kind = MentionKind::kShare;
    }
  }
  m.replies = Count(*body, "replies_count");
  m.shares = Count(*body, "reblogs_count");
  m.likes = Count(*body, "favourites_count");
  if (m.external_id.empty() || m.author_handle.empty() || m.text.empty()) return std::nullopt;
  return m;
}

std::string Timeline::PrevMinId(const std::string& link) {
  static const std::regex kPrev(R"re(<([^>]*)>\s*;\s*rel="?prev"?)re");
  std::smatch mt;
  if (!std::regex_search(link, mt, kPrev)) return "";
  static const std::regex kMinId(R"([?&]min_id=([0-9A-Za-z]+))");
  std::string url = mt[1].str();
  std::smatch id;
  return std::regex_search(url, id, kMinId) ? id[1].str() : "";
}

Result<pull::Page> Timeline::Next(const pull::RunContext& ctx, const std::string& cursor,
                                  std::optional<UnixMillis>* retry_at) {
  json settings_json = json::parse(ctx.connector.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::MastodonSettings settings,
                         pull::ParseMastodonSettings(settings_json));
  json cur = json::parse(cursor, nullptr, false);
  std::string min_id = Str(cur, "min_id");
  net::HttpRequest req;
  req.url = settings.instance_url +
            (settings.local ? "/api/v1/timelines/public?local=true&"
             : settings.hashtag.empty()
                 ? "/api/v1/accounts/" + settings.account_id + "/statuses?"
                 : "/api/v1/timelines/tag/" + net::UrlEscape(settings.hashtag) + "?") +
            "limit=" + std::to_string(settings.limit);
  if (!min_id.empty()) req.url += "&min_id=" + min_id;
  if (std::string token = pull::Credential(ctx.credentials, "access_token"); !token.empty())
    req.headers.push_back({"Authorization", "Bearer " + token});
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse resp, ctx.http.Get(req));
  const int st = resp.status;
  if (st != 200) {
    std::string detail = MastodonError(resp.body);
    std::string what = "HTTP " + std::to_string(st) + " from " + settings.instance_url +
                       (detail.empty() ? "" : ": " + detail);
    if (st == 429) {
      *retry_at = net::HttpClient::RateLimitResetAt(resp, ctx.clock.Now());
      return Unavailable("rate limited: " + what);
    }
    if (st == 401 || st == 403) return PermissionDenied(what);
    if (st == 404) return NotFound(what + " (no such hashtag or account)");
    return Unavailable(what);
  }
  json statuses = json::parse(resp.body, nullptr, false);
  if (!statuses.is_array())
    return InvalidArgument("the instance answered with malformed JSON or not a list of statuses (" +
                           std::to_string(resp.body.size()) + " bytes); nothing stored");
  pull::Page page;
  std::string newest = min_id;
  const UnixMillis now = ctx.clock.Now();
  for (const json& s : statuses) {
    ++page.read;
    std::string id = Str(s, "id");
    if (!id.empty() && (newest.empty() || NewerId(id, newest))) newest = id;
    if (auto m = ToMention(s, now)) page.mentions.push_back(std::move(*m));
  }
  std::string prev = PrevMinId(resp.Header("link"));
  if (!prev.empty() && (newest.empty() || NewerId(prev, newest))) newest = prev;
  page.cursor = newest.empty() ? cursor : json({{"min_id", newest}}).dump();
  // On the first run only the newest page is read; afterwards a full page means more is waiting.
  page.more = !min_id.empty() && static_cast<int>(statuses.size()) >= settings.limit;
  if (resp.Header("x-ratelimit-remaining") == "0")
    page.not_before = net::HttpClient::RateLimitResetAt(resp, now);
  return page;
}

}  // namespace humas::connectors::mastodon
