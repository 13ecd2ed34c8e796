// Method + path-pattern routing for the HTTP server.
#include "http/router.h"

#include <optional>
#include <set>

#include "http/url.h"

namespace humas::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

Status Router::Add(RouteEntry entry) {
  if (entry.pattern.empty() || entry.pattern.front() != '/') {
    return InvalidArgument("route pattern must start with '/': " + entry.pattern);
  }
  Compiled compiled;
  std::set<std::string> names;
  for (std::string_view seg : SplitPath(entry.pattern)) {
    Segment s;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      s.is_param = true;
      s.text = std::string(seg.substr(1, seg.size() - 2));
      if (s.text.empty() || !names.insert(s.text).second) {
        return InvalidArgument("route pattern has an empty or repeated {name}: " + entry.pattern);
      }
    } else if (seg.find_first_of("{}") != std::string_view::npos) {
      return InvalidArgument("a {name} must be a whole path segment: " + entry.pattern);
    } else {
      s.text = std::string(seg);
    }
    compiled.segments.push_back(std::move(s));
  }
  for (const Compiled& c : routes_) {
    if (c.entry.method == entry.method && c.entry.pattern == entry.pattern) {
      return AlreadyExists("route registered twice: " + entry.method + " " + entry.pattern);
    }
  }
  compiled.entry = std::move(entry);
  routes_.push_back(std::move(compiled));
  return Status::Ok();
}

RouteMatch Router::Match(std::string_view method, std::string_view raw_path) const {
  RouteMatch result;
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(raw_path)) {
    std::optional<std::string> decoded = PercentDecode(raw, false);
    if (!decoded) return result;  // malformed escape: nothing can match
    segments.push_back(std::move(*decoded));
  }
  std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;

  // The best path match is the one whose literal/param shape is lexicographically greatest,
  // literals counting higher, so "/users/me" beats "/users/{id}".
  const Compiled* best = nullptr;
  std::vector<bool> best_shape;
  std::set<std::string> allowed;
  for (const Compiled& c : routes_) {
    if (c.segments.size() != segments.size()) continue;
    std::vector<bool> shape;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (c.segments[i].is_param) {
        ok = !segments[i].empty();
        shape.push_back(false);
      } else {
        ok = c.segments[i].text == segments[i];
        shape.push_back(true);
      }
    }
    if (!ok) continue;
    if (c.entry.method != effective && !(c.entry.method == "HEAD" && method == "HEAD")) {
      allowed.insert(c.entry.method);
      if (c.entry.method == "GET") allowed.insert("HEAD");
      continue;
    }
    if (best == nullptr || shape > best_shape) {
      best = &c;
      best_shape = std::move(shape);
    }
  }
  if (best != nullptr) {
    result.outcome = RouteMatch::Outcome::kFound;
    result.route = &best->entry;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].is_param) result.params[best->segments[i].text] = segments[i];
    }
    return result;
  }
  if (!allowed.empty()) {
    result.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    for (const std::string& m : allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
  }
  return result;
}

}  // namespace humas::http
