// Credentials and sessions: Argon2id password hashes, opaque tokens, login rate limiting.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace humas::api {

//! Must be called once before any other function here (initialises libsodium). Thread-safe.
Status InitCrypto();

//! Argon2id (libsodium crypto_pwhash_str, interactive limits) encoded hash of `password`.
Result<std::string> HashPassword(const std::string& password);
//! True when `password` matches `encoded`. Constant-time in the password.
bool VerifyPassword(const std::string& encoded, const std::string& password);
//! Password policy: at least 10 characters, at most 256 bytes. InvalidArgument with the reason.
Status CheckPasswordPolicy(const std::string& password);

//! 256 random bits, base64url without padding (43 chars).
std::string NewToken();
//! Hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);
//! Constant-time string comparison.
bool SafeEquals(const std::string& a, const std::string& b);

//! Limits failed logins per username and per client address within a sliding window.
//! Thread-safe. In-process: with several server nodes each node limits separately (documented).
class LoginLimiter {
 public:
  struct Limits {
    int per_user = 5;
    int per_ip = 20;
    UnixMillis window_ms = 15 * 60 * 1000;
  };
  explicit LoginLimiter(const Clock& clock) : LoginLimiter(clock, Limits{}) {}
  LoginLimiter(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {}

  //! 0 when a login attempt may proceed, else milliseconds until it may.
  UnixMillis RetryAfter(const std::string& username, const std::string& ip);
  void RecordFailure(const std::string& username, const std::string& ip);
  //! A successful login clears the username's failures.
  void RecordSuccess(const std::string& username);

 private:
  UnixMillis WaitFor(std::deque<UnixMillis>& q, int limit, UnixMillis now);

  const Clock& clock_;
  const Limits limits_;
  std::mutex mu_;
  std::map<std::string, std::deque<UnixMillis>> by_user_;  // guarded by mu_
  std::map<std::string, std::deque<UnixMillis>> by_ip_;    // guarded by mu_
};

}  // namespace humas::api
