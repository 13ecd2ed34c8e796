// CommentThreads: one commentThreads.list call per page.
#include "connectors/youtube/comment_threads.h"

#include <algorithm>

#include "connectors/pull/json_fields.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::youtube {
namespace {

using json = nlohmann::json;

constexpr std::int64_t kUnitsPerCall = 1;  // commentThreads.list

using pull::Obj;
using pull::Str;

std::string Scrub(const std::string& text, const std::string& key) {
  return pull::Scrub(text, key, "<api_key>");
}

//! Google's error: {"error": {"code", "message", "errors": [{"reason"}]}}.
void GoogleError(const std::string& body, std::string* reason, std::string* message) {
  json j = json::parse(body, nullptr, false);
  const json& e = Obj(j, "error");
  *message = Str(e, "message").substr(0, 300);
  const json& errors = Obj(e, "errors");
  if (errors.is_array() && !errors.empty()) *reason = Str(errors[0], "reason");
}

struct Cursor {
  UnixMillis since = 0, sweep_newest = 0;
  std::string page_token;
};

Cursor ReadCursor(const std::string& text) {
  Cursor c;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  if (j.contains("since") && j["since"].is_number_integer()) c.since = j["since"].get<UnixMillis>();
  if (j.contains("sweep_newest") && j["sweep_newest"].is_number_integer())
    c.sweep_newest = j["sweep_newest"].get<UnixMillis>();
  c.page_token = Str(j, "page_token");
  return c;
}

std::string WriteCursor(const Cursor& c) {
  json j = json::object();
  if (c.since) j["since"] = c.since;
  if (c.sweep_newest) j["sweep_newest"] = c.sweep_newest;
  if (!c.page_token.empty()) j["page_token"] = c.page_token;
  return j.dump();
}

MentionInput CommentToMention(const json& comment, const std::string& video_id, UnixMillis now) {
  const json& s = Obj(comment, "snippet");
  MentionInput m;
  m.platform = Platform::kYoutube;
  m.kind = MentionKind::kComment;
  m.external_id = Str(comment, "id");
  m.author_handle = Str(Obj(s, "authorChannelId"), "value");
  m.author_name = Str(s, "authorDisplayName");
  if (m.author_handle.empty()) m.author_handle = m.author_name;
  m.text = Str(s, "textOriginal");
  if (m.text.empty()) m.text = Str(s, "textDisplay");
  m.text = m.text.substr(0, 10000);
  auto published = ParseRfc3339(Str(s, "publishedAt"));
  m.created_at = published.ok() ? *published : now;
  // An edited comment's updatedAt is after its publishedAt: a newer version of the text.
  if (auto updated = ParseRfc3339(Str(s, "updatedAt")); updated.ok() && *updated > m.created_at)
    m.edited_at = *updated;
  if (Obj(s, "likeCount").is_number_integer()) m.likes = Obj(s, "likeCount").get<std::int64_t>();
  std::string parent = Str(s, "parentId");
  m.in_reply_to = parent.empty() ? video_id : parent;
  if (!parent.empty()) m.kind = MentionKind::kReply;
  std::string video = Str(s, "videoId").empty() ? video_id : Str(s, "videoId");
  if (!video.empty() && !m.external_id.empty())
    m.url = "https://www.youtube.com/watch?v=" + video + "&lc=" + m.external_id;
  return m;
}

}  // namespace

std::vector<MentionInput> CommentThreads::ToMentions(const json& thread, UnixMillis now) {
  std::vector<MentionInput> out;
  const json& s = Obj(thread, "snippet");
  const std::string video = Str(s, "videoId");
  const json& top = Obj(s, "topLevelComment");
  MentionInput m = CommentToMention(top, video, now);
  if (Obj(s, "totalReplyCount").is_number_integer())
    m.replies = Obj(s, "totalReplyCount").get<std::int64_t>();
  if (!m.external_id.empty() && !m.text.empty() && !m.author_handle.empty())
    out.push_back(std::move(m));
  const json& replies = Obj(Obj(thread, "replies"), "comments");
  if (replies.is_array()) {
    for (const json& r : replies) {
      MentionInput reply = CommentToMention(r, video, now);
      if (!reply.external_id.empty() && !reply.text.empty() && !reply.author_handle.empty())
        out.push_back(std::move(reply));
    }
  }
  return out;
}

