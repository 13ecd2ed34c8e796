// X API v2 error bodies.
#include "connectors/x/error_detail.h"

#include <nlohmann/json.hpp>

namespace humas::connectors::x {

std::string ErrorDetail(std::string_view body) {
  using json = nlohmann::json;
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return "";
  auto str = [](const json& o, const char* k) {
    return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : "";
  };
  if (std::string d = str(j, "detail"); !d.empty()) return d;
  if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
    for (const char* k : {"message", "detail", "title"})
      if (std::string d = str(j["errors"][0], k); !d.empty()) return d;
  }
  return str(j, "title");
}

std::string WithDetail(std::string what, std::string_view body) {
  std::string d = ErrorDetail(body);
  if (!d.empty()) what += ": " + d.substr(0, 300);
  return what;
}

}  // namespace humas::connectors::x
