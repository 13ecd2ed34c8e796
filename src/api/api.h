// The JSON API under /api/v1 (docs/api.md): registers every route on the HTTP server.
#pragma once

#include "api/common.h"
#include "http/http.h"
#include "store/alerts.h"

namespace humas::api {

//! Registers all routes and the live-event stream. `ctx` must outlive `server`.
void RegisterRoutes(http::Server& server, Context& ctx);

//! Per-resource registration (one file each).
void RegisterAuthRoutes(http::Server& server, Context& ctx);
void RegisterDirectoryRoutes(http::Server& server, Context& ctx);
void RegisterUserRoutes(http::Server& server, Context& ctx);
void RegisterMentionRoutes(http::Server& server, Context& ctx);
void RegisterAuditRoutes(http::Server& server, Context& ctx);
void RegisterSpreadRoutes(http::Server& server, Context& ctx);

//! The agencies a mention query may cover: the caller's readable set, narrowed to the subtree of
//! the `agency_id` query parameter when given (NotFound when that agency is out of scope).
Status MentionScope(const http::Request& req, Caller& c, std::optional<std::vector<Id>>* ids,
                    bool* include_unassigned);
//! A time query parameter: a date (a WIB calendar day) or an RFC 3339 time; nullopt if absent.
Result<std::optional<UnixMillis>> QueryTime(const http::Request& req, const char* name);
void RegisterInboxRoutes(http::Server& server, Context& ctx);
void RegisterInboxAdminRoutes(http::Server& server, Context& ctx);
void RegisterConnectorRoutes(http::Server& server, Context& ctx);

//! Agency queries (social listening); also compiles the stored active queries for intake.
void RegisterQueryRoutes(http::Server& server, Context& ctx);

//! Listening alerts and their per-agency thresholds.
void RegisterAlertRoutes(http::Server& server, Context& ctx);
//! Publishes an opened, refreshed or closed alert on the live stream (event "alert", scope = its
//! agency). `change` is "opened" | "refreshed" | "closed".
void PublishAlert(Context& ctx, const store::Alert& alert, const std::string& change);

//! Publishes the current state of a case on the live stream (event "case", scope = its agency)
//! after background work changed it (inbox::Runtime::case_changed: a reply sent or failed).
void PublishCaseChange(Context& ctx, Id case_id);

//! Lower-cases and validates a username: 3-64 of [a-z0-9._-].
Status ValidateUsername(std::string* username);

//! Publishes a newly stored mention on the live stream (scope = its agency). `h` (may be null)
//! supplies the agency name.
void PublishMention(Context& ctx, const Mention& mention, const Hierarchy* h);

}  // namespace humas::api
