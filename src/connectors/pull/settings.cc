// Settings parsing for the pull connectors.
#include "connectors/pull/settings.h"

#include <initializer_list>
#include <optional>
#include <regex>

namespace humas::connectors::pull {
namespace {

using json = nlohmann::json;

Status Bad(const std::string& what) { return InvalidArgument(what).WithField("settings"); }

Status CheckKeys(const json& s, std::initializer_list<const char*> allowed) {
  if (!s.is_object()) return Bad("settings must be a JSON object");
  for (const auto& [k, v] : s.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) return Bad("settings." + k + " is not a known setting");
  }
  return Status::Ok();
}

Status ReadText(const json& s, const char* key, std::string* out, bool required, size_t max) {
  auto it = s.find(key);
  if (it == s.end() || it->is_null()) {
    if (required) return Bad(std::string("settings.") + key + " is required");
    return Status::Ok();
  }
  if (!it->is_string()) return Bad(std::string("settings.") + key + " must be a string");
  std::string v = it->get<std::string>();
  if (v.empty() && required) return Bad(std::string("settings.") + key + " is required");
  if (v.size() > max)
    return Bad(std::string("settings.") + key + " is longer than " + std::to_string(max));
  *out = v;
  return Status::Ok();
}

//! An integer setting; a string of digits is accepted too (web forms send text).
Status ReadRange(const json& s, const char* key, int* out, int lo, int hi) {
  auto it = s.find(key);
  if (it == s.end() || it->is_null()) return Status::Ok();
  std::optional<std::int64_t> v;
  if (it->is_number_integer()) {
    v = it->get<std::int64_t>();
  } else if (it->is_string()) {
    const std::string& t = it->get_ref<const std::string&>();
    if (!t.empty() && t.size() <= 9 && t.find_first_not_of("0123456789") == std::string::npos)
      v = std::stoll(t);
  }
  if (!v || *v < lo || *v > hi)
    return Bad(std::string("settings.") + key + " must be an integer from " + std::to_string(lo) +
               " to " + std::to_string(hi));
  *out = static_cast<int>(*v);
  return Status::Ok();
}

//! A boolean setting; "true"/"false" are accepted too (web forms send text).
Status ReadFlag(const json& s, const char* key, bool* out) {
  auto it = s.find(key);
  if (it == s.end() || it->is_null()) return Status::Ok();
  if (it->is_boolean()) {
    *out = it->get<bool>();
  } else if (it->is_string() && (*it == "true" || *it == "false")) {
    *out = *it == "true";
  } else {
    return Bad(std::string("settings.") + key + " must be true or false");
  }
  return Status::Ok();
}

Status ReadBaseUrl(const json& s, const char* key, std::string* out, bool required) {
  HUMAS_RETURN_IF_ERROR(ReadText(s, key, out, required, 500));
  static const std::regex kUrl(R"(^https?://[^\s/$.?#][^\s?#]*$)", std::regex::icase);
  if (!std::regex_match(*out, kUrl))
    return Bad(std::string("settings.") + key +
               " must be a web address starting with http(s):// (no query)");
  while (!out->empty() && out->back() == '/') out->pop_back();
  return Status::Ok();
}

}  // namespace

Result<XSearchSettings> ParseXSearchSettings(const json& s) {
  HUMAS_RETURN_IF_ERROR(CheckKeys(s, {"query", "max_results", "api_base"}));
  XSearchSettings x;
  HUMAS_RETURN_IF_ERROR(ReadText(s, "query", &x.query, true, 512));
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "max_results", &x.max_results, 10, 100));
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "api_base", &x.api_base, false));
  return x;
}

bool IsXStream(const json& s) {
  if (!s.is_object() || !s.contains("stream")) return false;
  const json& v = s["stream"];
  return v == true || v == "true";
}

Result<XStreamSettings> ParseXStreamSettings(const json& s) {
  HUMAS_RETURN_IF_ERROR(CheckKeys(
      s, {"stream", "rules", "max_rules", "max_rule_length", "backfill_minutes", "api_base"}));
  if (!IsXStream(s)) return Bad("settings.stream must be true for the X filtered stream");
  XStreamSettings x;
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "max_rules", &x.max_rules, 1, 1000));
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "max_rule_length", &x.max_rule_length, 1, 4096));
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "backfill_minutes", &x.backfill_minutes, 0, 5));
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "api_base", &x.api_base, false));
  if (s.contains("rules") && !s["rules"].is_null()) {
    if (!s["rules"].is_array()) return Bad("settings.rules must be a list of X rules");
    for (const json& r : s["rules"]) {
      if (!r.is_string() || r.get<std::string>().empty())
        return Bad("settings.rules must be a list of non-empty X rules");
      std::string v = r.get<std::string>();
      if (v.size() > static_cast<size_t>(x.max_rule_length))
        return Bad("settings.rules: '" + v.substr(0, 60) + "' is longer than " +
                   std::to_string(x.max_rule_length) + " characters");
      x.rules.push_back(std::move(v));
    }
    if (x.rules.size() > static_cast<size_t>(x.max_rules))
      return Bad("settings.rules has " + std::to_string(x.rules.size()) +
                 " rules; the plan allows " + std::to_string(x.max_rules));
  }
  return x;
}

Result<TelegramSettings> ParseTelegramSettings(const json& s) {
  HUMAS_RETURN_IF_ERROR(CheckKeys(s, {"api_base", "limit"}));
  TelegramSettings t;
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "api_base", &t.api_base, false));
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "limit", &t.limit, 1, 100));
  return t;
}

