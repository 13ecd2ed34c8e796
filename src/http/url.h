// URL and header helpers for the HTTP layer: percent-decoding, query strings, cookies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace humas::http {

//! Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '. Returns nullopt for
//! a malformed escape ('%' not followed by two hex digits).
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

//! Parses "a=1&b=x+y&flag" into decoded pairs ("flag" → ""). Empty pieces are skipped.
//! A malformed escape gives InvalidArgument.
Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

//! The value of cookie `name` in a Cookie header value ("a=1; b=2"), without surrounding
//! double quotes; "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace humas::http
