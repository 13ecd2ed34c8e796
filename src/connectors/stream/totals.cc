// PersistentHealth: stream counters of earlier runs plus the worker's live ones.
#include "connectors/stream/totals.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/log.h"

namespace humas::connectors::stream {

Status PersistentHealth::Observe(Id id, const StreamHealth& live) const {
  Entry& e = entries_[id];
  if (!e.loaded) {
    HUMAS_ASSIGN_OR_RETURN(store::Connector c, repo_.Get(id));
    e.base = c.health.stream;
    e.loaded = true;
  } else if (live.events < e.last_live.events || live.stored < e.last_live.stored ||
             live.reconnects < e.last_live.reconnects) {
    StreamHealth ended = Sum(e.base, e.last_live);  // the worker restarted the session
    e.base = {ended.events, ended.stored, ended.malformed, ended.reconnects, ended.last_event_at};
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
    Status s =
        repo_.SaveStreamTotals(id, {h.events, h.stored, h.malformed,
                                    static_cast<std::int64_t>(h.reconnects), h.last_event_at});
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