Result<pull::Page> CommentThreads::Next(const pull::RunContext& ctx, const std::string& cursor,
                                        std::optional<UnixMillis>* retry_at) {
  const store::Connector& c = ctx.connector;
  json settings_json = json::parse(c.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::YoutubeSettings settings, pull::ParseYoutubeSettings(settings_json));
  const std::string key = pull::Credential(ctx.credentials, "api_key");
  if (key.empty()) return FailedPrecondition("credentials.api_key is not set");
  const UnixMillis now = ctx.clock.Now();
  const std::string day = pull::PacificDay(now);
  auto spent = [&]() -> Status {
    *retry_at = pull::NextPacificMidnight(now);
    return ResourceExhausted("daily quota spent: " + std::to_string(settings.daily_quota_units) +
                             " units used on " + day + " (Pacific time)");
  };
  auto quota = ctx.repo.SpendQuota(c.id, day, kUnitsPerCall, settings.daily_quota_units);
  if (!quota.ok()) {
    if (quota.status().code() == Code::kResourceExhausted) return spent();
    return quota.status();
  }

  Cursor cur = ReadCursor(cursor);
  net::HttpRequest req;
  req.url = settings.api_base + "/youtube/v3/commentThreads?part=snippet,replies&order=time" +
            "&textFormat=plainText&maxResults=" + std::to_string(settings.max_results) +
            (settings.video_id.empty() ? "&allThreadsRelatedToChannelId=" + settings.channel_id
                                       : "&videoId=" + settings.video_id) +
            "&key=" + net::UrlEscape(key);
  if (!cur.page_token.empty()) req.url += "&pageToken=" + net::UrlEscape(cur.page_token);
  auto resp = ctx.http.Get(req);
  if (!resp.ok()) return Status(resp.status().code(), Scrub(resp.status().message(), key));
  if (resp->status != 200) {
    std::string reason, message;
    GoogleError(resp->body, &reason, &message);
    std::string what = "HTTP " + std::to_string(resp->status) + " from YouTube" +
                       (reason.empty() ? "" : " (" + reason + ")") +
                       (message.empty() ? "" : ": " + Scrub(message, key));
    if (reason == "quotaExceeded" || reason == "dailyLimitExceeded") {
      // YouTube's count wins: the rest of the day is spent.
      if (*quota < settings.daily_quota_units)
        (void)ctx.repo.SpendQuota(c.id, day, settings.daily_quota_units - *quota, std::nullopt);
      return spent();
    }
    if (resp->status == 429 || reason == "rateLimitExceeded" || reason == "userRateLimitExceeded") {
      *retry_at = net::HttpClient::RateLimitResetAt(*resp, now);
      return Unavailable("rate limited: " + what);
    }
    if (resp->status == 400) return InvalidArgument(what);
    if (resp->status == 401 || resp->status == 403) return PermissionDenied(what);
    if (resp->status == 404) return NotFound(what);
    return Unavailable(what);
  }
  json body = json::parse(resp->body, nullptr, false);
  if (!body.is_object() || !Obj(body, "items").is_array())
    return InvalidArgument("YouTube answered with malformed JSON or no items (" +
                           std::to_string(resp->body.size()) + " bytes); nothing stored");
  pull::Page page;
  bool reached_known = false;
  UnixMillis newest = cur.sweep_newest;
  for (const json& thread : body["items"]) {
    ++page.read;
    auto published = ParseRfc3339(
        Str(Obj(Obj(Obj(thread, "snippet"), "topLevelComment"), "snippet"), "publishedAt"));
    UnixMillis at = published.ok() ? *published : 0;
    if (cur.since && at && at <= cur.since) {
      reached_known = true;  // older threads were read by an earlier sweep
      continue;
    }
    newest = std::max(newest, at);
    for (auto& m : ToMentions(thread, now)) page.mentions.push_back(std::move(m));
  }
  const std::string next = Str(body, "nextPageToken");
  if (next.empty() || reached_known) {
    cur.since = std::max(cur.since, newest);
    cur.sweep_newest = 0;
    cur.page_token.clear();
  } else {
    cur.sweep_newest = newest;
    cur.page_token = next;
    page.more = true;
  }
  page.cursor = WriteCursor(cur);
  return page;
}

}  // namespace humas::connectors::youtube
