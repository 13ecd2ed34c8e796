// Bluesky Jetstream as a stream of the supervisor (connectors/stream/hub.h). A Bluesky connector
// streams when its settings have keywords or wanted_dids (jetstream.h); its checkpoint cursor is
// {"time_us": N}, the newest Jetstream time stored, and a connection resumes `rewind_us` before it
// (events near a drop may arrive out of order; the replayed ones de-duplicate on their AT-URI).
#pragma once

#include <cstdint>
#include <memory>

#include "connectors/bluesky/jetstream.h"
#include "connectors/stream/hub.h"

namespace humas::connectors::bluesky {

class JetstreamProtocol final : public stream::Protocol {
 public:
  explicit JetstreamProtocol(std::int64_t rewind_us = 5'000'000) : rewind_us_(rewind_us) {}
  Platform platform() const override { return Platform::kBluesky; }
  bool Streams(const store::Connector& connector) const override;
  Result<std::unique_ptr<stream::Channel>> Open(const store::Connector& connector,
                                                const std::string& credentials) override;

 private:
  std::int64_t rewind_us_;
};

//! The time_us of a checkpoint cursor (nullopt for "" or anything unreadable).
std::optional<std::int64_t> CursorTimeUs(const std::string& cursor);

}  // namespace humas::connectors::bluesky
