// Shared pieces of the inbox handlers (inbox_routes.cc, inbox_admin_routes.cc): JSON of the inbox
// types, who may do what, and small readers.
#pragma once

#include <map>
#include <string>

#include "api/common.h"
#include "core/inbox.h"
#include "inbox/inbox.h"
#include "store/cases.h"

namespace humas::api {

//! Roles that work the inbox of an agency (read and write cases).
inline bool CanWorkInbox(const Caller& c, Id agency) {
  return c.access->HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas},
                         agency);
}
//! Roles that approve replies and ready answers of an agency.
inline bool CanApprove(const Caller& c, Id agency) {
  return c.access->HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat}, agency);
}

//! Per-request caches for the JSON encoders (users by id, calendars by agency).
class InboxJson {
 public:
  InboxJson(Context& ctx, const Caller& caller) : ctx_(ctx), caller_(caller) {}
  json UserRef(std::optional<Id> id);
  json CaseJson(const Case& c);
  json DispositionJson(const Disposition& d);
  json ReplyJson(const Reply& r);
  json AnswerJson(const ReadyAnswer& a, bool with_score = false);
  json NoteJson(const CaseNote& n);
  json EventJson(const CaseEvent& e);
  std::string AgencyName(Id id) const;
  //! Whether replies on the case can go out now (cached per case).
  bool Sendable(Id case_id);

 private:
  Context& ctx_;
  const Caller& caller_;
  std::map<Id, json> users_;
  std::map<Id, std::optional<sla::Calendar>> calendars_;
  std::map<Id, bool> sendable_;
};

json NotificationJson(const Notification& n);
json SettingsJson(const InboxSettings& s);

using InboxHandler = std::function<http::Response(Context&, const http::Request&, Caller&)>;
//! Registers an authenticated inbox route.
void InboxRoute(http::Server& server, Context& ctx, const char* method, const std::string& path,
                InboxHandler fn);

//! Reads the required integer "version" of a body.
Result<std::int64_t> ReadVersion(const json& body, const char* key = "version");
//! Reads a list of agency ids (1–10, unique) under `key`.
Result<std::vector<Id>> ReadIdList(const json& body, const char* key);

}  // namespace humas::api
