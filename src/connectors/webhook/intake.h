// Durable at-least-once webhook intake. A verified delivery is committed to the webhook inbox
// (store/webhook_inbox.h) before the platform gets its 200; a worker thread then maps pending
// deliveries to mentions in batches, stores them through the Ingestor (idempotent on platform +
// external id) and publishes them on the live stream. A crash at any point loses nothing: pending
// deliveries are picked up again at start, and re-storing a mention is a no-op.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "api/common.h"
#include "connectors/webhook/mapping.h"
#include "http/http.h"
#include "store/webhook_inbox.h"

namespace humas::webhook {

//! The inbox source of a registry connector's deliveries is "<kind>/connector:<id>"; its mentions
//! belong to the connector's agency unless the payload names one.
inline constexpr std::string_view kConnectorSourcePrefix = "connector:";

//! Secrets of the configured endpoints (webhook_* settings; the registry's webhook connectors
//! have their own at /hooks/<kind>/<id>). Empty = endpoint disabled (404).
struct WebhookSecrets {
  std::string meta_app_secret;
  std::string meta_verify_token;
  std::string whatsapp_app_secret;  //!< falls back to meta_app_secret when empty
  std::string whatsapp_verify_token;
  std::string x_consumer_secret;
  std::map<std::string, std::string> telegram;  //!< connector name → secret token
  std::map<std::string, std::string> standard;  //!< connector name → whsec_ secret
};

struct WebhookOptions {
  WebhookSecrets secrets;
  double rate_per_minute = 1200;     //!< deliveries per client address (token bucket refill)
  double burst = 200;                //!< bucket size
  std::int64_t max_pending = 10000;  //!< inbox backlog beyond which deliveries get 503
  int batch = 256;                   //!< deliveries per processing batch
  int max_attempts = 10;             //!< failed processing attempts before a delivery is dead
};

class WebhookIntake {
 public:
  //! `ctx` (store, clock, labeler, server for live events) must outlive the intake.
  WebhookIntake(api::Context& ctx, WebhookOptions options);
  ~WebhookIntake();
  WebhookIntake(const WebhookIntake&) = delete;
  WebhookIntake& operator=(const WebhookIntake&) = delete;

  //! Counts the backlog left by a previous run and starts the worker thread.
  Status Start();
  //! Stops the worker after its current batch; pending deliveries stay in the inbox.
  void Stop();

  //! Commits a delivery. True when new, false for a replay. ResourceExhausted when the backlog is
  //! at max_pending (nothing written). Wakes the worker.
  Result<bool> Accept(store::InboxDelivery delivery);
  //! Processes one batch of pending deliveries on the calling thread; returns how many.
  Result<int> ProcessOnce();

  std::int64_t pending() const { return pending_.load(); }
  const WebhookOptions& options() const { return options_; }
  api::Context& context() { return ctx_; }

 private:
  void Loop();
  //! The agency a delivery's connector belongs to (unbound for the global webhook_* settings).
  struct ConnectorAgency {
    Id id = 0;
    bool bound = false;
    std::string code;  //!< "" when the connector or its agency was deleted since
  };
  ConnectorAgency AgencyOf(Id connector_id);
  //! Gives a mention the connector's agency: its own, or one of its region's agencies if the
  //! payload names one; any other agency named in the payload is replaced (and logged).
  void PinAgency(const ConnectorAgency& owner, MentionInput& m);

  api::Context& ctx_;
  const WebhookOptions options_;
  std::atomic<std::int64_t> pending_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;      //!< guarded by mu_
  bool signaled_ = false;  //!< guarded by mu_: a delivery arrived since the worker last looked
  std::thread thread_;
};

//! Registers the /hooks endpoints (docs/api.md, "Webhooks"). They sit outside /api/v1: no
//! session, the signature is the authentication.
void RegisterWebhookRoutes(http::Server& server, WebhookIntake& intake);

}  // namespace humas::webhook
