// AuditHash: the backend-neutral hash of an audit entry (SHA-256 via libsodium).
#include <sodium.h>

#include <cstdint>
#include <string>

#include "store/store.h"

namespace humas::store {
namespace {

// Each field is written as an 8-byte big-endian length followed by its bytes, so no choice of
// field contents can make two different entries encode to the same byte string.
void AppendField(std::string* out, std::string_view v) {
  std::uint64_t n = v.size();
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((n >> shift) & 0xff));
  out->append(v);
}

void AppendInt(std::string* out, std::int64_t v) { AppendField(out, std::to_string(v)); }

// Absent optionals encode as an empty field; present ones as "=" followed by the number, so the
// two can never collide.
void AppendOptional(std::string* out, const std::optional<Id>& v) {
  AppendField(out, v.has_value() ? "=" + std::to_string(*v) : std::string());
}

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  std::string buf;
  AppendField(&buf, "humas.audit.v1");
  AppendField(&buf, e.prev_hash);
  AppendInt(&buf, e.seq);
  AppendInt(&buf, e.at);
  AppendOptional(&buf, e.actor_user_id);
  AppendField(&buf, e.actor_name);
  AppendField(&buf, e.action);
  AppendField(&buf, e.entity);
  AppendField(&buf, e.entity_id);
  AppendOptional(&buf, e.agency_id);
  AppendField(&buf, e.details_json);

  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(buf.data()), buf.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace humas::store
