// Configuration loading with clear errors for bad values.
#include "app/config.h"

#include <cctype>
#include <charconv>
#include <fstream>

extern char** environ;

namespace humas::app {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Status Bad(const std::string& source, const std::string& key, const std::string& value,
           const std::string& expected) {
  return InvalidArgument(source + ": " + key + " = \"" + value + "\" is not valid: expected " +
                         expected);
}

bool ParseInt(const std::string& v, long long lo, long long hi, long long* out) {
  long long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi) return false;
  *out = x;
  return true;
}

//! "name=secret,name2=secret2" with names of [a-z0-9_-]{1,40}; the secret is everything after
//! the first '=' (base64 padding stays).
bool ParseNamedSecrets(const std::string& value, std::map<std::string, std::string>* out) {
  std::map<std::string, std::string> m;
  size_t start = 0;
  while (start < value.size()) {
    size_t comma = value.find(',', start);
    std::string item =
        Trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? value.size() : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq > 40 || eq + 1 == item.size()) return false;
    std::string name = item.substr(0, eq);
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
      return false;
    m[name] = item.substr(eq + 1);
  }
  *out = std::move(m);
  return true;
}

}  // namespace

const std::vector<std::string>& ConfigKeys() {
  static const std::vector<std::string> kKeys = {"data_dir",
                                                 "listen",
                                                 "web_dir",
                                                 "models_dir",
                                                 "workers",
                                                 "cookie_secure",
                                                 "session_idle_minutes",
                                                 "session_max_hours",
                                                 "log_level",
                                                 "demo_rate_per_minute",
                                                 "trusted_proxies",
                                                 "telegram_bot_token",
                                                 "telegram_api_base",
                                                 "mastodon_instance_url",
                                                 "mastodon_access_token",
                                                 "smtp_url",
                                                 "smtp_from",
                                                 "smtp_username",
                                                 "smtp_password",
                                                 "smtp_require_tls",
                                                 "webhook_meta_app_secret",
                                                 "webhook_meta_verify_token",
                                                 "webhook_whatsapp_app_secret",
                                                 "webhook_whatsapp_verify_token",
                                                 "webhook_x_consumer_secret",
                                                 "webhook_telegram_secrets",
                                                 "webhook_standard_secrets",
                                                 "webhook_rate_per_minute",
                                                 "webhook_max_pending",
                                                 "connector_key_file",
                                                 "connector_poll_tick_seconds",
                                                 "alert_every_seconds",
                                                 "job_workers",
                                                 "public_url"};
  return kKeys;
}

Status ParseListen(const std::string& value, std::string* host, uint16_t* port) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return InvalidArgument("listen address \"" + value +
                           "\" is not valid: expected HOST:PORT, e.g. 127.0.0.1:8080");
  std::string h = value.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  long long p = 0;
  if (!ParseInt(value.substr(colon + 1), 0, 65535, &p))
    return InvalidArgument("listen address \"" + value +
                           "\" has a bad port: expected a number from 0 to 65535");
  *host = h;
  *port = static_cast<uint16_t>(p);
  return Status::Ok();
}

