// PersistentHealth: stream counters of earlier runs plus the worker's live ones.
#include "connectors/stream/totals.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/log.h"

namespace humas::connectors::stream {
namespace {

using json = nlohmann::json;

//! The last rules sync of a live health as stored (StreamTotals::rules_sync).
std::string RulesSyncJson(const StreamHealth& h) {
  if (!h.rules_synced_at) return "";
  json refused = json::array();
  for (const RefusedRule& r : h.refused_rules)
    refused.push_back({{"query_id", r.query_id}, {"rule", r.rule}, {"reason", r.reason}});
  return json({{"at", *h.rules_synced_at}, {"error", h.rules_error}, {"refused", refused}}).dump();
}

//! A stored rules sync into a health that has none of its own yet (the worker has not synced
//! since it started). Unreadable JSON is left out.
void AddRulesSync(const std::string& text, StreamHealth* h) {
  if (h->rules_synced_at || text.empty()) return;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("at") || !j["at"].is_number_integer()) return;
  h->rules_synced_at = j["at"].get<UnixMillis>();
  h->rules_error = j.value("error", "");
  h->refused_rules.clear();
  if (j.contains("refused") && j["refused"].is_array())
    for (const json& r : j["refused"])
      if (r.is_object())
        h->refused_rules.push_back(
            {r.value("query_id", Id{0}), r.value("rule", ""), r.value("reason", "")});
}

store::StreamTotals TotalsOf(const StreamHealth& h, const std::string& rules_sync) {
  std::string rules = RulesSyncJson(h);
  return {h.events,        h.stored,
          h.malformed,     static_cast<std::int64_t>(h.reconnects),
          h.last_event_at, h.tagged_posts,
          h.ignored_tags,  h.gap_filled,
          h.gap_filled_at, rules.empty() ? rules_sync : rules};
}

}  // namespace

Status PersistentHealth::Observe(Id id, const StreamHealth& live) const {
  Entry& e = entries_[id];
  if (!e.loaded) {
    HUMAS_ASSIGN_OR_RETURN(store::Connector c, repo_.Get(id));
    e.base = c.health.stream;
    e.loaded = true;
  } else if (live.events < e.last_live.events || live.stored < e.last_live.stored ||
             live.reconnects < e.last_live.reconnects ||
             live.tagged_posts < e.last_live.tagged_posts ||
             live.ignored_tags < e.last_live.ignored_tags ||
             live.gap_filled < e.last_live.gap_filled) {
    StreamHealth ended = Sum(e.base, e.last_live);  // the worker restarted the session
    e.base = TotalsOf(ended, e.base.rules_sync);
  }
  e.last_live = live;
  return Status::Ok();
}

StreamHealth PersistentHealth::Sum(const store::StreamTotals& base, const StreamHealth& live) {
  StreamHealth h = live;
  h.events += base.events;
  h.stored += base.stored;
  h.malformed += base.malformed;
  h.reconnects += static_cast<int>(base.reconnects);
  if (!h.last_event_at) h.last_event_at = base.last_event_at;
  h.tagged_posts += base.tagged_posts;
  h.ignored_tags += base.ignored_tags;
  h.gap_filled += base.gap_filled;
  if (!h.gap_filled_at) h.gap_filled_at = base.gap_filled_at;
  AddRulesSync(base.rules_sync, &h);
  return h;
}

std::optional<StreamHealth> PersistentHealth::Health(Id connector_id) const {
  auto live = live_.Health(connector_id);
  if (!live) return live;
  std::lock_guard<std::mutex> lock(mu_);
  if (Status s = Observe(connector_id, *live); !s.ok()) return live;  // deleted meanwhile
  return Sum(entries_[connector_id].base, *live);
}

void PersistentHealth::Refresh() { const_cast<HealthView&>(live_).Refresh(); }

Status PersistentHealth::Save() {
  std::map<Id, StreamHealth> sums;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Id> ids;
    for (const auto& [id, e] : entries_) ids.push_back(id);
    // Connectors the API has not asked about yet: the worker's list is not enumerable, so the
    // registry's stream-capable connectors are checked too.
    store::ConnectorFilter f;
    f.enabled = true;
    for (int offset = 0;; offset += 200) {
      HUMAS_ASSIGN_OR_RETURN(auto page, repo_.List(f, {.limit = 200, .offset = offset}));
      for (const store::Connector& c : page.items) ids.push_back(c.id);
      if (page.items.size() < 200) break;
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (Id id : ids) {
      auto live = live_.Health(id);
      if (!live) continue;
      if (!Observe(id, *live).ok()) continue;
      sums[id] = Sum(entries_[id].base, *live);
    }
  }
  Status first = Status::Ok();
  for (const auto& [id, h] : sums) {
    Status s = repo_.SaveStreamTotals(id, TotalsOf(h, ""));
    if (!s.ok() && s.code() != Code::kNotFound && first.ok()) first = s;
  }
  return first;
}

void PersistentHealth::Start(UnixMillis every_ms) {
  thread_ = std::thread([this, every_ms] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(every_ms));
      if (stopping_) break;
      lock.unlock();
      if (Status s = Save(); !s.ok())
        Log(LogLevel::kWarn, "stream.totals_not_saved", {{"error", s.message()}});
      lock.lock();
    }
  });
}

void PersistentHealth::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (Status s = Save(); !s.ok())
    Log(LogLevel::kWarn, "stream.totals_not_saved", {{"error", s.message()}});
}

}  // namespace humas::connectors::stream
