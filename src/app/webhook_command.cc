// `humas webhook-verify`: checks one webhook delivery (headers file + raw body file) offline.
#include <sodium.h>

#include <cstdio>
#include <ctime>

#include "app/cli_io.h"
#include "app/commands.h"
#include "app/flags.h"
#include "connectors/webhook/verify.h"

namespace humas::app {
namespace {

constexpr char kUsage[] =
    "usage: humas webhook-verify --platform meta|x|telegram|standard --secret S --headers FILE "
    "--body FILE [--now UNIX_SECONDS]\n";

//! Bodies and header files larger than this are refused (exit 2): /dev/zero must end too.
constexpr size_t kMaxFileBytes = size_t{256} << 20;

int Usage(const std::string& why) {
  std::fprintf(stderr, "humas: webhook-verify: %s\n%s", OneLine(why).c_str(), kUsage);
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
  auto headers_text = ReadInputFile(*flags->Get("headers"), kMaxFileBytes);
  if (!headers_text.ok()) return Usage("headers file: " + headers_text.status().message());
  std::string body;
  if (auto b = flags->Get("body")) {
    auto read = ReadInputFile(*b, kMaxFileBytes);
    if (!read.ok()) return Usage("body file: " + read.status().message());
    body = std::move(*read);
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "humas: webhook-verify: libsodium failed to initialise\n");
    return 2;
  }
  auto headers = webhook::ParseHeadersFile(*headers_text);
  if (!headers.ok()) {
    std::printf("not authentic: %s\n", OneLine(headers.status().message()).c_str());
    return 1;
  }
  Status s = webhook::Verify(*scheme, *flags->Get("secret"), *headers, body, now);
  if (!s.ok()) {
    std::printf("not authentic: %s\n", OneLine(s.message()).c_str());
    return 1;
  }
  std::printf("authentic\n");
  return 0;
}

}  // namespace humas::app