Status ApplyConfigValue(Config* c, const std::string& key, const std::string& value,
                        const std::string& source) {
  long long n = 0;
  if (key == "data_dir") {
    if (value.empty()) return Bad(source, key, value, "a directory path");
    c->data_dir = value;
  } else if (key == "listen") {
    Status s = ParseListen(value, &c->host, &c->port);
    if (!s.ok()) return InvalidArgument(source + ": " + s.message());
  } else if (key == "web_dir") {
    c->web_dir = value;
  } else if (key == "models_dir") {
    c->models_dir = value;
  } else if (key == "mastodon_instance_url") {
    if (!value.empty() && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
      return Bad(source, key, value, "an http(s):// address");
    c->mastodon_instance_url = value;
  } else if (key == "mastodon_access_token") {
    c->mastodon_access_token = value;
  } else if (key == "smtp_url") {
    if (!value.empty() && value.rfind("smtp://", 0) != 0 && value.rfind("smtps://", 0) != 0)
      return Bad(source, key, value, "an smtp:// or smtps:// address");
    c->smtp_url = value;
  } else if (key == "smtp_from") {
    c->smtp_from = value;
  } else if (key == "smtp_username") {
    c->smtp_username = value;
  } else if (key == "smtp_password") {
    c->smtp_password = value;
  } else if (key == "smtp_require_tls") {
    if (value == "true" || value == "1" || value == "yes")
      c->smtp_require_tls = true;
    else if (value == "false" || value == "0" || value == "no")
      c->smtp_require_tls = false;
    else
      return Bad(source, key, value, "true or false");
  } else if (key == "telegram_bot_token") {
    c->telegram_bot_token = value;
  } else if (key == "telegram_api_base") {
    if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
      return Bad(source, key, value, "an http(s):// address");
    c->telegram_api_base = value;
  } else if (key == "workers") {
    if (!ParseInt(value, 1, 256, &n)) return Bad(source, key, value, "a number from 1 to 256");
    c->workers = static_cast<int>(n);
  } else if (key == "cookie_secure") {
    if (value == "true" || value == "1" || value == "yes")
      c->cookie_secure = true;
    else if (value == "false" || value == "0" || value == "no")
      c->cookie_secure = false;
    else
      return Bad(source, key, value, "true or false");
  } else if (key == "session_idle_minutes") {
    if (!ParseInt(value, 1, 60 * 24 * 30, &n))
      return Bad(source, key, value, "minutes from 1 to 43200");
    c->session_idle_minutes = static_cast<int>(n);
  } else if (key == "session_max_hours") {
    if (!ParseInt(value, 1, 24 * 90, &n)) return Bad(source, key, value, "hours from 1 to 2160");
    c->session_max_hours = static_cast<int>(n);
  } else if (key == "log_level") {
    if (value != "debug" && value != "info" && value != "warn" && value != "error")
      return Bad(source, key, value, "debug, info, warn or error");
    c->log_level = value;
  } else if (key == "demo_rate_per_minute") {
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(d > 0 && d <= 60000))
      return Bad(source, key, value, "a number of mentions per minute from 0 to 60000");
    c->demo_rate_per_minute = d;
  } else if (key == "trusted_proxies") {
    std::vector<std::string> ips;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string ip =
          Trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!ip.empty()) {
        bool ok = ip.size() <= 45 &&
                  ip.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos;
        if (!ok) return Bad(source, key, value, "IP addresses separated by commas");
        ips.push_back(ip);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    c->trusted_proxies = std::move(ips);
  } else if (key == "webhook_meta_app_secret") {
    c->webhook_meta_app_secret = value;
  } else if (key == "webhook_meta_verify_token") {
    c->webhook_meta_verify_token = value;
  } else if (key == "webhook_whatsapp_app_secret") {
    c->webhook_whatsapp_app_secret = value;
  } else if (key == "webhook_whatsapp_verify_token") {
    c->webhook_whatsapp_verify_token = value;
  } else if (key == "webhook_x_consumer_secret") {
    c->webhook_x_consumer_secret = value;
  } else if (key == "webhook_telegram_secrets" || key == "webhook_standard_secrets") {
    auto* target = key == "webhook_telegram_secrets" ? &c->webhook_telegram_secrets
                                                     : &c->webhook_standard_secrets;
    // The value holds secrets: never echo it in the error.
    if (!ParseNamedSecrets(value, target))
      return InvalidArgument(source + ": " + key +
                             " is not valid: expected name=secret pairs separated by commas "
                             "(names of a-z, 0-9, _ and -, up to 40 characters)");
  } else if (key == "webhook_rate_per_minute") {
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(d >= 1 && d <= 1e7))
      return Bad(source, key, value, "deliveries per minute from 1 to 10000000");
    c->webhook_rate_per_minute = d;
  } else if (key == "webhook_max_pending") {
    if (!ParseInt(value, 1, 100000000, &n))
      return Bad(source, key, value, "a number of deliveries from 1 to 100000000");
    c->webhook_max_pending = n;
  } else if (key == "connector_poll_tick_seconds") {
    char* end = nullptr;
    long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < 1 || v > 3600)
      return Bad(source, key, value, "a number of seconds from 1 to 3600");
    c->connector_poll_tick_seconds = static_cast<int>(v);
  } else if (key == "alert_every_seconds") {
    if (!ParseInt(value, 10, 86400, &n))
      return Bad(source, key, value, "a number of seconds from 10 to 86400");
    c->alert_every_seconds = static_cast<int>(n);
  } else if (key == "job_workers") {
    if (!ParseInt(value, 1, 64, &n)) return Bad(source, key, value, "a number from 1 to 64");
    c->job_workers = static_cast<int>(n);
  } else if (key == "public_url") {
    if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
      return Bad(source, key, value, "an http:// or https:// address");
    c->public_url = value;
    while (!c->public_url.empty() && c->public_url.back() == '/') c->public_url.pop_back();
  } else if (key == "connector_key_file") {
    if (value.empty()) return Bad(source, key, value, "a file path");
    c->connector_key_file = value;
  } else {
    std::string known;
    for (const auto& k : ConfigKeys()) known += (known.empty() ? "" : ", ") + k;
    return InvalidArgument(source + ": unknown setting \"" + key + "\" (known: " + known + ")");
  }
  return Status::Ok();
}

Status LoadConfigFile(Config* config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read config file " + path);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto eq = t.find('=');
    std::string where = path + ":" + std::to_string(line_no);
    if (eq == std::string::npos)
      return InvalidArgument(where + ": expected key = value, got \"" + t + "\"");
    HUMAS_RETURN_IF_ERROR(
        ApplyConfigValue(config, Trim(t.substr(0, eq)), Trim(t.substr(eq + 1)), where));
  }
  return Status::Ok();
}

Status LoadConfigEnv(Config* config, const std::map<std::string, std::string>& env) {
  for (const auto& key : ConfigKeys()) {
    std::string name = "HUMAS_";
    for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto it = env.find(name);
    if (it == env.end()) continue;
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(config, key, it->second, "environment " + name));
  }
  return Status::Ok();
}

std::map<std::string, std::string> HumasEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    if (kv.rfind("HUMAS_", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace humas::app
