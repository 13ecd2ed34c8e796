// Stream counters that survive a restart (issue 5). The stream worker (hub.h) counts messages,
// stored mentions, malformed messages and reconnects in memory since it started; this view adds
// each connector's counts from earlier runs (its health row, store::StreamTotals) and saves the
// sums back periodically and when it stops, so the connectors page does not drop to zero after a
// restart; likewise the X stream's tag and gap-fill counters and its last rules sync (refused
// rules), shown from the store until the worker has synced again. It sits between the worker and
// the API (api::Context::streams) without changing the worker.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "connectors/stream/hub.h"
#include "store/connectors.h"

namespace humas::connectors::stream {

class PersistentHealth final : public HealthView {
 public:
  //! Both must outlive this object.
  PersistentHealth(const HealthView& live, store::ConnectorRepository& repo)
      : live_(live), repo_(repo) {}
  ~PersistentHealth() override { Stop(); }
  PersistentHealth(const PersistentHealth&) = delete;
  PersistentHealth& operator=(const PersistentHealth&) = delete;

  //! The worker's live health with the counters of earlier runs added (nullopt as the worker).
  std::optional<StreamHealth> Health(Id connector_id) const override;
  //! Passed on to the worker (the object given as `live` must then not be const).
  void Refresh() override;

  //! Saves the sums of every connector the worker reports on. Counters of a connector whose
  //! session the worker restarted (settings changed) are kept: a drop of the live counts is
  //! taken as a new session and the old one's counts join the base.
  Status Save();
  //! Saves every `every_ms` on a thread of its own until Stop().
  void Start(UnixMillis every_ms = 30'000);
  //! Stops the thread and saves once more (call after the worker has stopped). Idempotent.
  void Stop();

 private:
  struct Entry {
    bool loaded = false;
    store::StreamTotals base;  //!< earlier runs and earlier sessions of this run
    StreamHealth last_live;    //!< the worker's counts when last seen
  };
  //! Loads the stored totals the first time; folds a restarted session into the base. mu_ held.
  Status Observe(Id id, const StreamHealth& live) const;
  static StreamHealth Sum(const store::StreamTotals& base, const StreamHealth& live);

  const HealthView& live_;
  store::ConnectorRepository& repo_;
  mutable std::mutex mu_;
  mutable std::map<Id, Entry> entries_;
  std::thread thread_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace humas::connectors::stream
