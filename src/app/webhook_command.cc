// `humas webhook-verify`: checks one webhook delivery (headers file + raw body file) offline.
#include <sodium.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/flags.h"
#include "connectors/webhook/verify.h"

namespace humas::app {
namespace {

constexpr char kUsage[] =
    "usage: humas webhook-verify --platform meta|x|telegram|standard --secret S --headers FILE "
    "--body FILE [--now UNIX_SECONDS]\n";

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return !in.bad();
}

int Usage(const std::string& why) {
  std::fprintf(stderr, "humas: webhook-verify: %s\n%s", why.c_str(), kUsage);
  return 2;
}

}  // namespace

int WebhookVerifyCommand(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"platform", "secret", "headers", "body", "now"}, {});
  if (!flags.ok()) return Usage(flags.status().message());
  auto scheme = webhook::ParseScheme(flags->Get("platform").value_or(""));
  if (!scheme) return Usage("--platform must be meta, x, telegram or standard");
  if (!flags->Has("secret")) return Usage("--secret is required");
  if (!flags->Has("headers")) return Usage("--headers is required");
  if (!flags->Has("body") && *scheme != webhook::Scheme::kTelegram)
    return Usage("--body is required");
  std::int64_t now = std::time(nullptr);
  if (auto v = flags->Get("now")) {
    try {
      size_t pos = 0;
      now = std::stoll(*v, &pos);
      if (pos != v->size()) return Usage("--now must be a number of seconds");
    } catch (const std::exception&) {
      return Usage("--now must be a number of seconds");
    }
  }
  std::string headers_text, body;
  if (!ReadFile(*flags->Get("headers"), &headers_text))
    return Usage("cannot read headers file " + *flags->Get("headers"));
  if (auto b = flags->Get("body"); b && !ReadFile(*b, &body))
    return Usage("cannot read body file " + *b);
  if (sodium_init() < 0) {
    std::fprintf(stderr, "humas: webhook-verify: libsodium failed to initialise\n");
    return 2;
  }
  auto headers = webhook::ParseHeadersFile(headers_text);
  if (!headers.ok()) {
    std::printf("not authentic: %s\n", headers.status().message().c_str());
    return 1;
  }
  Status s = webhook::Verify(*scheme, *flags->Get("secret"), *headers, body, now);
  if (!s.ok()) {
    std::printf("not authentic: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("authentic\n");
  return 0;
}

}  // namespace humas::app
