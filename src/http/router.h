// Method + path-pattern routing for the HTTP server: pure logic, no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/http.h"

namespace humas::http {

//! What a route does: run a handler, or open a server-sent-events stream.
enum class RouteKind { kHandler, kSse };

struct RouteEntry {
  std::string method;   //!< upper-case, e.g. "GET"
  std::string pattern;  //!< "/api/v1/agencies/{id}"
  RouteKind kind = RouteKind::kHandler;
  Handler handler;          //!< for kHandler
  SseAuthorizer authorize;  //!< for kSse
  bool large_body = false;  //!< accepts up to ServerOptions::max_upload_bytes
};

struct RouteMatch {
  enum class Outcome { kFound, kMethodNotAllowed, kNotFound };
  Outcome outcome = Outcome::kNotFound;
  const RouteEntry* route = nullptr;          //!< set when kFound; owned by the Router
  std::map<std::string, std::string> params;  //!< decoded {name} captures when kFound
  std::string allow;                          //!< "GET, POST" when kMethodNotAllowed
};

//! Routes are added once at start-up, then matched concurrently (Match is const and
//! thread-safe as long as no Add runs at the same time).
class Router {
 public:
  //! Adds a route. The pattern must start with '/', and a {name} must be a whole segment with a
  //! unique name. The same method and pattern twice gives AlreadyExists.
  Status Add(RouteEntry entry);

  //! Matches `raw_path` (the target's path, still percent-encoded; each segment is decoded on
  //! its own so an encoded '/' stays inside a parameter). A HEAD request matches GET routes.
  //! Literal segments win over {name} segments, left to right.
  RouteMatch Match(std::string_view method, std::string_view raw_path) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Compiled {
    RouteEntry entry;
    std::vector<Segment> segments;
  };
  std::vector<Compiled> routes_;
};

//! Splits "/a/b/c" into {"a","b","c"} ("/" gives {""}); the caller guarantees a leading '/'.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace humas::http
