// Mastodon status replies over libcurl.
#include "connectors/mastodon/post.h"

#include <nlohmann/json.hpp>

#include "connectors/reply/http.h"

namespace humas::mastodon {
Result<PostedStatus> PostReply(const ClientOptions& o, const std::string& in_reply_to_id,
                               const std::string& text, const std::string& idempotency_key) {
  if (o.instance_url.empty() || o.access_token.empty())
    return FailedPrecondition("no Mastodon instance or access token is configured");
  if (in_reply_to_id.empty() || in_reply_to_id.find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument("'" + in_reply_to_id + "' is not a Mastodon status id");
  nlohmann::json body = {
      {"status", text}, {"in_reply_to_id", in_reply_to_id}, {"visibility", "public"}};
  connectors::reply::Headers headers = {{"Authorization", "Bearer " + o.access_token}};
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  HUMAS_ASSIGN_OR_RETURN(
      connectors::net::HttpResponse answer,
      connectors::reply::PostJson("Mastodon", o.instance_url + "/api/v1/statuses", headers, body,
                                  o.timeout_ms));
  const std::string& response = answer.body;
  const long status = answer.status;
  nlohmann::json j = nlohmann::json::parse(response, nullptr, false);
  if (status < 200 || status >= 300) {
    std::string why = "Mastodon refused the reply (HTTP " + std::to_string(status) + ")";
    if (j.is_object() && j.contains("error") && j["error"].is_string())
      why += ": " + j["error"].get<std::string>();
    if (status == 401 || status == 403) return PermissionDenied(why);
    if (status == 422 || status == 400) return InvalidArgument(why);
    if (status == 404) return NotFound(why);
    return Unavailable(why);
  }
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string())
    return Unavailable("Mastodon's answer has no status id");
  return PostedStatus{j["id"].get<std::string>(), j.value("url", std::string())};
}

}  // namespace humas::mastodon
