// libsodium-backed credentials and the login rate limiter.
#include "api/auth.h"

#include <sodium.h>

#include <cctype>

namespace humas::api {

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  return Status::Ok();
}

Status CheckPasswordPolicy(const std::string& password) {
  // Count code points, not bytes, so Indonesian passphrases with non-ASCII letters are fair.
  size_t chars = 0;
  for (unsigned char c : password)
    if ((c & 0xC0) != 0x80) ++chars;
  if (chars < 10)
    return InvalidArgument("password must have at least 10 characters").WithField("password");
  if (password.size() > 256)
    return InvalidArgument("password must be at most 256 bytes").WithField("password");
  return Status::Ok();
}

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return ResourceExhausted("not enough memory to hash the password");
  return std::string(out);
}

bool VerifyPassword(const std::string& encoded, const std::string& password) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::string NewToken() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool SafeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

UnixMillis LoginLimiter::WaitFor(std::deque<UnixMillis>& q, int limit, UnixMillis now) {
  while (!q.empty() && q.front() <= now - limits_.window_ms) q.pop_front();
  if (static_cast<int>(q.size()) < limit) return 0;
  return q[q.size() - limit] + limits_.window_ms - now;
}

UnixMillis LoginLimiter::RetryAfter(const std::string& username, const std::string& ip) {
  std::lock_guard<std::mutex> lock(mu_);
  UnixMillis now = clock_.Now();
  UnixMillis a = WaitFor(by_user_[username], limits_.per_user, now);
  UnixMillis b = WaitFor(by_ip_[ip], limits_.per_ip, now);
  return a > b ? a : b;
}

void LoginLimiter::RecordFailure(const std::string& username, const std::string& ip) {
  std::lock_guard<std::mutex> lock(mu_);
  UnixMillis now = clock_.Now();
  by_user_[username].push_back(now);
  by_ip_[ip].push_back(now);
  // Keep memory bounded under a flood of distinct usernames.
  if (by_user_.size() > 100000) by_user_.clear();
  if (by_ip_.size() > 100000) by_ip_.clear();
}

void LoginLimiter::RecordSuccess(const std::string& username) {
  std::lock_guard<std::mutex> lock(mu_);
  by_user_.erase(username);
}

}  // namespace humas::api
