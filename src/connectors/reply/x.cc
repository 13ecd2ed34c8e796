// X API v2: a reply post (docs.x.com/x-api/posts/creation-of-a-post).
#include "connectors/reply/http.h"
#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

//! Decodes one UTF-8 code point at s[i] (advancing i); invalid bytes count as one U+FFFD.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

bool LightWeight(char32_t cp) {
  return cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
         (cp >= 8242 && cp <= 8247);
}

//! X's error text: v2 problem ("detail"/"title") or v1.1-style errors[].message.
std::string XWhy(const json& j) {
  if (!j.is_object()) return "";
  std::string why = Str(j, "detail");
  if (why.empty()) why = Str(j, "title");
  if (why.empty() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty())
    why = Str(j["errors"][0], "message");
  return why;
}

bool IsTweetId(const std::string& id) {
  return !id.empty() && id.size() <= 19 && id.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

size_t XWeightedLength(std::string_view text) {
  size_t weight = 0;  // in hundredths, like twitter-text's scale
  size_t i = 0;
  while (i < text.size()) {
    if ((text.compare(i, 7, "http://") == 0 || text.compare(i, 8, "https://") == 0)) {
      size_t end = i;
      while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') ++end;
      weight += 23 * 100;
      i = end;
      continue;
    }
    char32_t cp = NextCodePoint(text, &i);
    weight += LightWeight(cp) ? 100 : 200;
  }
  return weight / 100;
}

Result<Posted> PostXReply(const Account& a, const std::string& in_reply_to,
                          const std::string& text) {
  if (a.token.empty())
    return FailedPrecondition("no X user access token (OAuth 2.0, tweet.write) is connected");
  if (!IsTweetId(in_reply_to))
    return InvalidArgument("'" + in_reply_to +
                           "' is not an X post id; humas cannot tell which "
                           "post to answer");
  json body = {{"text", text}, {"reply", {{"in_reply_to_tweet_id", in_reply_to}}}};
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse r,
                         PostJson("X", BaseUrl(a.api_base, "https://api.x.com") + "/2/tweets",
                                  {{"Authorization", "Bearer " + a.token}}, body, a.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300) return HttpFailure("X", "the reply", r.status, XWhy(j));
  if (j.is_discarded() || !j.contains("data") || !IsTweetId(Str(j["data"], "id")))
    return Internal("X answered HTTP " + std::to_string(r.status) +
                    " without the new post's id: check the account before retrying, the reply "
                    "may have been posted");
  std::string id = Str(j["data"], "id");
  return Posted{id, "https://x.com/i/web/status/" + id};
}

}  // namespace humas::connectors::reply
