// Mastodon status replies over libcurl.
#include "connectors/mastodon/post.h"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

namespace humas::mastodon {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

Result<PostedStatus> PostReply(const ClientOptions& o, const std::string& in_reply_to_id,
                               const std::string& text, const std::string& idempotency_key) {
  if (o.instance_url.empty() || o.access_token.empty())
    return FailedPrecondition("no Mastodon instance or access token is configured");
  if (in_reply_to_id.empty() || in_reply_to_id.find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument("'" + in_reply_to_id + "' is not a Mastodon status id");
  nlohmann::json body = {
      {"status", text}, {"in_reply_to_id", in_reply_to_id}, {"visibility", "public"}};
  std::string payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string url = o.instance_url + "/api/v1/statuses";
  std::string auth = "Authorization: Bearer " + o.access_token;
  std::string idem = "Idempotency-Key: " + idempotency_key;
  CURL* curl = curl_easy_init();
  if (!curl) return Internal("libcurl failed to initialise");
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, auth.c_str());
  if (!idempotency_key.empty()) headers = curl_slist_append(headers, idem.c_str());
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
  if (rc != CURLE_OK)
    return Unavailable(std::string("Mastodon could not be reached: ") + curl_easy_strerror(rc));
  nlohmann::json j = nlohmann::json::parse(response, nullptr, false);
  if (status < 200 || status >= 300) {
    std::string why = "Mastodon refused the reply (HTTP " + std::to_string(status) + ")";
    if (j.is_object() && j.contains("error") && j["error"].is_string())
      why += ": " + j["error"].get<std::string>();
    if (status == 401 || status == 403) return PermissionDenied(why);
    if (status == 422) return InvalidArgument(why);
    return Unavailable(why);
  }
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string())
    return Unavailable("Mastodon's answer has no status id");
  return PostedStatus{j["id"].get<std::string>(), j.value("url", std::string())};
}

}  // namespace humas::mastodon
