// Telegram sendMessage over libcurl.
#include "connectors/telegram/send.h"

#include <curl/curl.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace humas::telegram {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

bool ParseInt(std::string_view s, std::int64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

Status ParseMessageRef(const std::string& id, std::int64_t* chat_id, std::int64_t* message_id) {
  size_t colon = id.rfind(':');
  if (colon == std::string::npos || !ParseInt(std::string_view(id).substr(0, colon), chat_id) ||
      !ParseInt(std::string_view(id).substr(colon + 1), message_id))
    return InvalidArgument("the Telegram message id '" + id +
                           "' is not '<chat_id>:<message_id>'; humas cannot tell which chat to "
                           "answer");
  return Status::Ok();
}

Result<SentMessage> SendMessage(const BotOptions& o, std::int64_t chat_id, const std::string& text,
                                std::int64_t reply_to) {
  if (o.bot_token.empty()) return FailedPrecondition("no Telegram bot token is configured");
  nlohmann::json body = {{"chat_id", chat_id}, {"text", text}};
  if (reply_to > 0)
    body["reply_parameters"] = {{"message_id", reply_to}, {"allow_sending_without_reply", true}};
  std::string payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string url = o.api_base + "/bot" + o.bot_token + "/sendMessage";
  CURL* curl = curl_easy_init();
  if (!curl) return Internal("libcurl failed to initialise");
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  // Never put the URL (it holds the token) into an error message.
  if (rc != CURLE_OK)
    return Unavailable(std::string("Telegram could not be reached: ") + curl_easy_strerror(rc));
  nlohmann::json j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Unavailable("Telegram answered HTTP " + std::to_string(status) + " without JSON");
  if (!j.value("ok", false)) {
    std::string why = "Telegram refused the message (HTTP " + std::to_string(status) +
                      "): " + j.value("description", std::string("no description"));
    if (status == 401 || status == 403) return PermissionDenied(why);
    if (status == 400) return InvalidArgument(why);
    return Unavailable(why);
  }
  const nlohmann::json& m = j["result"];
  if (!m.is_object() || !m.contains("message_id") || !m["message_id"].is_number_integer())
    return Unavailable("Telegram's answer has no message_id");
  SentMessage out;
  out.message_id = m["message_id"].get<std::int64_t>();
  if (m.contains("chat") && m["chat"].is_object()) {
    out.chat_id = m["chat"].value("id", chat_id);
    out.chat_username = m["chat"].value("username", std::string());
    if (m["chat"].value("type", std::string()) != "private" && !out.chat_username.empty())
      out.url = "https://t.me/" + out.chat_username + "/" + std::to_string(out.message_id);
  }
  return out;
}

}  // namespace humas::telegram
