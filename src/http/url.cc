// URL and header helpers for the HTTP layer, plus the Request accessors and ErrorResponse.
#include "http/url.h"

#include "core/log.h"
#include "http/http.h"

namespace humas::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::optional<std::string> key = PercentDecode(piece.substr(0, eq), true);
    std::optional<std::string> value =
        eq == std::string_view::npos ? std::string() : PercentDecode(piece.substr(eq + 1), true);
    if (!key || !value) {
      return InvalidArgument("malformed percent-escape in query string");
    }
    out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

std::string CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    size_t semi = cookie_header.find(';');
    std::string_view piece = Trim(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(piece.substr(0, eq)) != name) continue;
    std::string_view value = Trim(piece.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return "";
}

std::string Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string Request::Cookie(std::string_view name) const {
  // Browsers may send several Cookie headers over HTTP/2 proxies; look in each.
  auto [begin, end] = headers.equal_range("cookie");
  for (auto it = begin; it != end; ++it) {
    std::string value = CookieValue(it->second, name);
    if (!value.empty()) return value;
  }
  return "";
}

Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field) {
  Response res;
  res.status = status;
  res.body = "{\"error\":{\"code\":\"";
  AppendJsonEscaped(&res.body, code);
  res.body += "\",\"message\":\"";
  AppendJsonEscaped(&res.body, message);
  res.body += '"';
  if (!field.empty()) {
    res.body += ",\"field\":\"";
    AppendJsonEscaped(&res.body, field);
    res.body += '"';
  }
  res.body += "}}";
  return res;
}

}  // namespace humas::http
