// Test support for the Bluesky tests: the captured Jetstream lines of ../shared/fixtures and the
// oracle for them (the AT-URIs of post creates with text, found by a plain JSON walk).
#pragma once

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/pull/pull_test_util.h"

namespace humas::connectors::bluesky::testing {

inline std::vector<std::string> Lines(const std::string& rel) {
  std::vector<std::string> out;
  std::istringstream in(pull::testing::Fixture(rel));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

//! Post creates (and updates) with text, by AT-URI.
inline std::map<std::string, nlohmann::json> PostsWithText(const std::vector<std::string>& lines) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& l : lines) {
    nlohmann::json j = nlohmann::json::parse(l);
    if (j.value("kind", "") != "commit") continue;
    const nlohmann::json& c = j["commit"];
    if (c.value("collection", "") != "app.bsky.feed.post") continue;
    if (c.value("operation", "") != "create" && c.value("operation", "") != "update") continue;
    if (c["record"].value("text", "").empty()) continue;
    out["at://" + j["did"].get<std::string>() + "/app.bsky.feed.post/" +
        c["rkey"].get<std::string>()] = j;
  }
  return out;
}

inline std::set<std::string> PostUris(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  for (const auto& [uri, j] : PostsWithText(lines)) out.insert(uri);
  return out;
}

}  // namespace humas::connectors::bluesky::testing
