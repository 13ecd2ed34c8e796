// Bluesky (AT Protocol): a reply post through the account's PDS — com.atproto.server.
// createSession, com.atproto.repo.getRecord (the parent's cid and thread root) and
// com.atproto.repo.createRecord (docs.bsky.app/docs/advanced-guides/posts#replies).
#include <regex>

#include "connectors/reply/http.h"
#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

constexpr char kPost[] = "app.bsky.feed.post";

//! XRPC error: {"error": "InvalidRequest", "message": "..."}.
Status XrpcFailure(const std::string& what, int status, const json& j) {
  std::string why = Str(j, "error");
  std::string message = Str(j, "message");
  if (!message.empty()) why += (why.empty() ? "" : ": ") + message;
  if (Str(j, "error") == "RateLimitExceeded") return HttpFailure("Bluesky", what, 429, why);
  if (Str(j, "error") == "RecordNotFound") return HttpFailure("Bluesky", what, 404, why);
  if (Str(j, "error") == "AuthenticationRequired" || Str(j, "error") == "ExpiredToken" ||
      Str(j, "error") == "InvalidToken" || Str(j, "error") == "AccountTakedown")
    return HttpFailure("Bluesky", what, 401, why);
  return HttpFailure("Bluesky", what, status, why);
}

struct PostRef {
  std::string uri;
  std::string cid;
};

struct AtUri {
  std::string repo;  //!< DID or handle
  std::string rkey;
};

Result<AtUri> ParsePostUri(const std::string& uri) {
  static const std::regex kUri(
      R"(^at://([A-Za-z0-9._:%-]{1,2048})/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]{1,512})$)");
  std::smatch m;
  if (!std::regex_match(uri, m, kUri))
    return InvalidArgument("'" + uri +
                           "' is not a Bluesky post (at://…/app.bsky.feed.post/…); "
                           "humas cannot tell which post to answer");
  return AtUri{m[1], m[2]};
}

std::string Escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

//! getRecord: the record's cid and value (NotFound when deleted). Accepts "value" (the lexicon)
//! and "record".
Result<std::pair<PostRef, json>> GetPost(const BlueskyAccount& a, const std::string& base,
                                         const std::string& token, const AtUri& at) {
  std::string url = base + "/xrpc/com.atproto.repo.getRecord?repo=" + Escape(at.repo) +
                    "&collection=" + kPost + "&rkey=" + Escape(at.rkey);
  HUMAS_ASSIGN_OR_RETURN(
      net::HttpResponse r,
      GetJson("Bluesky", url, {{"Authorization", "Bearer " + token}}, a.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300) return XrpcFailure("to read the post", r.status, j);
  PostRef ref{Str(j, "uri"), Str(j, "cid")};
  if (ref.uri.empty() || ref.cid.empty())
    return Unavailable("Bluesky's record answer has no uri/cid");
  json value = j.contains("value") ? j["value"] : j.value("record", json::object());
  return std::make_pair(ref, value);
}

}  // namespace

std::string DeterministicTid(const std::string& seed, UnixMillis at) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : seed) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  std::uint64_t micros = static_cast<std::uint64_t>(at) * 1000 + h % 1000;
  std::uint64_t v = ((micros & ((1ULL << 53) - 1)) << 10) | ((h >> 10) & 1023);
  static const char kAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[i] = kAlphabet[v & 31];
    v >>= 5;
  }
  return out;
}

Result<Posted> PostBlueskyReply(const BlueskyAccount& a, const std::string& parent_uri,
                                const std::string& text, const std::string& idempotency_key,
                                UnixMillis created_at, UnixMillis now) {
  if (a.identifier.empty() || a.app_password.empty())
    return FailedPrecondition("no Bluesky handle and app password are connected for replies");
  HUMAS_ASSIGN_OR_RETURN(AtUri parent_at, ParsePostUri(parent_uri));
  const std::string base = BaseUrl(a.service, "https://bsky.social");
  HUMAS_ASSIGN_OR_RETURN(
      net::HttpResponse s,
      PostJson("Bluesky", base + "/xrpc/com.atproto.server.createSession", {},
               json{{"identifier", a.identifier}, {"password", a.app_password}}, a.timeout_ms));
  json session = ParseObject(s.body);
  if (s.status < 200 || s.status >= 300) return XrpcFailure("the login", s.status, session);
  const std::string token = Str(session, "accessJwt");
  const std::string did = Str(session, "did");
  std::string handle = Str(session, "handle");
  if (token.empty() || did.empty()) return Unavailable("Bluesky's session answer has no token");

  // The parent's cid, and the thread's root (the parent's own root, or the parent itself).
  HUMAS_ASSIGN_OR_RETURN(auto parent, GetPost(a, base, token, parent_at));
  PostRef root = parent.first;
  const json& reply = parent.second.contains("reply") ? parent.second["reply"] : json();
  if (reply.is_object() && reply.contains("root") && !Str(reply["root"], "uri").empty() &&
      !Str(reply["root"], "cid").empty())
    root = {Str(reply["root"], "uri"), Str(reply["root"], "cid")};

  const std::string rkey = DeterministicTid(idempotency_key, created_at);
  json record = {{"$type", kPost},
                 {"text", text},
                 {"createdAt", FormatRfc3339(now)},
                 {"langs", {"id"}},
                 {"reply",
                  {{"root", {{"uri", root.uri}, {"cid", root.cid}}},
                   {"parent", {{"uri", parent.first.uri}, {"cid", parent.first.cid}}}}}};
  json body = {{"repo", did}, {"collection", kPost}, {"rkey", rkey}, {"record", record}};
  auto created = PostJson("Bluesky", base + "/xrpc/com.atproto.repo.createRecord",
                          {{"Authorization", "Bearer " + token}}, body, a.timeout_ms);
  Posted out;
  out.url = "https://bsky.app/profile/" + (handle.empty() ? did : handle) + "/post/" + rkey;
  if (created.ok() && created->status >= 200 && created->status < 300) {
    out.id = Str(ParseObject(created->body), "uri");
    if (out.id.empty()) out.id = "at://" + did + "/" + kPost + "/" + rkey;
    return out;
  }
  // Refused or no answer: a retry of a reply that did reach Bluesky finds its record under the
  // same key — then it is sent, once.
  auto mine = GetPost(a, base, token, AtUri{did, rkey});
  if (mine.ok()) {
    out.id = mine->first.uri;
    return out;
  }
  if (!created.ok()) return created.status();
  return XrpcFailure("the reply", created->status, ParseObject(created->body));
}

}  // namespace humas::connectors::reply
