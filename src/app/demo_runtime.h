// Demo mode: seeds the fictional region into an empty database and keeps a steady, realistic
// stream of mentions flowing while the server runs.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "api/common.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace humas::app {

//! Loads the demo region (agencies, accounts, appointments, users, and two days of mention
//! history) when the database has no agencies yet; does nothing otherwise, so restarting the
//! demo keeps what people changed. Returns true when it seeded.
//! The history's near-duplicates are flagged against `near_duplicates` (when set), which then
//! holds them.
Result<bool> SeedDemoRegion(store::Store& store, const Clock& clock, const ingest::Labeler& labeler,
                            std::shared_ptr<ingest::NearDuplicateIndex> near_duplicates = nullptr);

//! Prints the URL and the demo logins to standard output.
void PrintDemoBanner(const std::string& url);

//! Generates mentions at `per_minute` on its own thread, stores them through the normal intake
//! path and publishes them live. Start/Stop join cleanly (no detached threads).
class DemoRuntime {
 public:
  DemoRuntime(api::Context& ctx, double per_minute) : ctx_(ctx), per_minute_(per_minute) {}
  ~DemoRuntime() { Stop(); }
  void Start();
  void Stop();

 private:
  void Run();

  api::Context& ctx_;
  const double per_minute_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace humas::app
