// Meta Graph API: Facebook Page comment replies (developers.facebook.com/docs/graph-api/reference/
// object/comments#publish) and Instagram comment replies (developers.facebook.com/docs/
// instagram-platform/instagram-graph-api/reference/ig-comment/replies#creating), plus the
// Graph error format shared with WhatsApp Cloud.
#include "connectors/reply/graph.h"

#include "connectors/reply/http.h"
#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

constexpr char kGraphBase[] = "https://graph.facebook.com/v21.0";

bool IsGraphId(const std::string& id) {
  return !id.empty() && id.size() <= 80 && id.find_first_not_of("0123456789_") == std::string::npos;
}

Result<Posted> PostComment(const std::string& service, const Account& a, const std::string& path,
                           const std::string& target, const std::string& text) {
  if (a.token.empty())
    return FailedPrecondition("no " + service + " access token is connected for replies");
  if (!IsGraphId(target))
    return InvalidArgument("'" + target + "' is not a " + service +
                           " comment id; humas cannot tell which comment to answer");
  std::string endpoint = BaseUrl(a.api_base, kGraphBase) + "/" + target + path;
  // Read-after-write: Facebook returns the new comment's link with its id.
  if (service == "Facebook") endpoint += "?fields=id,permalink_url";
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse r,
                         PostJson(service, endpoint, {{"Authorization", "Bearer " + a.token}},
                                  json{{"message", text}}, a.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300 || (j.is_object() && j.contains("error")))
    return GraphFailure(service, "the reply", r.status, j);
  std::string id = Str(j, "id");
  if (!IsGraphId(id))
    return Internal(service + " answered HTTP " + std::to_string(r.status) +
                    " without the new comment's id: check the page before retrying, the reply "
                    "may have been posted");
  std::string url = Str(j, "permalink_url");
  // Instagram has no public link per comment; a Facebook comment "<post>_<comment>" has one.
  size_t cut = id.find('_');
  if (url.empty() && service == "Facebook" && cut != std::string::npos)
    url = "https://www.facebook.com/" + id.substr(0, cut) + "?comment_id=" + id.substr(cut + 1);
  return Posted{id, url};
}

}  // namespace

Status GraphFailure(const std::string& service, const std::string& what, int status,
                    const json& body) {
  const json* e = body.is_object() && body.contains("error") && body["error"].is_object()
                      ? &body["error"]
                      : nullptr;
  if (!e) return HttpFailure(service, what, status, "");
  std::string why = Str(*e, "error_user_msg");
  if (why.empty()) why = Str(*e, "message");
  if (e->contains("error_data") && (*e)["error_data"].is_object()) {
    std::string details = Str((*e)["error_data"], "details");
    if (!details.empty()) why += " (" + details + ")";
  }
  int code = e->contains("code") && (*e)["code"].is_number_integer() ? (*e)["code"].get<int>() : 0;
  std::string msg = service + " refused " + what + " (HTTP " + std::to_string(status) +
                    (code ? ", error " + std::to_string(code) : "") + "): " + why.substr(0, 500);
  bool transient = e->value("is_transient", false);
  // Rate limits and temporary trouble (developers.facebook.com/docs/graph-api/guides/
  // error-handling; WhatsApp Cloud error codes 130429, 131056, 131016, 133004).
  if (transient || code == 1 || code == 2 || code == 4 || code == 17 || code == 32 || code == 341 ||
      code == 613 || (code >= 80001 && code <= 80014) || code == 130429 || code == 131016 ||
      code == 131056 || code == 133004 || status == 429 || status >= 500)
    return Unavailable(msg);
  // WhatsApp: the 24-hour customer-service window has closed (re-engagement message).
  if (code == 131047) return FailedPrecondition(msg);
  // Tokens and permissions.
  if (code == 190 || code == 102 || code == 10 || (code >= 200 && code <= 299) || status == 401 ||
      status == 403)
    return PermissionDenied(msg);
  if (status == 404) return NotFound(msg);
  return InvalidArgument(msg);
}

Result<Posted> PostFacebookReply(const Account& a, const std::string& comment_id,
                                 const std::string& text) {
  return PostComment("Facebook", a, "/comments", comment_id, text);
}

Result<Posted> PostInstagramReply(const Account& a, const std::string& comment_id,
                                  const std::string& text) {
  return PostComment("Instagram", a, "/replies", comment_id, text);
}

}  // namespace humas::connectors::reply
