// Registry: sealing on the way in, opening on the way out, health scheduling.
#include "connectors/registry/registry.h"

#include <algorithm>

namespace humas::connectors {

Status Registry::Create(store::Connector* connector, const std::string& credentials_json) {
  connector->credentials_sealed = box_.Seal(credentials_json);
  return repo().Create(connector);
}

Status Registry::SetCredentials(Id id, const std::string& credentials_json) {
  return repo().SetCredentials(id, box_.Seal(credentials_json), clock_.Now());
}

Result<std::string> Registry::Credentials(Id id) {
  HUMAS_ASSIGN_OR_RETURN(store::Connector c, repo().Get(id));
  return Credentials(c);
}

Result<std::string> Registry::Credentials(const store::Connector& connector) const {
  auto plain = box_.Open(connector.credentials_sealed);
  if (!plain.ok()) {
    return Status(plain.status().code(),
                  "connector " + std::to_string(connector.id) + ": " + plain.status().message());
  }
  return plain;
}

UnixMillis Registry::NextRunDelay(int interval_seconds, int failures) {
  constexpr UnixMillis kCap = 24LL * 3600 * 1000;
  UnixMillis delay = std::max(1, interval_seconds) * 1000LL;
  for (int i = 0; i < failures && delay < kCap; ++i) delay *= 2;
  return std::min(delay, kCap);
}

Status Registry::RecordSuccess(const store::Connector& c,
                               const store::ConnectorCheckpoint& checkpoint, std::int64_t items) {
  UnixMillis now = clock_.Now();
  return repo().RecordSuccess(c.id, checkpoint, items, now,
                              now + NextRunDelay(c.poll_interval_seconds, 0));
}

Status Registry::RecordFailure(const store::Connector& c, const std::string& error) {
  UnixMillis now = clock_.Now();
  return repo().RecordFailure(
      c.id, error, now,
      now + NextRunDelay(c.poll_interval_seconds, c.health.consecutive_failures + 1));
}

}  // namespace humas::connectors
