// Reading the JSON answers of platform APIs leniently: a missing or mistyped field reads as empty,
// so a mapper decides what is required. Shared by the pull connectors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace humas::connectors::pull {

//! j[k] when it is a string, else "".
inline std::string Str(const nlohmann::json& j, const char* k) {
  if (!j.is_object()) return "";
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

//! j[k], or null when j is not an object or has no k.
inline const nlohmann::json& Obj(const nlohmann::json& j, const char* k) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(k);
  return it == j.end() ? kNull : *it;
}

//! `text` with every occurrence of `secret` replaced by `label` (errors never carry a secret).
inline std::string Scrub(std::string text, const std::string& secret, const std::string& label) {
  if (secret.empty()) return text;
  for (size_t p; (p = text.find(secret)) != std::string::npos;)
    text.replace(p, secret.size(), label);
  return text;
}

}  // namespace humas::connectors::pull
