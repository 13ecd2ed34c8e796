// PageFeed: one /{page-id}/feed call per page of posts.
#include "connectors/meta/page_feed.h"

#include <algorithm>
#include <map>

#include "connectors/pull/json_fields.h"
#include "connectors/pull/settings.h"
#include "core/log.h"

namespace humas::connectors::meta {
namespace {

using json = nlohmann::json;

constexpr UnixMillis kHour = 3'600'000;

using pull::Obj;
using pull::Str;

std::string Scrub(const std::string& text, const std::string& token) {
  return pull::Scrub(text, token, "<access_token>");
}

//! Graph times are "2021-07-09T19:09:52+0000" (no colon in the offset).
std::optional<UnixMillis> GraphTime(std::string t) {
  if (t.size() > 5 && (t[t.size() - 5] == '+' || t[t.size() - 5] == '-') &&
      t.find(':', t.size() - 5) == std::string::npos)
    t.insert(t.size() - 2, ":");
  auto r = ParseRfc3339(t);
  if (!r.ok()) return std::nullopt;
  return *r;
}

//! A post whose comments did not all fit in its embedded first page: the next page's cursor.
struct CommentPage {
  std::string of;        //!< the post or media id (the comment id for replies)
  std::string after;     //!< "" = a revisit (Facebook: the newest comments' first page only)
  bool replies = false;  //!< Instagram: the `replies` edge of comment `of`, not its comments
};

//! Comment pages waiting in a checkpoint at most (each is one request; more are dropped with a
//! log line rather than growing the checkpoint without bound).
constexpr size_t kMaxQueuedCommentPages = 500;
//! Posts with a comment in the last week are re-read (their newest comments) at most hourly,
//! the 50 most recently active at most: new comments on posts older than `since` still arrive.
constexpr std::int64_t kActiveSeconds = 7 * 86'400;
constexpr std::int64_t kRevisitEverySeconds = 3'600;
constexpr size_t kMaxActivePosts = 50;

struct Cursor {
  std::int64_t since = 0, sweep_newest = 0;  // unix seconds
  std::string after;
  std::vector<CommentPage> comments;           //!< read before the next page of posts
  std::map<std::string, std::int64_t> active;  //!< post → its newest comment seen (unix s)
  std::int64_t revisited = 0;                  //!< when active posts were last queued (unix s)
};

Cursor ReadCursor(const std::string& text) {
  Cursor c;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  if (Obj(j, "since").is_number_integer()) c.since = j["since"].get<std::int64_t>();
  if (Obj(j, "sweep_newest").is_number_integer())
    c.sweep_newest = j["sweep_newest"].get<std::int64_t>();
  c.after = Str(j, "after");
  if (Obj(j, "comments").is_array())
    for (const json& q : j["comments"])
      if (!Str(q, "of").empty())
        c.comments.push_back({Str(q, "of"), Str(q, "after"), Str(q, "edge") == "replies"});
  if (Obj(j, "active").is_object())
    for (const auto& [post, at] : j["active"].items())
      if (at.is_number_integer()) c.active[post] = at.get<std::int64_t>();
  if (Obj(j, "revisited").is_number_integer()) c.revisited = j["revisited"].get<std::int64_t>();
  return c;
}

std::string WriteCursor(const Cursor& c) {
  json j = json::object();
  if (c.since) j["since"] = c.since;
  if (c.sweep_newest) j["sweep_newest"] = c.sweep_newest;
  if (!c.after.empty()) j["after"] = c.after;
  if (!c.comments.empty()) {
    j["comments"] = json::array();
    for (const CommentPage& q : c.comments) {
      json e = {{"of", q.of}, {"after", q.after}};
      if (q.replies) e["edge"] = "replies";
      j["comments"].push_back(std::move(e));
    }
  }
  if (!c.active.empty()) j["active"] = c.active;
  if (c.revisited) j["revisited"] = c.revisited;
  return j.dump();
}

MentionInput ToMention(const json& item, MentionKind kind, UnixMillis now) {
  MentionInput m;
  m.platform = Platform::kFacebook;
  m.kind = kind;
  m.external_id = Str(item, "id");
  const json& from = Obj(item, "from");
  m.author_handle = Str(from, "id");
  m.author_name = Str(from, "name");
  m.text = Str(item, "message").substr(0, 10000);
  m.created_at = GraphTime(Str(item, "created_time")).value_or(now);
  m.url = Str(item, "permalink_url");
  return m;
}

MentionInput IgToMention(const json& item, MentionKind kind, UnixMillis now) {
  MentionInput m;
  m.platform = Platform::kInstagram;
  m.kind = kind;
  m.external_id = Str(item, "id");
  m.author_handle = Str(item, "username");
  m.author_name = m.author_handle;
  m.text = Str(item, kind == MentionKind::kPost ? "caption" : "text").substr(0, 10000);
  m.created_at = GraphTime(Str(item, "timestamp")).value_or(now);
  if (Obj(item, "like_count").is_number_integer()) m.likes = item["like_count"].get<std::int64_t>();
  return m;
}

//! An Instagram comment or reply. Instagram lets authors edit comments but Graph marks no edit:
//! every read is a version observed now, which a stored comment takes only if its words changed
//! (MentionInput::edit_observed).
void AddIgComment(const json& item, MentionKind kind, const std::string& parent, UnixMillis now,
                  std::vector<MentionInput>* out) {
  MentionInput m = IgToMention(item, kind, now);
  m.in_reply_to = parent;
  if (m.author_handle.empty()) m.author_handle = "instagram-user";
  m.edited_at = now;
  m.edit_observed = true;
  if (!m.external_id.empty() && !m.text.empty()) out->push_back(std::move(m));
}

}  // namespace

std::vector<MentionInput> PageFeed::ToMentions(const json& post, const std::string& page_id,
                                               UnixMillis now) {
  std::vector<MentionInput> out;
  MentionInput p = ToMention(post, MentionKind::kPost, now);
  if (p.author_handle.empty()) p.author_handle = page_id;  // the Page's own post
  const json& comments = Obj(Obj(post, "comments"), "data");
  if (comments.is_array()) p.replies = static_cast<std::int64_t>(comments.size());
  // A post with only a photo has no message: it is still stored, as the parent of its comments.
  if (!p.external_id.empty()) out.push_back(p);
  if (!comments.is_array()) return out;
  for (const json& c : comments) CommentToMentions(c, p.external_id, now, &out);
  return out;
}

void PageFeed::CommentToMentions(const json& c, const std::string& post_id, UnixMillis now,
                                 std::vector<MentionInput>* out) {
  MentionInput m = ToMention(c, MentionKind::kComment, now);
  const std::string parent = Str(Obj(c, "parent"), "id");
  m.in_reply_to = parent.empty() ? post_id : parent;
  if (!parent.empty()) m.kind = MentionKind::kReply;
  if (Obj(c, "like_count").is_number_integer()) m.likes = c["like_count"].get<std::int64_t>();
  if (Obj(c, "comment_count").is_number_integer())
    m.replies = c["comment_count"].get<std::int64_t>();
  if (m.author_handle.empty()) m.author_handle = "facebook-user";  // `from` hidden by privacy
  if (!m.external_id.empty() && !m.text.empty()) out->push_back(std::move(m));
}

std::vector<MentionInput> InstagramMedia::ToMentions(const json& media,
                                                     const std::string& ig_user_id,
                                                     UnixMillis now) {
  std::vector<MentionInput> out;
  MentionInput p = IgToMention(media, MentionKind::kPost, now);
  if (p.author_handle.empty()) p.author_handle = ig_user_id;
  p.url = Str(media, "permalink");
  if (Obj(media, "comments_count").is_number_integer())
    p.replies = media["comments_count"].get<std::int64_t>();
  if (!p.external_id.empty()) out.push_back(p);  // a photo without caption: parent of its comments
  const json& comments = Obj(Obj(media, "comments"), "data");
  if (!comments.is_array()) return out;
  for (const json& c : comments) {
    const size_t first = out.size();
    CommentToMentions(c, p.external_id, now, &out);
    for (size_t i = first; i < out.size(); ++i) out[i].url = p.url;  // no link per comment
  }
  return out;
}

void PageFeed::PostVersion(const json& post, const std::string& page_id, UnixMillis now,
                           std::vector<MentionInput>* out) {
  std::vector<MentionInput> read = ToMentions(post, page_id, now);
  if (read.empty() || read.front().external_id != Str(post, "id")) return;
  MentionInput p = std::move(read.front());
  const std::optional<UnixMillis> updated = GraphTime(Str(post, "updated_time"));
  p.edited_at = updated && *updated > p.created_at ? *updated : now;
  p.edit_observed = true;
  out->push_back(std::move(p));
}

void InstagramMedia::PostVersion(const json& media, const std::string& ig_user_id, UnixMillis now,
                                 std::vector<MentionInput>* out) {
  std::vector<MentionInput> read = ToMentions(media, ig_user_id, now);
  if (read.empty() || read.front().external_id != Str(media, "id")) return;
  MentionInput p = std::move(read.front());
  p.edited_at = now;
  p.edit_observed = true;
  out->push_back(std::move(p));
}

void InstagramMedia::CommentToMentions(const json& c, const std::string& media_id, UnixMillis now,
                                       std::vector<MentionInput>* out) {
  AddIgComment(c, MentionKind::kComment, media_id, now, out);
  const json& replies = Obj(Obj(c, "replies"), "data");
  if (replies.is_array())
    for (const json& r : replies) ReplyToMentions(r, Str(c, "id"), now, out);
}

void InstagramMedia::ReplyToMentions(const json& reply, const std::string& comment_id,
                                     UnixMillis now, std::vector<MentionInput>* out) {
  AddIgComment(reply, MentionKind::kReply, comment_id, now, out);
}

namespace {

//! One page of a Graph edge listing posts (newest first) with their comments embedded.
struct Edge {
  const char* service;  //!< "Facebook", "Instagram" (errors)
  const char* path;     //!< "/feed", "/media"
  const char* fields;
  const char* time_key;  //!< "created_time", "timestamp"
  std::vector<MentionInput> (*to_mentions)(const json&, const std::string&, UnixMillis);
  const char* comment_fields;  //!< fields of /{id}/comments (the embedded comments' fields)
  void (*comment_to_mentions)(const json&, const std::string&, UnixMillis,
                              std::vector<MentionInput>*);
  //! `order` that lists an object's comments newest first; nullptr = none (Instagram): a revisit
  //! then reads every page of the comments, following paging.
  const char* newest_first;
  //! Fields of /{comment-id}/replies and the mapper of one reply; nullptr = replies come embedded
  //! in full (Facebook: replies are comments with a parent).
  const char* reply_fields = nullptr;
  void (*reply_to_mentions)(const json&, const std::string&, UnixMillis,
                            std::vector<MentionInput>*) = nullptr;
  //! Fields of a post read again by a revisit (its text may have been edited) and the mapper of
  //! that version (PageFeed::PostVersion, InstagramMedia::PostVersion).
  const char* revisit_fields = nullptr;
  void (*post_version)(const json&, const std::string&, UnixMillis,
                       std::vector<MentionInput>*) = nullptr;
};

//! Remembers `of` as active when one of `comments` was written in the last week.
void NoteActive(const Edge& edge, const std::string& of, const json& comments, UnixMillis now,
                Cursor* cur) {
  if (of.empty() || !comments.is_array()) return;
  for (const json& c : comments) {
    auto at = GraphTime(Str(c, edge.time_key));
    if (!at || *at / 1000 < now / 1000 - kActiveSeconds) continue;
    std::int64_t& newest = cur->active[of];
    newest = std::max(newest, *at / 1000);
  }
}

//! At the end of a sweep, at most hourly: queues a revisit of every post active in the last
//! week (the most recent kMaxActivePosts) and forgets the others.
void QueueRevisits(UnixMillis now, Cursor* cur) {
  const std::int64_t now_s = now / 1000;
  std::erase_if(cur->active, [&](const auto& a) { return a.second < now_s - kActiveSeconds; });
  while (cur->active.size() > kMaxActivePosts) {
    auto oldest =
        std::min_element(cur->active.begin(), cur->active.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    cur->active.erase(oldest);
  }
  if (cur->active.empty()) return;
  if (cur->revisited == 0) {  // the sweep that found them has just read them: start the clock
    cur->revisited = now_s;
    return;
  }
  if (now_s - cur->revisited < kRevisitEverySeconds) return;
  cur->revisited = now_s;
  for (const auto& a : cur->active)
    if (cur->comments.size() < kMaxQueuedCommentPages) cur->comments.push_back({a.first, ""});
}

//! The next page of a paging object whose items did not all come ("" = none).
std::string NextAfter(const json& paging, const std::string& current) {
  const std::string after = Str(Obj(paging, "cursors"), "after");
  if (Str(paging, "next").empty() || after.empty() || after == current) return "";
  return after;
}

//! Queues the rest of `of`'s comments or (`replies`) replies when `edge_object` (an embedded
//! comments/replies edge) says more pages follow.
void QueueMore(const pull::RunContext& ctx, const std::string& of, const json& edge_object,
               bool replies, Cursor* cur) {
  const std::string more = NextAfter(Obj(edge_object, "paging"), "");
  if (more.empty() || of.empty()) return;
  if (cur->comments.size() < kMaxQueuedCommentPages) {
    cur->comments.push_back({of, more, replies});
  } else {
    Log(LogLevel::kWarn, "connector.comment_pages_dropped",
        {{"connector_id", ctx.connector.id}, {"post", of}});
  }
}

//! Instagram: the replies of each of `comments` beyond their embedded first page.
void QueueReplies(const Edge& edge, const pull::RunContext& ctx, const json& comments,
                  Cursor* cur) {
  if (!edge.reply_fields || !comments.is_array()) return;
  for (const json& c : comments) QueueMore(ctx, Str(c, "id"), Obj(c, "replies"), true, cur);
}

//! A Graph error answer as a Status: rate limits wait for their reset, an expired token a day.
Status GraphError(const Edge& edge, const net::HttpResponse& resp, const std::string& token,
                  UnixMillis now, std::optional<UnixMillis>* retry_at) {
  json body = json::parse(resp.body, nullptr, false);
  const json& e = Obj(body, "error");
  const int code = Obj(e, "code").is_number_integer() ? e["code"].get<int>() : 0;
  const std::string message = Scrub(Str(e, "message").substr(0, 300), token);
  std::string what = "HTTP " + std::to_string(resp.status) + " from " + edge.service +
                     (code ? " (code " + std::to_string(code) + ")" : "") +
                     (message.empty() ? "" : ": " + message);
  if (code == 4 || code == 17 || code == 32 || code == 613 || resp.status == 429) {
    *retry_at = net::HttpClient::RateLimitResetAt(resp, now).value_or(now + kHour);
    return Unavailable("rate limited: " + what);
  }
  if (code == 190) {
    // Retrying cannot help until an admin connects a new token: wait a day, not a back-off.
    *retry_at = now + 24 * kHour;
    return PermissionDenied("token kedaluwarsa / token expired: " + what);
  }
  if (resp.status == 400) return InvalidArgument(what);
  if (resp.status == 401 || resp.status == 403) return PermissionDenied(what);
  if (resp.status == 404) return NotFound(what);
  return Unavailable(what);
}

//! One page of comments of a post whose embedded comments were cut (the queue's first entry).
Result<pull::Page> CommentsNext(const Edge& edge, const pull::GraphSettings& settings,
                                const pull::RunContext& ctx, const std::string& token, Cursor cur,
                                std::optional<UnixMillis>* retry_at) {
  const UnixMillis now = ctx.clock.Now();
  CommentPage& q = cur.comments.front();
  const bool replies = q.replies && edge.reply_fields;
  const bool revisit = q.after.empty();
  auto deleted = [](const net::HttpResponse& r) {
    // 404, or Graph code 100 "object does not exist": deleted (or hidden) meanwhile.
    return r.status == 404 ||
           (r.status == 400 &&
            Obj(Obj(json::parse(r.body, nullptr, false), "error"), "code") == 100);
  };
  auto skip_deleted = [&cur] {
    cur.comments.erase(cur.comments.begin());
    pull::Page page;
    page.more = !cur.comments.empty() || !cur.after.empty();
    page.cursor = WriteCursor(cur);
    return page;
  };
  std::vector<MentionInput> versions;  // the post itself, read again by a revisit
  if (revisit && !replies && edge.revisit_fields && edge.post_version) {
    net::HttpRequest post_req;
    post_req.url = settings.api_base + "/" + net::UrlEscape(q.of) +
                   "?fields=" + net::UrlEscape(edge.revisit_fields);
    post_req.headers.push_back({"Authorization", "Bearer " + token});
    auto post_resp = ctx.http.Get(post_req);
    if (!post_resp.ok())
      return Status(post_resp.status().code(), Scrub(post_resp.status().message(), token));
    if (deleted(*post_resp)) return skip_deleted();
    if (post_resp->status != 200) return GraphError(edge, *post_resp, token, now, retry_at);
    json post = json::parse(post_resp->body, nullptr, false);
    if (post.is_object()) edge.post_version(post, settings.owner_id, now, &versions);
  }
  net::HttpRequest req;
  req.url = settings.api_base + "/" + net::UrlEscape(q.of) + (replies ? "/replies" : "/comments") +
            "?fields=" + net::UrlEscape(replies ? edge.reply_fields : edge.comment_fields) +
            "&limit=100";
  if (!revisit) {
    req.url += "&after=" + net::UrlEscape(q.after);
  } else if (edge.newest_first) {
    req.url += std::string("&order=") + edge.newest_first;
  }
  req.headers.push_back({"Authorization", "Bearer " + token});
  auto resp = ctx.http.Get(req);
  if (!resp.ok()) return Status(resp.status().code(), Scrub(resp.status().message(), token));
  // The post was deleted (or hidden) meanwhile: there is nothing more to read there.
  if (deleted(*resp)) return skip_deleted();
  if (resp->status != 200) return GraphError(edge, *resp, token, now, retry_at);
  json body = json::parse(resp->body, nullptr, false);
  if (!body.is_object() || !Obj(body, "data").is_array())
    return InvalidArgument(std::string(edge.service) + " answered a comments page with malformed " +
                           "JSON or no data (" + std::to_string(resp->body.size()) +
                           " bytes); nothing stored");
  pull::Page page;
  page.read = static_cast<int>(versions.size());
  page.mentions = std::move(versions);
  for (const json& c : body["data"]) {
    ++page.read;
    if (replies) {
      edge.reply_to_mentions(c, q.of, now, &page.mentions);
    } else {
      edge.comment_to_mentions(c, q.of, now, &page.mentions);
    }
  }
  if (!replies) NoteActive(edge, q.of, body["data"], now, &cur);
  // A Facebook revisit reads the newest page only: older comments were read before. Instagram
  // lists in no chosen order, and an edit may be anywhere: its revisits read every page.
  if (std::string next = NextAfter(Obj(body, "paging"), q.after);
      !next.empty() && (!revisit || !edge.newest_first)) {
    q.after = next;
  } else {
    cur.comments.erase(cur.comments.begin());
  }
  // After the last use of `q` (queueing may move the queue's entries).
  if (!replies) QueueReplies(edge, ctx, body["data"], &cur);
  page.more = !cur.comments.empty() || !cur.after.empty();
  page.cursor = WriteCursor(cur);
  return page;
}

Result<pull::Page> GraphNext(const Edge& edge, const pull::GraphSettings& settings,
                             const pull::RunContext& ctx, const std::string& cursor,
                             std::optional<UnixMillis>* retry_at) {
  const std::string token = pull::Credential(ctx.credentials, "access_token");
  if (token.empty()) return FailedPrecondition("credentials.access_token is not set");
  const UnixMillis now = ctx.clock.Now();

  Cursor cur = ReadCursor(cursor);
  // Comments cut off from posts already stored come first: the checkpoint holds where each
  // stopped, so a restart resumes mid-post.
  if (!cur.comments.empty()) return CommentsNext(edge, settings, ctx, token, cur, retry_at);
  net::HttpRequest req;
  req.url = settings.api_base + "/" + settings.owner_id + edge.path +
            "?fields=" + net::UrlEscape(edge.fields) + "&limit=" + std::to_string(settings.limit);
  if (cur.since) req.url += "&since=" + std::to_string(cur.since);
  if (!cur.after.empty()) req.url += "&after=" + net::UrlEscape(cur.after);
  req.headers.push_back({"Authorization", "Bearer " + token});
  auto resp = ctx.http.Get(req);
  if (!resp.ok()) return Status(resp.status().code(), Scrub(resp.status().message(), token));
  if (resp->status != 200) return GraphError(edge, *resp, token, now, retry_at);
  json body = json::parse(resp->body, nullptr, false);
  if (!body.is_object() || !Obj(body, "data").is_array())
    return InvalidArgument(std::string(edge.service) +
                           " answered with malformed JSON or no data (" +
                           std::to_string(resp->body.size()) + " bytes); nothing stored");
  pull::Page page;
  std::int64_t newest = cur.sweep_newest;
  for (const json& post : body["data"]) {
    ++page.read;
    auto at = GraphTime(Str(post, edge.time_key));
    if (at && cur.since && *at / 1000 <= cur.since) continue;  // stored by an earlier sweep
    if (at) newest = std::max<std::int64_t>(newest, *at / 1000);
    for (auto& m : edge.to_mentions(post, settings.owner_id, now))
      page.mentions.push_back(std::move(m));
    NoteActive(edge, Str(post, "id"), Obj(Obj(post, "comments"), "data"), now, &cur);
    // More comments (or, on Instagram, replies) than the embedded first page: queue the rest for
    // the following calls.
    QueueMore(ctx, Str(post, "id"), Obj(post, "comments"), false, &cur);
    QueueReplies(edge, ctx, Obj(Obj(post, "comments"), "data"), &cur);
  }
  const json& paging = Obj(body, "paging");
  const std::string after = NextAfter(paging, cur.after);
  if (after.empty()) {
    cur.since = std::max(cur.since, newest);
    cur.sweep_newest = 0;
    cur.after.clear();
    QueueRevisits(now, &cur);
  } else {
    cur.sweep_newest = newest;
    cur.after = after;
    page.more = true;
  }
  page.more = page.more || !cur.comments.empty();
  page.cursor = WriteCursor(cur);
  return page;
}

}  // namespace

Result<pull::Page> PageFeed::Next(const pull::RunContext& ctx, const std::string& cursor,
                                  std::optional<UnixMillis>* retry_at) {
  static constexpr Edge kFeed{
      "Facebook",
      "/feed",
      "id,message,created_time,permalink_url,from,comments.limit(100)"
      "{id,message,created_time,from,parent,permalink_url,like_count,comment_count}",
      "created_time",
      &PageFeed::ToMentions,
      "id,message,created_time,from,parent,permalink_url,like_count,comment_count",
      &PageFeed::CommentToMentions,
      "reverse_chronological",
      nullptr,
      nullptr,
      "id,message,created_time,updated_time,permalink_url,from",
      &PageFeed::PostVersion};
  json settings = json::parse(ctx.connector.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::GraphSettings s, pull::ParseFacebookPageSettings(settings));
  return GraphNext(kFeed, s, ctx, cursor, retry_at);
}

Result<pull::Page> InstagramMedia::Next(const pull::RunContext& ctx, const std::string& cursor,
                                        std::optional<UnixMillis>* retry_at) {
  static constexpr Edge kMedia{
      "Instagram",
      "/media",
      "id,caption,timestamp,permalink,username,like_count,comments_count,comments.limit(50)"
      "{id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}}",
      "timestamp",
      &InstagramMedia::ToMentions,
      "id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}",
      &InstagramMedia::CommentToMentions,
      nullptr,
      "id,text,timestamp,username,like_count",
      &InstagramMedia::ReplyToMentions,
      "id,caption,timestamp,permalink,username,like_count,comments_count",
      &InstagramMedia::PostVersion};
  json settings = json::parse(ctx.connector.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::GraphSettings s, pull::ParseInstagramMediaSettings(settings));
  return GraphNext(kMedia, s, ctx, cursor, retry_at);
}

}  // namespace humas::connectors::meta
