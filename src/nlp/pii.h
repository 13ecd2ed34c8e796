// Personal-data detector: Indonesian NIK, phone numbers, e-mail addresses and street addresses,
// used to warn before publishing and to redact exports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace humas::nlp {

//! Stable names via ToString: "nik", "phone", "email", "address".
enum class PiiKind { kNik, kPhone, kEmail, kAddress };
std::string_view ToString(PiiKind kind);

//! One finding: the byte range [begin, end) of the input.
struct PiiMatch {
  PiiKind kind = PiiKind::kNik;
  std::size_t begin = 0;
  std::size_t end = 0;
};

//! Finds personal data in text (any bytes; invalid UTF-8 is fine). Rules:
//! - NIK: exactly 16 digits (not part of a longer number) whose structure is plausible: a
//!   province code that exists (11-19, 21, 31-36, 51-53, 61-65, 71-76, 81-82, 91-97), non-zero
//!   regency and district, a birth day 01-31 (41-71 for women), month 01-12, serial not 0000.
//! - phone: mobile numbers +62 8xx / 62 8xx / 08xx with 9-13 digits in all (spaces, dots and
//!   dashes allowed between groups), and landlines (0xx) xxxx-xxxx with an area code.
//! - email: local@domain.tld.
//! - address: "jl./jln./jalan/gg./gang <name> ... no. <n>" or "rt <n> / rw <n>".
//! Matches are sorted by begin and do not overlap.
std::vector<PiiMatch> FindPersonalData(std::string_view text);

//! True when FindPersonalData finds anything (for MentionLabels::has_personal_data).
bool HasPersonalData(std::string_view text);

//! Copy of text with each finding replaced by "[NIK]", "[TELEPON]", "[EMAIL]" or "[ALAMAT]".
std::string RedactPersonalData(std::string_view text);

}  // namespace humas::nlp
