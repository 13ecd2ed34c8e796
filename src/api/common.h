// Shared pieces of the API handlers: context, JSON bodies with strict validation, error mapping,
// and the authenticated-handler wrapper (session, CSRF, access).
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/access.h"
#include "api/auth.h"
#include "core/clock.h"
#include "core/model.h"
#include "http/http.h"
#include "ingest/ingest.h"
#include "listening/matcher.h"
#include "store/store.h"

namespace humas::inbox {
struct Runtime;
}
namespace humas::connectors {
class Registry;  // connectors/registry/registry.h
}  // namespace humas::connectors
namespace humas::connectors::stream {
class HealthView;  // connectors/stream/hub.h
}  // namespace humas::connectors::stream
namespace humas::alerts {
class Engine;  // alerts/engine.h
}  // namespace humas::alerts

namespace humas::api {

using json = nlohmann::json;

struct ApiOptions {
  bool cookie_secure = false;
  UnixMillis session_idle_ms = 12LL * 3600 * 1000;
  UnixMillis session_max_ms = 7LL * 24 * 3600 * 1000;
  std::string version = "0.1.0";
  //! Addresses of reverse proxies whose X-Forwarded-For header is believed (exact IPs).
  std::vector<std::string> trusted_proxies;
};

//! Everything a handler needs. Outlives the server.
struct Context {
  Context(store::Store& s, const Clock& c, ApiOptions o)
      : store(s), clock(c), options(std::move(o)), limiter(c) {}
  store::Store& store;
  const Clock& clock;
  ApiOptions options;
  LoginLimiter limiter;
  http::Server* server = nullptr;  //!< for publishing live events; set before Start()
  //! Labels incoming mentions (language engine); empty when no model is loaded.
  ingest::Labeler labeler;
  //! The inbox's senders and channels (inbox/inbox.h); the inbox routes are off when null.
  inbox::Runtime* inbox = nullptr;
  //! The compiled agency queries (social listening); rebuilt when a query changes. Every
  //! Ingestor of the server sets listening::IntakeMatcher(matchers).
  std::shared_ptr<listening::MatcherHolder> matchers = std::make_shared<listening::MatcherHolder>();
  //! The recent window of mentions near-duplicates are flagged against (ingest/near_dup.h); every
  //! Ingestor of the server sets it, so all intake paths share one window.
  std::shared_ptr<ingest::NearDuplicateIndex> near_duplicates =
      std::make_shared<ingest::NearDuplicateIndex>();
  //! The connector registry (sealed credentials); null when not configured (routes answer 503).
  connectors::Registry* connectors = nullptr;
  //! The stream worker (Bluesky Jetstream, ...): live health, refresh after edits; null = none.
  connectors::stream::HealthView* streams = nullptr;
  //! The alert evaluator (alerts/engine.h) for "evaluate now"; null = 503 on that route.
  alerts::Engine* alerts = nullptr;
};

//! The authenticated caller of one request.
struct Caller {
  User user;
  store::Session session;
  std::unique_ptr<Hierarchy> hierarchy;
  std::unique_ptr<Access> access;
  //! Audit helper: appends an entry attributed to this caller. Logs (never fails the request)
  //! when the audit log cannot be written.
  void Audit(Context& ctx, const std::string& action, const std::string& entity,
             const std::string& entity_id, std::optional<Id> agency_id, const json& details) const;
};

inline constexpr char kSessionCookie[] = "humas_session";

http::Response Json(int status, const json& body);
http::Response NoContent();
//! Maps a Status to the error response of docs/api.md.
http::Response Error(const Status& status);

//! Parses a JSON object body. InvalidArgument for a non-JSON content type, malformed JSON or a
//! non-object; checks that every key is in `allowed` (unknown field → error naming it).
Result<json> ParseBody(const http::Request& req, std::span<const char* const> allowed);

//! Typed field readers: absent fields leave *out unchanged and return Ok (unless required);
//! a present field of the wrong type → InvalidArgument with the field set.
Status ReadString(const json& body, const char* key, std::string* out, bool required = false,
                  size_t min_chars = 0, size_t max_chars = 1000);
Status ReadBool(const json& body, const char* key, bool* out, bool required = false);
Status ReadInt(const json& body, const char* key, std::int64_t* out, bool required = false);
//! Accepts an integer or null (→ nullopt).
Status ReadOptionalId(const json& body, const char* key, std::optional<Id>* out,
                      bool* present = nullptr);

//! Query parameter helpers: InvalidArgument naming the parameter when malformed.
Result<std::optional<Id>> QueryId(const http::Request& req, const char* name);
Result<store::Page> QueryPage(const http::Request& req);
//! An integer query parameter in [min, max]; `fallback` when absent or empty.
Result<std::int64_t> QueryInt(const http::Request& req, const char* name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max);
//! Path parameter {id}.
Result<Id> PathId(const http::Request& req, const char* name = "id");

//! The client's address: the socket's, or — when the socket peer is a trusted proxy — the
//! right-most X-Forwarded-For entry that is not itself a trusted proxy. Used for rate limiting
//! and the audit log.
std::string ClientIp(const ApiOptions& options, const http::Request& req);

//! Length in Unicode code points (invalid bytes count as one each).
size_t Utf8Length(const std::string& s);
//! True for "YYYY-MM-DD" naming a real date.
bool IsDate(const std::string& s);

using AuthedHandler = std::function<http::Response(const http::Request&, Caller&)>;

//! Wraps a handler: resolves the session cookie (401 when missing/expired), checks CSRF on
//! state-changing methods (403 csrf_failed), loads the user and their access.
http::Handler Authed(Context& ctx, AuthedHandler handler);

//! Resolves the caller of a request without CSRF checks (for GET-only uses such as SSE).
Result<std::unique_ptr<Caller>> ResolveCaller(Context& ctx, const http::Request& req);

}  // namespace humas::api
