// Signature checks over raw bodies with libsodium (HMAC-SHA256, base64, constant-time compare).
#include "connectors/webhook/verify.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

namespace humas::webhook {
namespace {

using Digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Digest Hmac(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  Digest d;
  crypto_auth_hmacsha256_final(&st, d.data());
  return d;
}

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

//! Constant-time equality of two strings of public length.
bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

//! Checks "sha256=<value>" against the expected value (hex or base64 text).
Status CheckPrefixed(const std::string* header, const char* header_name, std::string_view expected,
                     const char* encoding) {
  if (!header) return Unauthenticated(std::string("missing ") + header_name + " header");
  std::string_view v = TrimView(*header);
  constexpr std::string_view kPrefix = "sha256=";
  if (v.substr(0, kPrefix.size()) != kPrefix)
    return Unauthenticated(std::string(header_name) + " does not start with \"sha256=\"");
  v.remove_prefix(kPrefix.size());
  if (!SameBytes(v, expected))
    return PermissionDenied(std::string(header_name) + " does not match the body (expected " +
                            encoding + " HMAC-SHA256 of the raw body with the configured secret)");
  return Status::Ok();
}

//! "POST /hooks/meta HTTP/1.1" (also with an absolute URL, which has a colon of its own).
bool IsRequestLine(std::string_view line) {
  size_t sp = line.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return false;
  for (char c : line.substr(0, sp))
    if (c < 'A' || c > 'Z') return false;
  size_t version = line.rfind(" HTTP/");
  return version != std::string_view::npos && version > sp;
}

std::string_view Base64Alphabet() {
  return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

}  // namespace

std::optional<Scheme> ParseScheme(std::string_view s) {
  if (s == "meta") return Scheme::kMeta;
  if (s == "x") return Scheme::kX;
  if (s == "telegram") return Scheme::kTelegram;
  if (s == "standard") return Scheme::kStandard;
  return std::nullopt;
}

std::string_view ToString(Scheme s) {
  switch (s) {
    case Scheme::kMeta:
      return "meta";
    case Scheme::kX:
      return "x";
    case Scheme::kTelegram:
      return "telegram";
    case Scheme::kStandard:
      return "standard";
  }
  return "meta";
}

Result<const std::string*> SingleHeader(const Headers& headers, const std::string& name) {
  auto [first, last] = headers.equal_range(name);
  if (first == last) return static_cast<const std::string*>(nullptr);
  for (auto it = std::next(first); it != last; ++it)
    if (it->second != first->second)
      return InvalidArgument(name + " appears more than once with different values");
  return &first->second;
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  Digest d = Hmac(key, message);
  char hex[sizeof(Digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, d.data(), d.size());
  return hex;
}

std::string HmacSha256Base64(std::string_view key, std::string_view message) {
  Digest d = Hmac(key, message);
  return Base64(d.data(), d.size());
}

Status VerifyMeta(std::string_view app_secret, const std::string* header, std::string_view body) {
  if (app_secret.empty()) return FailedPrecondition("no app secret configured");
  // Meta sends lower-case hex; compare case-insensitively by lowering the (public) header value.
  std::string lowered;
  if (header) lowered = Lower(*header);
  return CheckPrefixed(header ? &lowered : nullptr, "X-Hub-Signature-256",
                       HmacSha256Hex(app_secret, body), "hex");
}

Status VerifyX(std::string_view consumer_secret, const std::string* header, std::string_view body) {
  if (consumer_secret.empty()) return FailedPrecondition("no consumer secret configured");
  return CheckPrefixed(header, "x-twitter-webhooks-signature",
                       HmacSha256Base64(consumer_secret, body), "base64");
}

std::string XCrcResponseToken(std::string_view consumer_secret, std::string_view crc_token) {
  return "sha256=" + HmacSha256Base64(consumer_secret, crc_token);
}

Status VerifyTelegram(std::string_view secret_token, const std::string* header) {
  if (secret_token.empty()) return FailedPrecondition("no secret token configured");
  if (!header) return Unauthenticated("missing X-Telegram-Bot-Api-Secret-Token header");
  if (!SameBytes(*header, secret_token))
    return PermissionDenied("X-Telegram-Bot-Api-Secret-Token does not match the configured token");
  return Status::Ok();
}

Result<std::string> StandardSecretKey(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
  std::string b64(secret);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  const auto alphabet = Base64Alphabet();
  if (b64.empty() || b64.size() % 4 == 1 || b64.find_first_not_of(alphabet) != std::string::npos)
    return InvalidArgument("the secret is not base64 (after an optional whsec_ prefix)");
  // Unpadded secrets may carry non-zero bits after the last whole byte; decoders that pad them
  // (as the reference libraries do) ignore those bits, libsodium rejects them: clear them.
  if (size_t rest = b64.size() % 4; rest != 0) {
    size_t spare_bits = rest == 2 ? 4 : 2;
    size_t v = alphabet.find(b64.back());
    b64.back() = alphabet[v & ~((size_t{1} << spare_bits) - 1)];
  }
  std::string key(b64.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
    return InvalidArgument("the secret is not base64 (after an optional whsec_ prefix)");
  key.resize(len);
  return key;
}

Status VerifyStandard(std::string_view secret, const Headers& headers, std::string_view body,
                      std::int64_t now_seconds, std::int64_t tolerance_seconds) {
  auto key = StandardSecretKey(secret);
  if (!key.ok()) return FailedPrecondition(key.status().message());
  auto id = SingleHeader(headers, "webhook-id");
  if (!id.ok()) return Unauthenticated(id.status().message());
  auto ts = SingleHeader(headers, "webhook-timestamp");
  if (!ts.ok()) return Unauthenticated(ts.status().message());
  // Signatures are one space-separated list, whether one line or several carry them.
  std::string sigs;
  auto [first_sig, last_sig] = headers.equal_range("webhook-signature");
  for (auto it = first_sig; it != last_sig; ++it) {
    if (it->second.empty()) continue;
    if (!sigs.empty()) sigs += ' ';
    sigs += it->second;
  }
  if (!*id || (*id)->empty()) return Unauthenticated("missing webhook-id header");
  if (!*ts || (*ts)->empty()) return Unauthenticated("missing webhook-timestamp header");
  if (sigs.empty()) return Unauthenticated("missing webhook-signature header");
  const std::string& stamp = **ts;
  std::int64_t t = 0;
  auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), t);
  if (ec != std::errc() || end != stamp.data() + stamp.size())
    return Unauthenticated("webhook-timestamp is not a number of seconds");
  // The distance as an unsigned difference: no overflow whatever the clock or the header says.
  const auto distance = [](std::int64_t hi, std::int64_t lo) {
    return static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  };
  const auto tolerance = static_cast<std::uint64_t>(std::max<std::int64_t>(tolerance_seconds, 0));
  if (t < now_seconds && distance(now_seconds, t) > tolerance)
    return PermissionDenied("webhook-timestamp is too old (more than " +
                            std::to_string(tolerance_seconds) + " s)");
  if (t > now_seconds && distance(t, now_seconds) > tolerance)
    return PermissionDenied("webhook-timestamp is too far in the future (more than " +
                            std::to_string(tolerance_seconds) + " s)");
  std::string signed_content;
  signed_content.reserve((*id)->size() + stamp.size() + body.size() + 2);
  signed_content.append(**id).append(".").append(stamp).append(".").append(body);
  const std::string expected = HmacSha256Base64(*key, signed_content);
  std::string_view rest = sigs;
  bool any_v1 = false;
  while (!rest.empty()) {
    size_t sp = rest.find(' ');
    std::string_view entry = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    size_t comma = entry.find(',');
    if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") continue;
    any_v1 = true;
    if (SameBytes(entry.substr(comma + 1), expected)) return Status::Ok();
  }
  if (!any_v1) return Unauthenticated("webhook-signature holds no v1 signature");
  return PermissionDenied("no webhook-signature entry matches the body");
}

Status Verify(Scheme scheme, std::string_view secret, const Headers& headers, std::string_view body,
              std::int64_t now_seconds) {
  auto signature = [&headers](const char* name) -> Result<const std::string*> {
    auto v = SingleHeader(headers, name);
    if (!v.ok()) return Unauthenticated(v.status().message());
    return *v;
  };
  switch (scheme) {
    case Scheme::kMeta: {
      HUMAS_ASSIGN_OR_RETURN(const std::string* header, signature("x-hub-signature-256"));
      return VerifyMeta(secret, header, body);
    }
    case Scheme::kX: {
      HUMAS_ASSIGN_OR_RETURN(const std::string* header, signature("x-twitter-webhooks-signature"));
      return VerifyX(secret, header, body);
    }
    case Scheme::kTelegram: {
      HUMAS_ASSIGN_OR_RETURN(const std::string* header,
                             signature("x-telegram-bot-api-secret-token"));
      return VerifyTelegram(secret, header);
    }
    case Scheme::kStandard:
      return VerifyStandard(secret, headers, body, now_seconds);
  }
  return Internal("unknown scheme");
}

Result<Headers> ParseHeadersFile(std::string_view text) {
  Headers out;
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  std::string_view t = TrimView(text);
  if (!t.empty() && t.front() == '{') {
    auto j = nlohmann::json::parse(t, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
      return InvalidArgument("headers file: starts with '{' but is not a JSON object");
    for (const auto& [name, value] : j.items()) {
      const std::string key = Lower(name);
      for (const auto& v : value.is_array() ? value : nlohmann::json::array({value})) {
        if (v.is_null()) continue;
        if (v.is_string())
          out.emplace(key, std::string(TrimView(v.get_ref<const std::string&>())));
        else if (v.is_number_integer())
          out.emplace(key, v.dump());
        else
          return InvalidArgument("headers file: value of \"" + name +
                                 "\" is not a string (or a list of strings)");
      }
    }
    return out;
  }
  size_t pos = 0;
  int line_no = 0;
  std::string* last_value = nullptr;  // for continuation lines
  bool seen_line = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimView(line).empty()) {
      if (seen_line) break;  // the end of the header section: a pasted body follows
      continue;
    }
    const bool first_line = !seen_line;
    seen_line = true;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!last_value)
        return InvalidArgument("headers file line " + std::to_string(line_no) +
                               ": a continuation line without a header before it");
      last_value->append(" ").append(TrimView(line));
      continue;
    }
    if (line.front() == ':') {  // an HTTP/2 pseudo-header such as ":method: POST"
      last_value = nullptr;
      continue;
    }
    if (first_line && IsRequestLine(line)) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return InvalidArgument("headers file line " + std::to_string(line_no) +
                             ": expected \"Name: value\"");
    std::string name = Lower(TrimView(line.substr(0, colon)));
    if (name.empty() || name.find_first_of(" \t") != std::string::npos)
      return InvalidArgument("headers file line " + std::to_string(line_no) +
                             ": expected \"Name: value\"");
    // Header values keep inner spaces (Standard Webhooks separates signatures with them).
    auto it = out.emplace(std::move(name), std::string(TrimView(line.substr(colon + 1))));
    last_value = &it->second;
  }
  return out;
}

}  // namespace humas::webhook
