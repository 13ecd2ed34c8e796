// Telegram sendMessage over libcurl.
#include "connectors/telegram/send.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "connectors/reply/http.h"

namespace humas::telegram {
namespace {

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
  // Never put the URL (it holds the token) into an error message: PostJson does not.
  HUMAS_ASSIGN_OR_RETURN(
      connectors::net::HttpResponse answer,
      connectors::reply::PostJson("Telegram", o.api_base + "/bot" + o.bot_token + "/sendMessage",
                                  {}, body, o.timeout_ms));
  const std::string& response = answer.body;
  const long status = answer.status;
  nlohmann::json j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Unavailable("Telegram answered HTTP " + std::to_string(status) + " without JSON");
  if (!j.value("ok", false)) {
    std::string why = "Telegram refused the message (HTTP " + std::to_string(status) +
                      "): " + j.value("description", std::string("no description"));
    if (status == 401 || status == 403) return PermissionDenied(why);
    if (status == 400) return InvalidArgument(why);
    if (status == 404) return NotFound(why);
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
