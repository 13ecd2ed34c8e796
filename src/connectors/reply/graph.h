// The Meta Graph API error format ({"error": {"message", "code", "is_transient", ...}}), shared by
// the Facebook, Instagram and WhatsApp Cloud reply clients.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace humas::connectors::reply {

//! Maps a Graph error to a Status (see reply.h): transient errors and rate limits → Unavailable,
//! token/permission errors → PermissionDenied, WhatsApp's closed 24-hour window (131047) →
//! FailedPrecondition, the rest by HTTP status. The message carries Meta's own explanation.
Status GraphFailure(const std::string& service, const std::string& what, int status,
                    const nlohmann::json& body);

}  // namespace humas::connectors::reply
