// Server configuration: defaults < config file < environment (HUMAS_*) < command-line flags.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace humas::app {

struct Config {
  std::string data_dir = "data";  //!< holds humas.db; created if absent
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string web_dir;               //!< built web client; "" = autodetect next to the binary
  std::string models_dir;            //!< language models; "" = autodetect
  int workers = 4;                   //!< HTTP handler threads
  bool cookie_secure = false;        //!< set Secure on cookies (behind HTTPS)
  int session_idle_minutes = 720;    //!< 12 h
  int session_max_hours = 168;       //!< 7 days
  std::string log_level = "info";    //!< debug | info | warn | error
  double demo_rate_per_minute = 30;  //!< mentions generated per minute in demo mode
  std::string telegram_bot_token;    //!< answers Telegram conversations from the inbox; "" = off
  std::string telegram_api_base = "https://api.telegram.org";  //!< tests point it at a fake
  std::string mastodon_instance_url;  //!< the agency's Mastodon server; "" = no Mastodon replies
  std::string mastodon_access_token;
  std::string smtp_url;  //!< e-mail for inbox notifications, e.g. smtp://mail.example:587; "" = off
  std::string smtp_from;
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = true;
  std::vector<std::string> trusted_proxies;  //!< reverse proxies whose X-Forwarded-For counts
  // Webhook endpoints (/hooks/...): secrets until the connector registry holds them. Empty =
  // the endpoint answers 404.
  std::string webhook_meta_app_secret;
  std::string webhook_meta_verify_token;
  std::string webhook_whatsapp_app_secret;  //!< "" = the Meta app secret
  std::string webhook_whatsapp_verify_token;
  std::string webhook_x_consumer_secret;
  std::map<std::string, std::string> webhook_telegram_secrets;  //!< connector → secret token
  std::map<std::string, std::string> webhook_standard_secrets;  //!< connector → whsec_ secret
  double webhook_rate_per_minute = 1200;                        //!< deliveries per client address
  long long webhook_max_pending = 10000;  //!< backlog beyond which deliveries get 503
  //! Key sealing connector credentials (created 0600 on first start); "" = DATA_DIR/connectors.key
  std::string connector_key_file;
  //! How often the server looks for due RSS connectors (each feed has its own interval).
  int connector_poll_tick_seconds = 5;
  //! How often listening alerts are evaluated (spikes, negative surges, hoax matches).
  int alert_every_seconds = 300;
  //! Threads running background jobs (e-mail, Telegram, reminders, alerts): a slow or hung
  //! delivery holds one of them; no queue takes them all.
  int job_workers = 2;
  //! The address people open humas at, for links in e-mail and Telegram ("" = paths only).
  std::string public_url;
};

//! Keys accepted in the file and (upper-cased, with HUMAS_ prefix) in the environment:
//! data_dir, listen (HOST:PORT), web_dir, models_dir, workers, cookie_secure, session_idle_minutes,
//! session_max_hours, log_level, demo_rate_per_minute, trusted_proxies (comma-separated IPs),
//! webhook_* (README.md, Webhooks).
//! connector_key_file.
const std::vector<std::string>& ConfigKeys();

//! Applies one key/value. InvalidArgument naming the key, the bad value and what is expected.
Status ApplyConfigValue(Config* config, const std::string& key, const std::string& value,
                        const std::string& source);

//! Reads a `key = value` file ('#' comments, blank lines allowed). Unknown keys are errors (a
//! typo must not be silently ignored). Errors name the file and line.
Status LoadConfigFile(Config* config, const std::string& path);

//! Applies HUMAS_<KEY> variables from `env` (name → value).
Status LoadConfigEnv(Config* config, const std::map<std::string, std::string>& env);

//! Splits "HOST:PORT" ("[::1]:8080" for IPv6). Port 0 means "any free port".
Status ParseListen(const std::string& value, std::string* host, uint16_t* port);

//! The process environment as a map (HUMAS_* only).
std::map<std::string, std::string> HumasEnvironment();

}  // namespace humas::app
