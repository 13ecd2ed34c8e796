// libFuzzer target for `humas webhook-verify`'s inputs: the headers file parser and every
// platform's check must never crash, hang or leak, and a forged delivery must never pass.
// Input: <headers file> NUL <body>.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connectors/webhook/verify.h"

using namespace humas::webhook;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t cut = in.find('\0');
  std::string_view headers_text = in.substr(0, cut);
  std::string_view body = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
  (void)StandardSecretKey(headers_text.substr(0, 64));
  auto headers = ParseHeadersFile(headers_text);
  if (!headers.ok()) return 0;
  const std::int64_t now = 1614265330;
  // Secrets that sign none of the seeds: whatever the fuzzer writes must not verify, as it
  // cannot compute their HMACs. (A pass would be a broken check: abort so libFuzzer keeps it.)
  if (Verify(Scheme::kMeta, "fuzz-meta-secret-7f3a", *headers, body, now).ok()) std::abort();
  if (Verify(Scheme::kX, "fuzz-x-secret-91c2", *headers, body, now).ok()) std::abort();
  if (Verify(Scheme::kStandard, "whsec_ZnV6ei1zdGFuZGFyZC1zZWNyZXQtNWQ4ZQ==", *headers, body, now)
          .ok())
    std::abort();
  (void)Verify(Scheme::kTelegram, "humas_Secret-Token_01", *headers, body, now);
  return 0;
}
