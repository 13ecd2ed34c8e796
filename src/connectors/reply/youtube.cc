// YouTube Data API v3: comments.insert as a reply in a comment thread
// (developers.google.com/youtube/v3/docs/comments/insert).
#include "connectors/reply/http.h"
#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

bool IsCommentId(const std::string& id) {
  return !id.empty() && id.size() <= 100 &&
         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
             std::string::npos;
}

//! Google's error format: {"error": {"code", "message", "errors": [{"reason", ...}]}}.
Status YoutubeFailure(int status, const json& j) {
  const json* e =
      j.is_object() && j.contains("error") && j["error"].is_object() ? &j["error"] : nullptr;
  std::string why = e ? Str(*e, "message") : "";
  std::string reason;
  if (e && e->contains("errors") && (*e)["errors"].is_array() && !(*e)["errors"].empty())
    reason = Str((*e)["errors"][0], "reason");
  std::string msg = "YouTube refused the reply (HTTP " + std::to_string(status) +
                    (reason.empty() ? "" : ", " + reason) + ")" + (why.empty() ? "" : ": " + why);
  // Quota and rate limits come back as 403 but pass (the daily quota resets at midnight PT).
  if (reason == "quotaExceeded" || reason == "rateLimitExceeded" ||
      reason == "userRateLimitExceeded" || status == 429 || status >= 500)
    return Unavailable(msg);
  if (reason == "commentsDisabled" || reason == "operationNotSupported")
    return FailedPrecondition(msg);
  return HttpFailure("YouTube", "the reply", status,
                     why.empty() ? reason : why + " (" + reason + ")");
}

}  // namespace

Result<Posted> PostYoutubeReply(const Account& a, const std::string& comment_id,
                                const std::string& text) {
  if (a.token.empty())
    return FailedPrecondition("no YouTube OAuth access token (youtube.force-ssl) is connected");
  // A reply's id is "<top-level id>.<reply id>"; replies attach to the top-level comment.
  std::string parent = comment_id.substr(0, comment_id.find('.'));
  if (!IsCommentId(parent))
    return InvalidArgument("'" + comment_id +
                           "' is not a YouTube comment id; humas cannot "
                           "tell which comment to answer");
  json body = {{"snippet", {{"parentId", parent}, {"textOriginal", text}}}};
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse r,
                         PostJson("YouTube",
                                  BaseUrl(a.api_base, "https://www.googleapis.com") +
                                      "/youtube/v3/comments?part=snippet",
                                  {{"Authorization", "Bearer " + a.token}}, body, a.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300) return YoutubeFailure(r.status, j);
  std::string id = Str(j, "id");
  if (!IsCommentId(id.substr(0, id.find('.'))))
    return Internal("YouTube answered HTTP " + std::to_string(r.status) +
                    " without the new comment's id: check the video before retrying, the reply "
                    "may have been posted");
  std::string url;
  std::string video = j.contains("snippet") ? Str(j["snippet"], "videoId") : "";
  if (!video.empty()) url = "https://www.youtube.com/watch?v=" + video + "&lc=" + id;
  return Posted{id, url};
}

Result<AccessToken> RefreshGoogleToken(const GoogleOAuth& o, UnixMillis now) {
  if (o.refresh_token.empty() || o.client_id.empty() || o.client_secret.empty())
    return FailedPrecondition(
        "refreshing the YouTube token needs client_id, client_secret and refresh_token in the "
        "connector's credentials");
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse r, PostForm("Google OAuth", o.token_url,
                                                       {{"grant_type", "refresh_token"},
                                                        {"client_id", o.client_id},
                                                        {"client_secret", o.client_secret},
                                                        {"refresh_token", o.refresh_token}},
                                                       o.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300) {
    // RFC 6749 §5.2: {"error": "invalid_grant", "error_description": "..."}.
    std::string error = Str(j, "error");
    std::string why =
        error + (Str(j, "error_description").empty() ? "" : ": " + Str(j, "error_description"));
    if (error == "invalid_grant" || error == "invalid_client" || error == "unauthorized_client")
      return PermissionDenied("Google refused to refresh the YouTube token (HTTP " +
                              std::to_string(r.status) + ", " + why.substr(0, 300) +
                              "): connect the YouTube account again");
    return HttpFailure("Google OAuth", "the token refresh", r.status, why);
  }
  std::string token = Str(j, "access_token");
  if (token.empty() || !j.contains("expires_in") || !j["expires_in"].is_number_integer() ||
      j["expires_in"].get<std::int64_t>() <= 0)
    return Unavailable("Google's token answer has no access_token/expires_in");
  return AccessToken{token, now + j["expires_in"].get<std::int64_t>() * 1000};
}

}  // namespace humas::connectors::reply