Result<MastodonSettings> ParseMastodonSettings(const json& s) {
  HUMAS_RETURN_IF_ERROR(
      CheckKeys(s, {"instance_url", "hashtag", "account_id", "local", "limit", "stream"}));
  MastodonSettings m;
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "instance_url", &m.instance_url, true));
  HUMAS_RETURN_IF_ERROR(ReadText(s, "hashtag", &m.hashtag, false, 100));
  HUMAS_RETURN_IF_ERROR(ReadText(s, "account_id", &m.account_id, false, 40));
  HUMAS_RETURN_IF_ERROR(ReadFlag(s, "local", &m.local));
  HUMAS_RETURN_IF_ERROR(ReadFlag(s, "stream", &m.stream));
  if (!m.hashtag.empty() && m.hashtag[0] == '#') m.hashtag.erase(0, 1);
  if (!m.hashtag.empty() + !m.account_id.empty() + m.local != 1)
    return Bad(
        "exactly one of settings.hashtag, settings.account_id and settings.local is required");
  if (m.stream && !m.account_id.empty())
    return Bad(
        "settings.stream needs a hashtag or the local timeline (Mastodon has no public "
        "stream of one account)");
  static const std::regex kTag(R"(^[\w\x80-\xff]+$)");
  if (!m.hashtag.empty() && !std::regex_match(m.hashtag, kTag))
    return Bad("settings.hashtag must be letters, digits and '_' only");
  static const std::regex kId(R"(^[0-9A-Za-z]+$)");
  if (!m.account_id.empty() && !std::regex_match(m.account_id, kId))
    return Bad("settings.account_id must be the account's id (letters and digits)");
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "limit", &m.limit, 1, 40));
  return m;
}

Result<YoutubeSettings> ParseYoutubeSettings(const json& s) {
  HUMAS_RETURN_IF_ERROR(
      CheckKeys(s, {"video_id", "channel_id", "max_results", "daily_quota_units", "api_base"}));
  YoutubeSettings y;
  HUMAS_RETURN_IF_ERROR(ReadText(s, "video_id", &y.video_id, false, 64));
  HUMAS_RETURN_IF_ERROR(ReadText(s, "channel_id", &y.channel_id, false, 64));
  if (y.video_id.empty() == y.channel_id.empty())
    return Bad("exactly one of settings.video_id and settings.channel_id is required");
  static const std::regex kId(R"(^[A-Za-z0-9_-]+$)");
  if (!y.video_id.empty() && !std::regex_match(y.video_id, kId))
    return Bad("settings.video_id must be a YouTube video id (letters, digits, '-', '_')");
  if (!y.channel_id.empty() && !std::regex_match(y.channel_id, kId))
    return Bad("settings.channel_id must be a YouTube channel id (letters, digits, '-', '_')");
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "max_results", &y.max_results, 1, 100));
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "daily_quota_units", &y.daily_quota_units, 1, 1'000'000));
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "api_base", &y.api_base, false));
  return y;
}

namespace {

Result<GraphSettings> ParseGraphSettings(const json& s, const char* id_key, const char* what) {
  HUMAS_RETURN_IF_ERROR(CheckKeys(s, {id_key, "limit", "api_base"}));
  GraphSettings g;
  HUMAS_RETURN_IF_ERROR(ReadText(s, id_key, &g.owner_id, true, 30));
  if (g.owner_id.find_first_not_of("0123456789") != std::string::npos)
    return Bad(std::string("settings.") + id_key + " must be " + what + " (digits only)");
  HUMAS_RETURN_IF_ERROR(ReadRange(s, "limit", &g.limit, 1, 100));
  HUMAS_RETURN_IF_ERROR(ReadBaseUrl(s, "api_base", &g.api_base, false));
  return g;
}

}  // namespace

Result<GraphSettings> ParseFacebookPageSettings(const json& s) {
  return ParseGraphSettings(s, "page_id", "the Page's numeric id");
}

Result<GraphSettings> ParseInstagramMediaSettings(const json& s) {
  return ParseGraphSettings(s, "ig_user_id", "the Instagram account's numeric id");
}

bool HasPullConnector(Platform p) {
  return p == Platform::kX || p == Platform::kTelegram || p == Platform::kMastodon ||
         p == Platform::kYoutube || p == Platform::kFacebook || p == Platform::kInstagram;
}

bool IsPulled(Platform p, const json& settings) {
  if (p == Platform::kFacebook) return settings.is_object() && settings.contains("page_id");
  if (p == Platform::kInstagram) return settings.is_object() && settings.contains("ig_user_id");
  if (p == Platform::kX && IsXStream(settings)) return false;  // streamed (connectors/x/stream.h)
  return HasPullConnector(p);
}

Status ValidatePullSettings(Platform p, const json& settings) {
  switch (p) {
    case Platform::kX:
      if (IsXStream(settings)) return ParseXStreamSettings(settings).status();
      return ParseXSearchSettings(settings).status();
    case Platform::kTelegram:
      return ParseTelegramSettings(settings).status();
    case Platform::kMastodon:
      return ParseMastodonSettings(settings).status();
    case Platform::kYoutube:
      return ParseYoutubeSettings(settings).status();
    case Platform::kFacebook:
      return ParseFacebookPageSettings(settings).status();
    case Platform::kInstagram:
      return ParseInstagramMediaSettings(settings).status();
    default:
      return Status::Ok();
  }
}

std::string Credential(const std::string& credentials_json, const char* name) {
  json c = json::parse(credentials_json, nullptr, false);
  if (!c.is_object()) return "";
  auto it = c.find(name);
  return it != c.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace humas::connectors::pull
