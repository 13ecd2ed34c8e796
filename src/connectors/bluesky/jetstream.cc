// Jetstream settings, subscribe URL and event decoding.
#include "connectors/bluesky/jetstream.h"

#include <algorithm>
#include <regex>

#include "connectors/net/http_client.h"

namespace humas::connectors::bluesky {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxKeywords = 200;
constexpr size_t kMaxDids = 10'000;  // Jetstream's limit for wantedDids
constexpr size_t kMaxHandles = 100'000;
constexpr UnixMillis kFutureSlackMs = 5 * 60 * 1000;

Status Bad(const std::string& what) { return InvalidArgument(what).WithField("settings"); }

std::string Str(const json& j, const char* k) {
  if (!j.is_object()) return "";
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& Obj(const json& j, const char* k) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(k);
  return it != j.end() && it->is_object() ? *it : kNull;
}

std::string Fold(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

Status ReadList(const json& s, const char* key, size_t max_items, size_t max_len,
                const std::regex* pattern, const char* what, std::vector<std::string>* out) {
  auto it = s.find(key);
  if (it == s.end() || it->is_null()) return Status::Ok();
  std::vector<std::string> items;
  if (it->is_string()) {  // web forms send one item per line or comma-separated
    std::string text = it->get<std::string>();
    std::string cur;
    for (char c : text + "\n") {
      if (c == '\n' || c == ',' || c == '\r') {
        auto b = cur.find_first_not_of(" \t");
        auto e = cur.find_last_not_of(" \t");
        if (b != std::string::npos) items.push_back(cur.substr(b, e - b + 1));
        cur.clear();
      } else {
        cur += c;
      }
    }
  } else if (it->is_array()) {
    for (const json& v : *it) {
      if (!v.is_string()) return Bad(std::string("settings.") + key + " must list strings");
      std::string t = v.get<std::string>();
      auto b = t.find_first_not_of(" \t\r\n");
      auto e = t.find_last_not_of(" \t\r\n");
      if (b != std::string::npos) items.push_back(t.substr(b, e - b + 1));
    }
  } else {
    return Bad(std::string("settings.") + key + " must be a list of strings");
  }
  if (items.size() > max_items)
    return Bad(std::string("settings.") + key + " has more than " + std::to_string(max_items) +
               " items");
  for (const std::string& t : items) {
    if (t.size() > max_len || (pattern && !std::regex_match(t, *pattern)))
      return Bad(std::string("settings.") + key + ": '" + t.substr(0, 80) + "' is not " + what);
  }
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  *out = std::move(items);
  return Status::Ok();
}

}  // namespace

Result<JetstreamSettings> ParseSettings(const json& s) {
  if (!s.is_object()) return Bad("settings must be a JSON object");
  for (const auto& [k, v] : s.items()) {
    if (k != "jetstream_url" && k != "keywords" && k != "wanted_dids" && k != "langs" &&
        k != "service")
      return Bad("settings." + k + " is not a known setting");
  }
  JetstreamSettings out;
  static const std::regex kWs(R"(^wss?://[^\s/$.?#][^\s?#]*$)", std::regex::icase);
  static const std::regex kHttp(R"(^https?://[^\s/$.?#][^\s?#]*$)", std::regex::icase);
  for (const char* key : {"jetstream_url", "service"}) {
    auto it = s.find(key);
    if (it == s.end() || it->is_null()) continue;
    bool ws = std::string_view(key) == "jetstream_url";
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 500 ||
        !std::regex_match(it->get<std::string>(), ws ? kWs : kHttp))
      return Bad(std::string("settings.") + key + " must be a web address starting with " +
                 (ws ? "wss:// or ws://" : "http(s)://") + " (no query)");
    (ws ? out.jetstream_url : out.service) = it->get<std::string>();
  }
  HUMAS_RETURN_IF_ERROR(
      ReadList(s, "keywords", kMaxKeywords, 200, nullptr, "a keyword", &out.keywords));
  static const std::regex kDid(R"(^did:(plc|web):[A-Za-z0-9._:%-]{1,2000}$)");
  HUMAS_RETURN_IF_ERROR(ReadList(s, "wanted_dids", kMaxDids, 2048, &kDid,
                                 "an account DID (did:plc:… or did:web:…)", &out.wanted_dids));
  static const std::regex kLang(R"(^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$)");
  HUMAS_RETURN_IF_ERROR(
      ReadList(s, "langs", 50, 35, &kLang, "a language tag such as id or en", &out.langs));
  for (std::string& l : out.langs) l = Fold(l);
  return out;
}

