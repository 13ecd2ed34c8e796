// Shared pieces of the intake benchmarks: timing, demo mentions as JSONL, and a store seeded with
// the demo region's agencies.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "core/model.h"
#include "store/store.h"

namespace humas::bench {

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

//! One mention as a line of the JSONL import format.
inline std::string ToJsonl(const MentionInput& m) {
  nlohmann::json j = {{"platform", ToString(m.platform)},
                      {"external_id", m.external_id},
                      {"url", m.url},
                      {"author", {{"handle", m.author_handle}, {"name", m.author_name}}},
                      {"text", m.text},
                      {"created_at", FormatRfc3339(m.created_at)},
                      {"agency", m.agency_code},
                      {"shares", m.shares},
                      {"likes", m.likes},
                      {"replies", m.replies}};
  return j.dump();
}

//! Creates the demo region's agencies in `store`; returns their ids by code (empty on failure).
inline std::map<std::string, Id> SeedAgencies(store::Store& store, const demo::DemoRegion& region) {
  std::map<std::string, Id> ids;
  for (const auto& da : region.agencies) {
    Agency a = da.agency;
    if (!da.parent_code.empty()) a.parent_id = ids.at(da.parent_code);
    if (!store.agencies().Create(&a).ok()) return {};
    ids[a.code] = a.id;
  }
  return ids;
}

}  // namespace humas::bench
