// The connector registry: the one way connectors and the API reach connector rows together with
// their credentials. Wraps store::ConnectorRepository and seals/opens credentials with a
// CredentialBox, so plaintext credentials exist only in memory, only when a connector needs them.
//
// For connector authors (RSS poller, webhooks, X, ...):
//   auto creds = registry.Credentials(connector.id);      // JSON object text, "" if none set
//   registry.RecordSuccess / RecordFailure after each run (health shown in the UI)
//   registry.repo().SpendReads(...) before a paid API call
#pragma once

#include <string>

#include "connectors/registry/credential_box.h"
#include "core/clock.h"
#include "store/connectors.h"
#include "store/store.h"

namespace humas::connectors {

class Registry {
 public:
  //! `store` and `clock` must outlive the registry.
  Registry(store::Store& store, const Clock& clock, CredentialBox box)
      : store_(store), clock_(clock), box_(std::move(box)) {}

  store::ConnectorRepository& repo() { return store_.connectors(); }

  //! Creates a connector; `credentials_json` ("" = none) is sealed before it is stored.
  Status Create(store::Connector* connector, const std::string& credentials_json);
  //! Replaces the credentials ("" clears them).
  Status SetCredentials(Id id, const std::string& credentials_json);
  //! The plaintext credentials of a connector ("" when none are set). NotFound for an unknown
  //! connector; DataLoss when they cannot be opened (wrong key file, tampering).
  Result<std::string> Credentials(Id id);
  //! The same for an already loaded row.
  Result<std::string> Credentials(const store::Connector& connector) const;

  //! Health bookkeeping after a run; the next run is `interval` (seconds) later on success, and
  //! after a failure an exponential back-off (interval x 2^failures, capped at 24 h).
  Status RecordSuccess(const store::Connector& c, const store::ConnectorCheckpoint& checkpoint,
                       std::int64_t items);
  Status RecordFailure(const store::Connector& c, const std::string& error);
  //! The delay before the next run after `failures` consecutive failures (0 = success).
  static UnixMillis NextRunDelay(int interval_seconds, int failures);

 private:
  store::Store& store_;
  const Clock& clock_;
  CredentialBox box_;
};

}  // namespace humas::connectors