std::string SubscribeUrl(const JetstreamSettings& s, std::optional<std::int64_t> cursor_us) {
  std::string url = s.jetstream_url + "?wantedCollections=" + kPostCollection;
  for (const std::string& did : s.wanted_dids) url += "&wantedDids=" + net::UrlEscape(did);
  if (cursor_us && *cursor_us > 0) url += "&cursor=" + std::to_string(*cursor_us);
  return url;
}

Decoder::Decoder(JetstreamSettings settings) : settings_(std::move(settings)) {
  for (const std::string& k : settings_.keywords) folded_keywords_.push_back(Fold(k));
}

std::optional<MentionInput> Decoder::ToMention(const std::string& did, const std::string& rkey,
                                               const json& record, std::int64_t time_us,
                                               UnixMillis now) const {
  if (did.empty() || rkey.empty() || !record.is_object()) return std::nullopt;
  MentionInput m;
  m.platform = Platform::kBluesky;
  m.external_id = "at://" + did + "/" + kPostCollection + "/" + rkey;
  m.url = "https://bsky.app/profile/" + did + "/post/" + rkey;
  auto handle = handles_.find(did);
  m.author_handle = handle != handles_.end() ? handle->second : did;
  m.text = Str(record, "text").substr(0, 10000);
  const UnixMillis event_ms = time_us > 0 ? time_us / 1000 : now;
  auto created = ParseRfc3339(Str(record, "createdAt"));
  m.created_at =
      created.ok() && *created <= now + kFutureSlackMs && *created > 0 ? *created : event_ms;
  if (std::string parent = Str(Obj(Obj(record, "reply"), "parent"), "uri"); !parent.empty()) {
    m.in_reply_to = parent;
    m.kind = MentionKind::kReply;
  }
  const json& embed = Obj(record, "embed");
  std::string type = Str(embed, "$type");
  std::string quoted;
  if (type == "app.bsky.embed.record") quoted = Str(Obj(embed, "record"), "uri");
  if (type == "app.bsky.embed.recordWithMedia")
    quoted = Str(Obj(Obj(embed, "record"), "record"), "uri");
  if (!quoted.empty()) {
    m.shared_from = quoted;
    if (m.kind == MentionKind::kPost) m.kind = MentionKind::kShare;
  }
  if (m.text.empty()) return std::nullopt;  // an image-only post: nothing to read or match
  return m;
}

bool Decoder::Wanted(const MentionInput& m, const json& record) const {
  if (!settings_.langs.empty()) {
    bool any = false;
    auto it = record.find("langs");
    if (it != record.end() && it->is_array()) {
      for (const json& l : *it) {
        if (!l.is_string()) continue;
        std::string tag = Fold(l.get<std::string>());
        std::string primary = tag.substr(0, tag.find('-'));
        for (const std::string& want : settings_.langs) any = any || want == tag || want == primary;
      }
    }
    if (!any) return false;
  }
  if (folded_keywords_.empty()) return true;
  std::string text = Fold(m.text);
  for (const std::string& k : folded_keywords_)
    if (text.find(k) != std::string::npos) return true;
  return false;
}

Result<Event> Decoder::Decode(std::string_view frame, UnixMillis now) {
  json j = json::parse(frame, nullptr, false);
  if (!j.is_object())
    return InvalidArgument("not a Jetstream JSON object (" + std::to_string(frame.size()) +
                           " bytes)");
  Event e;
  if (auto it = j.find("time_us"); it != j.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
      return InvalidArgument("time_us is not a positive integer");
    e.time_us = it->get<std::int64_t>();
  }
  const std::string kind = Str(j, "kind");
  const std::string did = Str(j, "did");
  if (kind == "identity") {
    const json& id = Obj(j, "identity");
    std::string handle = Str(id, "handle");
    if (!did.empty() && !handle.empty()) {
      if (handles_.size() >= kMaxHandles) handles_.clear();
      handles_[did] = handle;
    }
    return e;
  }
  if (kind != "commit") return e;  // account events and kinds added later: only the cursor moves
  const json& commit = Obj(j, "commit");
  if (commit.is_null()) return InvalidArgument("a commit event without its commit object");
  const std::string op = Str(commit, "operation");
  if (Str(commit, "collection") != kPostCollection || (op != "create" && op != "update")) return e;
  const json& record = Obj(commit, "record");
  auto m = ToMention(did, Str(commit, "rkey"), record, e.time_us, now);
  if (!m) return e;
  if (!Wanted(*m, record)) {
    e.filtered_out = true;
    return e;
  }
  e.post = std::move(m);
  return e;
}

}  // namespace humas::connectors::bluesky
