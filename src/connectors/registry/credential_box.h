// Credentials at rest: libsodium secretbox (XSalsa20-Poly1305) under one key kept in a 0600 file
// outside the database. The store only ever holds base64(nonce || ciphertext); a copied database
// without the key file reveals nothing, and a tampered value fails to open.
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"

namespace humas::connectors {

class CredentialBox {
 public:
  using Key = std::array<unsigned char, crypto_secretbox_KEYBYTES>;

  //! Loads the key from `path`, creating the file (mode 0600, fresh random key) when it does not
  //! exist. FailedPrecondition when the file has the wrong size or can be read by group/others
  //! (the error names the file and the fix, never the key).
  static Result<CredentialBox> OpenKeyFile(const std::string& path);
  //! A box over a given key (tests).
  explicit CredentialBox(const Key& key) : key_(key) {}
  CredentialBox(const CredentialBox&) = default;
  CredentialBox& operator=(const CredentialBox&) = default;
  ~CredentialBox() { sodium_memzero(key_.data(), key_.size()); }

  //! base64(random nonce || secretbox(plaintext)); "" for an empty plaintext.
  std::string Seal(std::string_view plaintext) const;
  //! The plaintext of a Seal() result ("" for ""). DataLoss when the value is not valid base64,
  //! too short, sealed under another key or altered.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  Key key_;
};

}  // namespace humas::connectors
