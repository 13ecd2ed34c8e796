// Domain types as the JSON of docs/api.md.
#pragma once

#include "api/access.h"
#include "api/common.h"
#include "core/model.h"
#include "store/store.h"

namespace humas::api {

json ToJson(const Agency& a);
json ToJson(const Account& a, const Hierarchy* h);
//! `today` is "YYYY-MM-DD" in the agency's zone (validity status is computed against it).
json ToJson(const Appointment& a, const Hierarchy* h, const std::string& today);
//! `reader`: who reads it; a near-duplicate's original is named only when the reader may see it
//! (null reader, e.g. the live stream: only when the original is of the mention's own agency).
json ToJson(const Mention& m, const Hierarchy* h, const Access* reader = nullptr);
json ToJson(const AuditEntry& e);
//! The "Me"/user object; never includes the password hash.
json UserJson(const User& u, const Hierarchy* h);

//! Optional time as RFC 3339 or null.
json TimeOrNull(const std::optional<UnixMillis>& t);
//! "valid" | "expired" | "upcoming" | "inactive".
std::string AppointmentStatus(const Appointment& a, const std::string& today);
//! Today's date (YYYY-MM-DD) in a time zone among Asia/Jakarta (+7), Asia/Makassar (+8),
//! Asia/Jayapura (+9); others are treated as Asia/Jakarta.
std::string TodayIn(const std::string& timezone, UnixMillis now);
//! UTC offset in hours for the three Indonesian zones; 0 for unknown zones.
int ZoneOffsetHours(const std::string& timezone);

}  // namespace humas::api
