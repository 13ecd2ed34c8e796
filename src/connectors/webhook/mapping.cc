// Platform payloads → MentionInput. Tolerant of unknown and missing optional fields; strict about
// the envelope (a body that is not the platform's shape is refused before anything is stored).
#include "connectors/webhook/mapping.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "connectors/file/import.h"

namespace humas::webhook {
namespace {

using json = nlohmann::json;

//! A string or integer field as text ("" when absent or another type).
std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  return "";
}

const json& Obj(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

//! Seconds since the epoch given as a number or a numeric string; 0 when absent/invalid.
UnixMillis Seconds(const json& j, const char* key) {
  const json& v = Obj(j, key);
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<std::int64_t>() * 1000;
  if (v.is_string()) {
    try {
      size_t pos = 0;
      long long s = std::stoll(v.get<std::string>(), &pos);
      if (pos == v.get<std::string>().size()) return s * 1000;
    } catch (const std::exception&) {
    }
  }
  return 0;
}

Status Bad(Source s, const std::string& what) {
  return InvalidArgument(std::string(ToString(s)) + " payload: " + what);
}

// ---------------------------------------------------------------- Meta (Page, Instagram)

void MapMetaChange(const std::string& object, const json& entry, const json& change,
                   UnixMillis received_at, Mapped* out) {
  const std::string field = Str(change, "field");
  const json& v = Obj(change, "value");
  UnixMillis entry_time = Seconds(entry, "time");
  if (object == "page" && field == "feed") {
    const std::string item = Str(v, "item"), verb = Str(v, "verb");
    if (verb != "add" && verb != "edited") {
      out->ignored.push_back("page feed " + item + " " + verb);
      return;
    }
    const std::string text = Str(v, "message");
    if (text.empty()) {
      out->ignored.push_back("page feed " + item + " without text");
      return;
    }
    MentionInput m;
    m.platform = Platform::kFacebook;
    m.text = text;
    m.author_handle = Str(Obj(v, "from"), "id");
    m.author_name = Str(Obj(v, "from"), "name");
    m.created_at = Seconds(v, "created_time");
    if (!m.created_at) m.created_at = entry_time ? entry_time : received_at;
    // An edit notification: the change's time is when the new text was written.
    if (verb == "edited")
      m.edited_at = std::max(entry_time ? entry_time : received_at, m.created_at);
    const std::string post_id = Str(v, "post_id");
    if (item == "comment") {
      m.kind = MentionKind::kComment;
      m.external_id = Str(v, "comment_id");
      m.in_reply_to = Str(v, "parent_id");
      if (m.in_reply_to.empty()) m.in_reply_to = post_id;
      if (!post_id.empty() && !m.external_id.empty())
        m.url = "https://www.facebook.com/" + post_id + "?comment_id=" + m.external_id;
    } else {
      m.kind = MentionKind::kPost;
      m.external_id = post_id;
      if (!post_id.empty()) m.url = "https://www.facebook.com/" + post_id;
      m.shared_from = Str(v, "share_id");
    }
    if (m.external_id.empty() || m.author_handle.empty()) {
      out->ignored.push_back("page feed " + item + " without id or author");
      return;
    }
    out->mentions.push_back(std::move(m));
    return;
  }
  if (object == "instagram" && (field == "comments" || field == "live_comments")) {
    MentionInput m;
    m.platform = Platform::kInstagram;
    m.kind = MentionKind::kComment;
    m.external_id = Str(v, "id");
    m.text = Str(v, "text");
    m.author_handle = Str(Obj(v, "from"), "username");
    if (m.author_handle.empty()) m.author_handle = Str(Obj(v, "from"), "id");
    m.in_reply_to = Str(v, "parent_id");
    if (m.in_reply_to.empty()) m.in_reply_to = Str(Obj(v, "media"), "id");
    m.created_at = entry_time ? entry_time : received_at;
    if (m.external_id.empty() || m.text.empty() || m.author_handle.empty()) {
      out->ignored.push_back("instagram " + field + " without id, text or author");
      return;
    }
    out->mentions.push_back(std::move(m));
    return;
  }
  // Page `mention` notifications carry only ids (the text needs a Graph API pull, not done
  // here); user/photos and other fields are not mentions.
  out->ignored.push_back(object + " " + field);
}

Status MapMetaNotification(const json& n, UnixMillis received_at, Mapped* out) {
  if (!n.is_object()) return Bad(Source::kMeta, "a notification is not an object");
  const std::string object = Str(n, "object");
  const json& entries = Obj(n, "entry");
  if (object.empty() || !entries.is_array())
    return Bad(Source::kMeta, "expected {\"object\": ..., \"entry\": [...]}");
  for (const json& e : entries) {
    const json& changes = Obj(e, "changes");
    if (!changes.is_array()) {
      out->ignored.push_back(object + " entry without changes (messaging events)");
      continue;
    }
    for (const json& c : changes) MapMetaChange(object, e, c, received_at, out);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- WhatsApp

std::string WhatsappText(const json& msg) {
  const std::string type = Str(msg, "type");
  if (type == "text") return Str(Obj(msg, "text"), "body");
  if (type == "button") return Str(Obj(msg, "button"), "text");
  if (type == "interactive") {
    const json& i = Obj(msg, "interactive");
    for (const char* k : {"button_reply", "list_reply"})
      if (std::string t = Str(Obj(i, k), "title"); !t.empty()) return t;
    return "";
  }
  // Media with a caption: the caption is what the person wrote.
  return Str(Obj(msg, type.c_str()), "caption");
}

Status MapWhatsapp(const json& n, UnixMillis received_at, Mapped* out) {
  if (!n.is_object() || Str(n, "object") != "whatsapp_business_account" ||
      !Obj(n, "entry").is_array())
    return Bad(Source::kWhatsapp,
               "expected {\"object\": \"whatsapp_business_account\", \"entry\": [...]}");
  for (const json& e : Obj(n, "entry")) {
    const json& changes = Obj(e, "changes");
    if (!changes.is_array()) continue;
    for (const json& c : changes) {
      const json& v = Obj(c, "value");
      if (Str(c, "field") != "messages" || !Obj(v, "messages").is_array()) {
        out->ignored.push_back("whatsapp " + Str(c, "field") +
                               (Obj(v, "statuses").is_array() ? " statuses" : ""));
        continue;
      }
      std::map<std::string, std::string> names;  // wa_id → profile name
      if (Obj(v, "contacts").is_array())
        for (const json& ct : Obj(v, "contacts"))
          names[Str(ct, "wa_id")] = Str(Obj(ct, "profile"), "name");
      for (const json& msg : Obj(v, "messages")) {
        MentionInput m;
        m.platform = Platform::kWhatsapp;
        m.kind = MentionKind::kMessage;
        m.external_id = Str(msg, "id");
        m.author_handle = Str(msg, "from");
        m.author_name = names[m.author_handle];
        m.text = WhatsappText(msg);
        m.created_at = Seconds(msg, "timestamp");
        if (!m.created_at) m.created_at = received_at;
        const json& ctx = Obj(msg, "context");
        if (!Obj(ctx, "forwarded").is_boolean() || !Obj(ctx, "forwarded").get<bool>())
          m.in_reply_to = Str(ctx, "id");
        if (!m.in_reply_to.empty()) m.kind = MentionKind::kReply;
        if (m.external_id.empty() || m.author_handle.empty() || m.text.empty()) {
          out->ignored.push_back("whatsapp " + Str(msg, "type") + " message without text");
          continue;
        }
        out->mentions.push_back(std::move(m));
      }
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- Telegram

std::string ChatKey(const json& chat, const json& message_id) {
  std::string id = Str(chat, "id");
  std::string mid = message_id.is_number()   ? std::to_string(message_id.get<std::int64_t>())
                    : message_id.is_string() ? message_id.get<std::string>()
                                             : "";
  return id.empty() || mid.empty() ? "" : id + ":" + mid;
}

Status MapTelegram(const json& u, UnixMillis received_at, Mapped* out) {
  if (!u.is_object() || !Obj(u, "update_id").is_number_integer())
    return Bad(Source::kTelegram, "expected an Update object with an integer update_id");
  out->event_id = Str(u, "update_id");
  for (const char* kind : {"message", "edited_message", "channel_post", "edited_channel_post"}) {
    const json& msg = Obj(u, kind);
    if (!msg.is_object()) continue;
    const json& chat = Obj(msg, "chat");
    MentionInput m;
    m.platform = Platform::kTelegram;
    m.external_id = ChatKey(chat, Obj(msg, "message_id"));
    m.text = Str(msg, "text");
    if (m.text.empty()) m.text = Str(msg, "caption");
    const json& from = Obj(msg, "from").is_object() ? Obj(msg, "from") : Obj(msg, "sender_chat");
    const json& author = from.is_object() ? from : chat;
    m.author_handle = Str(author, "username");
    if (m.author_handle.empty()) m.author_handle = Str(author, "id");
    std::string name = Str(author, "first_name");
    if (std::string last = Str(author, "last_name"); !last.empty())
      name += (name.empty() ? "" : " ") + last;
    m.author_name = name.empty() ? Str(author, "title") : name;
    m.created_at = Seconds(msg, "date");
    if (!m.created_at) m.created_at = received_at;
    // edited_message / edited_channel_post: the new text, written at edit_date.
    if (std::string_view(kind).starts_with("edited_")) {
      m.edited_at = Seconds(msg, "edit_date");
      if (!m.edited_at) m.edited_at = std::max(received_at, m.created_at + 1);
    }
    const std::string chat_type = Str(chat, "type");
    m.kind = chat_type == "channel"                        ? MentionKind::kPost
             : chat_type == "private" || chat_type.empty() ? MentionKind::kMessage
                                                           : MentionKind::kPost;
    if (const json& r = Obj(msg, "reply_to_message"); r.is_object()) {
      m.in_reply_to =
          ChatKey(Obj(r, "chat").is_object() ? Obj(r, "chat") : chat, Obj(r, "message_id"));
      m.kind = MentionKind::kReply;
    }
    // A forward keeps the original's id only when it came from a chat (old and new fields).
    if (const json& fc = Obj(msg, "forward_from_chat"); fc.is_object())
      m.shared_from = ChatKey(fc, Obj(msg, "forward_from_message_id"));
    if (const json& fo = Obj(msg, "forward_origin"); fo.is_object() && Obj(fo, "chat").is_object())
      m.shared_from = ChatKey(Obj(fo, "chat"), Obj(fo, "message_id"));
    if (!m.shared_from.empty()) m.kind = MentionKind::kShare;
    const std::string username = Str(chat, "username");
    if ((chat_type == "channel" || chat_type == "supergroup") && !username.empty())
      m.url = "https://t.me/" + username + "/" + Str(msg, "message_id");
    if (m.external_id.empty() || m.text.empty() || m.author_handle.empty()) {
      out->ignored.push_back(std::string("telegram ") + kind + " without text");
      continue;
    }
    out->mentions.push_back(std::move(m));
  }
  if (out->mentions.empty() && out->ignored.empty()) out->ignored.push_back("telegram update");
  return Status::Ok();
}

// ---------------------------------------------------------------- X

//! v1.1 time "Wed Oct 10 20:19:24 +0000 2018" → millis (0 when unreadable).
UnixMillis TwitterTime(const std::string& s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char mon[4] = {0};
  int day = 0, h = 0, mi = 0, sec = 0, year = 0;
  if (std::sscanf(s.c_str(), "%*3s %3s %d %d:%d:%d +0000 %d", mon, &day, &h, &mi, &sec, &year) != 6)
    return 0;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(mon) != kMonths[i]) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, i + 1, day, h, mi, sec);
    auto t = ParseRfc3339(buf);
    return t.ok() ? *t : 0;
  }
  return 0;
}

void AddTweet(MentionInput m, const std::string& note, Mapped* out) {
  if (m.external_id.empty() || m.text.empty() || m.author_handle.empty()) {
    out->ignored.push_back(note);
    return;
  }
  if (m.url.empty() && m.author_handle != "")
    m.url = "https://x.com/" + m.author_handle + "/status/" + m.external_id;
  out->mentions.push_back(std::move(m));
}

void MapTweetV1(const json& t, UnixMillis received_at, Mapped* out) {
  MentionInput m;
  m.platform = Platform::kX;
  m.external_id = Str(t, "id_str");
  m.text = Str(Obj(t, "extended_tweet"), "full_text");
  if (m.text.empty()) m.text = Str(t, "full_text");
  if (m.text.empty()) m.text = Str(t, "text");
  m.author_handle = Str(Obj(t, "user"), "screen_name");
  m.author_name = Str(Obj(t, "user"), "name");
  m.created_at = TwitterTime(Str(t, "created_at"));
  if (!m.created_at) m.created_at = received_at;
  m.in_reply_to = Str(t, "in_reply_to_status_id_str");
  if (!m.in_reply_to.empty()) m.kind = MentionKind::kReply;
  if (const json& rt = Obj(t, "retweeted_status"); rt.is_object()) {
    m.shared_from = Str(rt, "id_str");
    m.kind = MentionKind::kShare;
  } else if (std::string q = Str(t, "quoted_status_id_str"); !q.empty()) {
    m.shared_from = q;
    m.kind = MentionKind::kShare;
  }
  // An edit (v1.1 shape): edit_history.initial_tweet_id names the original it replaces.
  if (std::string initial = Str(Obj(t, "edit_history"), "initial_tweet_id");
      !initial.empty() && initial != m.external_id) {
    m.edited_at = m.created_at;
    m.created_at = TweetIdTime(initial, m.created_at);
    m.external_id = initial;
  }
  m.shares =
      Obj(t, "retweet_count").is_number_integer() ? Obj(t, "retweet_count").get<int64_t>() : 0;
  m.likes =
      Obj(t, "favorite_count").is_number_integer() ? Obj(t, "favorite_count").get<int64_t>() : 0;
  AddTweet(std::move(m), "x tweet without id, text or author", out);
}

void MapTweetV2(const json& t, const std::map<std::string, const json*>& users,
                UnixMillis received_at, Mapped* out) {
  MentionInput m;
  m.platform = Platform::kX;
  m.external_id = Str(t, "id");
  m.text = Str(Obj(t, "note_tweet"), "text");
  if (m.text.empty()) m.text = Str(t, "text");
  const std::string author_id = Str(t, "author_id");
  if (auto it = users.find(author_id); it != users.end()) {
    m.author_handle = Str(*it->second, "username");
    m.author_name = Str(*it->second, "name");
    const json& followers = Obj(Obj(*it->second, "public_metrics"), "followers_count");
    if (followers.is_number_integer()) m.author_followers = followers.get<std::int64_t>();
  }
  if (m.author_handle.empty()) m.author_handle = author_id;
  auto created = ParseRfc3339(Str(t, "created_at"));
  m.created_at = created.ok() ? *created : received_at;
  if (Obj(t, "referenced_tweets").is_array()) {
    for (const json& r : Obj(t, "referenced_tweets")) {
      const std::string type = Str(r, "type");
      if (type == "replied_to") {
        m.in_reply_to = Str(r, "id");
        m.kind = MentionKind::kReply;
      } else if (type == "retweeted" || type == "quoted") {
        m.shared_from = Str(r, "id");
        m.kind = MentionKind::kShare;
      }
    }
  }
  const json& pm = Obj(t, "public_metrics");
  auto count = [&pm](const char* k) {
    return Obj(pm, k).is_number_integer() ? Obj(pm, k).get<std::int64_t>() : 0;
  };
  m.shares = count("retweet_count") + count("quote_count");
  m.likes = count("like_count");
  m.replies = count("reply_count");
  // An edited tweet is a new tweet whose edit_history_tweet_ids starts with the original's id:
  // it is stored as a newer version of the original (written at its own created_at).
  if (const json& history = Obj(t, "edit_history_tweet_ids");
      history.is_array() && history.size() > 1 && history[0].is_string() &&
      history[0].get<std::string>() != m.external_id) {
    m.external_id = history[0].get<std::string>();
    m.edited_at = m.created_at;
    m.created_at = TweetIdTime(m.external_id, m.created_at);
  }
  if (author_id.empty()) m.author_handle.clear();  // no author at all: not a usable mention
  AddTweet(std::move(m), "x tweet without id, text or author", out);
}

Status MapX(const json& n, UnixMillis received_at, Mapped* out) {
  if (!n.is_object()) return Bad(Source::kX, "expected a JSON object");
  if (const json& events = Obj(n, "tweet_create_events"); events.is_array()) {
    for (const json& t : events) MapTweetV1(t, received_at, out);
    return Status::Ok();
  }
  if (const json& data = Obj(n, "data"); data.is_object() || data.is_array()) {
    std::map<std::string, const json*> users;
    if (Obj(Obj(n, "includes"), "users").is_array())
      for (const json& u : Obj(Obj(n, "includes"), "users")) users[Str(u, "id")] = &u;
    if (data.is_object()) {
      MapTweetV2(data, users, received_at, out);
    } else {
      for (const json& t : data) MapTweetV2(t, users, received_at, out);
    }
    return Status::Ok();
  }
  // Other Account Activity events (favorites, follows, DMs, deletes) are not mentions.
  for (const auto& [k, v] : n.items())
    if (k != "for_user_id" && k != "user_has_blocked") out->ignored.push_back("x " + k);
  if (out->ignored.empty()) return Bad(Source::kX, "no events in the payload");
  return Status::Ok();
}

// ---------------------------------------------------------------- Standard Webhooks

Status MapStandard(const json& n, Mapped* out) {
  if (!n.is_object() || !Obj(n, "type").is_string() || !Obj(n, "data").is_object())
    return Bad(Source::kStandard, "expected {\"type\": ..., \"timestamp\": ..., \"data\": {...}}");
  const std::string type = Str(n, "type");
  if (type != "mention.created") {
    out->ignored.push_back("standard " + type);
    return Status::Ok();
  }
  ImportOptions o;
  o.format = ImportFormat::kJsonl;
  auto parsed = ParseMentionImport(Obj(n, "data").dump(), o);
  if (!parsed.ok()) return Bad(Source::kStandard, parsed.status().message());
  if (!parsed->errors.empty())
    return Bad(Source::kStandard, "data: " + parsed->errors.front().reason);
  for (auto& m : parsed->mentions) out->mentions.push_back(std::move(m));
  return Status::Ok();
}

}  // namespace

std::string_view ToString(Source s) {
  switch (s) {
    case Source::kMeta:
      return "meta";
    case Source::kWhatsapp:
      return "whatsapp";
    case Source::kTelegram:
      return "telegram";
    case Source::kX:
      return "x";
    case Source::kStandard:
      return "standard";
  }
  return "meta";
}

Result<Mapped> MapPayload(Source source, std::string_view body, UnixMillis received_at) {
  json n = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (n.is_discarded()) return Bad(source, "the body is not valid JSON (malformed or truncated)");
  Mapped out;
  Status s;
  switch (source) {
    case Source::kMeta:
      if (n.is_array()) {
        for (const json& one : n) {
          s = MapMetaNotification(one, received_at, &out);
          if (!s.ok()) break;
        }
      } else {
        s = MapMetaNotification(n, received_at, &out);
      }
      break;
    case Source::kWhatsapp:
      s = MapWhatsapp(n, received_at, &out);
      break;
    case Source::kTelegram:
      s = MapTelegram(n, received_at, &out);
      break;
    case Source::kX:
      s = MapX(n, received_at, &out);
      break;
    case Source::kStandard:
      s = MapStandard(n, &out);
      break;
  }
  if (!s.ok()) return s;
  return out;
}

UnixMillis TweetIdTime(const std::string& id, UnixMillis fallback) {
  std::uint64_t v = std::strtoull(id.c_str(), nullptr, 10);
  return v == 0 ? fallback : static_cast<UnixMillis>(v >> 22) + 1288834974657;
}

}  // namespace humas::webhook
