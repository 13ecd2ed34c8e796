// /api/v1/agencies, /accounts, /appointments: the directory of the guideline's first steps.
#include <regex>
#include <string>

#include "api/api.h"
#include "api/json_model.h"

namespace humas::api {
namespace {

const char* const kAgencyFields[] = {"parent_id", "kind",  "name",  "short_name", "code",
                                     "timezone",  "email", "phone", "website"};

Status ValidateTimezone(const std::string& tz) {
  if (tz == "Asia/Jakarta" || tz == "Asia/Makassar" || tz == "Asia/Jayapura") return Status::Ok();
  return InvalidArgument(
             "timezone must be Asia/Jakarta (WIB), Asia/Makassar (WITA) or "
             "Asia/Jayapura (WIT)")
      .WithField("timezone");
}

Status ValidateUrl(const std::string& url, const char* field) {
  if (url.empty()) return Status::Ok();
  static const std::regex kUrl(R"(^https?://[^\s/$.?#][^\s]*$)", std::regex::icase);
  if (!std::regex_match(url, kUrl))
    return InvalidArgument(std::string(field) + " must be a web address starting with https://")
        .WithField(field);
  return Status::Ok();
}

Status ValidateEmail(const std::string& email) {
  if (email.empty()) return Status::Ok();
  static const std::regex kEmail(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)");
  if (!std::regex_match(email, kEmail))
    return InvalidArgument("email is not a valid e-mail address").WithField("email");
  return Status::Ok();
}

//! Reads the agency fields present in `body` into `a`. `creating` makes name/code/kind required.
Status ReadAgency(const json& body, Agency* a, bool creating, bool* parent_present) {
  HUMAS_RETURN_IF_ERROR(ReadOptionalId(body, "parent_id", &a->parent_id, parent_present));
  if (creating) {
    std::string kind;
    HUMAS_RETURN_IF_ERROR(ReadString(body, "kind", &kind, true));
    auto k = ParseAgencyKind(kind);
    if (!k) return InvalidArgument("kind must be region, agency or unit").WithField("kind");
    a->kind = *k;
  } else if (body.contains("kind")) {
    return InvalidArgument("kind cannot be changed; create a new agency instead").WithField("kind");
  }
  HUMAS_RETURN_IF_ERROR(ReadString(body, "name", &a->name, creating, 2, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "short_name", &a->short_name, false, 0, 40));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "code", &a->code, creating, 0, 40));
  static const std::regex kCode("^[a-z0-9-]{2,40}$");
  if (!std::regex_match(a->code, kCode))
    return InvalidArgument("code must be 2-40 lower-case letters, digits or '-'").WithField("code");
  HUMAS_RETURN_IF_ERROR(ReadString(body, "timezone", &a->timezone));
  HUMAS_RETURN_IF_ERROR(ValidateTimezone(a->timezone));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "email", &a->email, false, 0, 200));
  HUMAS_RETURN_IF_ERROR(ValidateEmail(a->email));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "phone", &a->phone, false, 0, 40));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "website", &a->website, false, 0, 500));
  return ValidateUrl(a->website, "website");
}

//! The hierarchy rule: region has no parent; agency under a region; unit under an agency.
Status CheckPlacement(const Agency& a, const Hierarchy& h) {
  if (a.kind == AgencyKind::kRegion) {
    if (a.parent_id) return InvalidArgument("a region has no parent").WithField("parent_id");
    return Status::Ok();
  }
  if (!a.parent_id) return InvalidArgument("parent_id is required").WithField("parent_id");
  const Agency* parent = h.Find(*a.parent_id);
  if (!parent) return InvalidArgument("parent_id: no such agency").WithField("parent_id");
  if (a.kind == AgencyKind::kAgency && parent->kind != AgencyKind::kRegion)
    return InvalidArgument("an agency must be placed under a region").WithField("parent_id");
  if (a.kind == AgencyKind::kUnit && parent->kind != AgencyKind::kAgency)
    return InvalidArgument("a unit must be placed under an agency").WithField("parent_id");
  if (a.id != 0 && h.IsWithin(*a.parent_id, a.id))
    return InvalidArgument("an agency cannot be placed under itself").WithField("parent_id");
  return Status::Ok();
}

json AgencyJsonWithCounts(const Agency& a, const std::map<Id, std::int64_t>& accounts,
                          const std::map<Id, std::int64_t>& appointments) {
  json j = ToJson(a);
  auto ac = accounts.find(a.id);
  auto ap = appointments.find(a.id);
  j["accounts_count"] = ac == accounts.end() ? 0 : ac->second;
  j["appointments_count"] = ap == appointments.end() ? 0 : ap->second;
  return j;
}

http::Response AgencyResponse(Context& ctx, int status, const Agency& a) {
  auto acc = ctx.store.accounts().CountByAgency();
  auto app = ctx.store.appointments().CountByAgency();
  return Json(status, AgencyJsonWithCounts(a, acc.ok() ? *acc : std::map<Id, std::int64_t>{},
                                           app.ok() ? *app : std::map<Id, std::int64_t>{}));
}

// ---------------------------------------------------------------- agencies

http::Response ListAgencies(Context& ctx, const http::Request& req, Caller& c) {
  store::AgencyFilter f;
  f.q = req.Query("q").value_or("");
  if (auto kind = req.Query("kind"); kind && !kind->empty()) {
    f.kind = ParseAgencyKind(*kind);
    if (!f.kind)
      return Error(InvalidArgument("kind must be region, agency or unit").WithField("kind"));
  }
  auto parent = QueryId(req, "parent_id");
  if (!parent.ok()) return Error(parent.status());
  f.parent_id = *parent;
  std::string active = req.Query("active").value_or("true");
  if (active == "true")
    f.active = true;
  else if (active == "false")
    f.active = false;
  else if (active != "all")
    return Error(InvalidArgument("active must be true, false or all"));
  f.ids = c.access->Readable();
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.agencies().List(f, *page);
  if (!list.ok()) return Error(list.status());
  auto acc = ctx.store.accounts().CountByAgency();
  auto app = ctx.store.appointments().CountByAgency();
  json items = json::array();
  for (const Agency& a : list->items)
    items.push_back(AgencyJsonWithCounts(a, acc.ok() ? *acc : std::map<Id, std::int64_t>{},
                                         app.ok() ? *app : std::map<Id, std::int64_t>{}));
  return Json(200, {{"items", items}, {"total", list->total}});
}

Result<Agency> ReadableAgency(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  if (!c.access->CanRead(id)) return NotFound("no such agency");
  return ctx.store.agencies().Get(id);
}

http::Response CreateAgency(Context& ctx, const http::Request& req, Caller& c) {
  auto body = ParseBody(req, kAgencyFields);
  if (!body.ok()) return Error(body.status());
  Agency a;
  bool parent_present = false;
  if (Status s = ReadAgency(*body, &a, true, &parent_present); !s.ok()) return Error(s);
  if (a.kind == AgencyKind::kRegion ? !c.access->IsAdmin()
                                    : !a.parent_id || !c.access->CanManageAgency(*a.parent_id))
    return Error(PermissionDenied("you may not create an agency here"));
  if (Status s = CheckPlacement(a, *c.hierarchy); !s.ok()) return Error(s);
  if (a.short_name.empty()) a.short_name = a.name;
  if (Status s = ctx.store.agencies().Create(&a); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Error(AlreadyExists("code is already used").WithField("code"));
    return Error(s);
  }
  c.Audit(ctx, "agency.create", "agency", std::to_string(a.id), a.id, *body);
  return AgencyResponse(ctx, 201, a);
}

http::Response UpdateAgency(Context& ctx, const http::Request& req, Caller& c) {
  auto a = ReadableAgency(ctx, req, c);
  if (!a.ok()) return Error(a.status());
  if (!c.access->CanManageAgency(a->id))
    return Error(PermissionDenied("you may not change this agency"));
  auto body = ParseBody(req, kAgencyFields);
  if (!body.ok()) return Error(body.status());
  Agency updated = *a;
  bool parent_present = false;
  if (Status s = ReadAgency(*body, &updated, false, &parent_present); !s.ok()) return Error(s);
  if (parent_present && updated.parent_id != a->parent_id) {
    if (Status s = CheckPlacement(updated, *c.hierarchy); !s.ok()) return Error(s);
    if (updated.parent_id && !c.access->CanManageAgency(*updated.parent_id))
      return Error(PermissionDenied("you may not move the agency there"));
  }
  if (Status s = ctx.store.agencies().Update(updated); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Error(AlreadyExists("code is already used").WithField("code"));
    return Error(s);
  }
  c.Audit(ctx, "agency.update", "agency", std::to_string(a->id), a->id, *body);
  auto fresh = ctx.store.agencies().Get(a->id);
  return fresh.ok() ? AgencyResponse(ctx, 200, *fresh) : Error(fresh.status());
}

http::Response SetAgencyActive(Context& ctx, const http::Request& req, Caller& c, bool active) {
  auto a = ReadableAgency(ctx, req, c);
  if (!a.ok()) return Error(a.status());
  if (!c.access->CanManageAgency(a->id))
    return Error(PermissionDenied("you may not change this agency"));
  if (a->active != active) {
    a->active = active;
    if (Status s = ctx.store.agencies().Update(*a); !s.ok()) return Error(s);
    c.Audit(ctx, active ? "agency.activate" : "agency.deactivate", "agency", std::to_string(a->id),
            a->id, json::object());
  }
  auto fresh = ctx.store.agencies().Get(a->id);
  return fresh.ok() ? AgencyResponse(ctx, 200, *fresh) : Error(fresh.status());
}

// ---------------------------------------------------------------- accounts

const char* const kAccountFields[] = {"agency_id", "platform",     "platform_type",
                                      "handle",    "display_name", "url",
                                      "status",    "verified",     "security"};

Status ReadAccount(const json& body, Account* a, bool creating) {
  if (creating) {
    std::int64_t agency = 0;
    HUMAS_RETURN_IF_ERROR(ReadInt(body, "agency_id", &agency, true));
    a->agency_id = agency;
  } else if (body.contains("agency_id")) {
    std::int64_t agency = 0;
    HUMAS_RETURN_IF_ERROR(ReadInt(body, "agency_id", &agency));
    a->agency_id = agency;
  }
  std::string s;
  if (creating || body.contains("platform")) {
    HUMAS_RETURN_IF_ERROR(ReadString(body, "platform", &s, true));
    auto p = ParsePlatform(s);
    if (!p) return InvalidArgument("platform is not one humas knows").WithField("platform");
    a->platform = *p;
  }
  if (creating || body.contains("platform_type")) {
    s.clear();
    HUMAS_RETURN_IF_ERROR(ReadString(body, "platform_type", &s, true));
    auto t = ParsePlatformType(s);
    if (!t) return InvalidArgument("platform_type is not valid").WithField("platform_type");
    a->platform_type = *t;
  }
  HUMAS_RETURN_IF_ERROR(ReadString(body, "handle", &a->handle, creating, 1, 100));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "display_name", &a->display_name, false, 0, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "url", &a->url, false, 0, 500));
  HUMAS_RETURN_IF_ERROR(ValidateUrl(a->url, "url"));
  if (body.contains("status")) {
    s.clear();
    HUMAS_RETURN_IF_ERROR(ReadString(body, "status", &s, true));
    auto st = ParseAccountStatus(s);
    if (!st)
      return InvalidArgument("status must be active, pending, inactive or suspended")
          .WithField("status");
    a->status = *st;
  }
  HUMAS_RETURN_IF_ERROR(ReadBool(body, "verified", &a->verified));
  if (auto it = body.find("security"); it != body.end()) {
    if (!it->is_object())
      return InvalidArgument("security must be an object").WithField("security");
    for (auto f = it->begin(); f != it->end(); ++f) {
      const std::string& k = f.key();
      if (k != "two_factor" && k != "recovery_owned_by_agency" && k != "password_in_custody" &&
          k != "custodian" && k != "last_review")
        return InvalidArgument("unknown field \"security." + k + "\"").WithField("security." + k);
    }
    SecurityChecklist& sec = a->security;
    HUMAS_RETURN_IF_ERROR(ReadBool(*it, "two_factor", &sec.two_factor));
    HUMAS_RETURN_IF_ERROR(ReadBool(*it, "recovery_owned_by_agency", &sec.recovery_owned_by_agency));
    HUMAS_RETURN_IF_ERROR(ReadBool(*it, "password_in_custody", &sec.password_in_custody));
    HUMAS_RETURN_IF_ERROR(ReadString(*it, "custodian", &sec.custodian, false, 0, 200));
    if (auto lr = it->find("last_review"); lr != it->end()) {
      if (lr->is_null()) {
        sec.last_review.reset();
      } else if (!lr->is_string()) {
        return InvalidArgument("security.last_review must be a date")
            .WithField("security.last_review");
      } else {
        std::string v = lr->get<std::string>();
        auto t = ParseRfc3339(v.size() == 10 ? v + "T00:00:00Z" : v);
        if (!t.ok())
          return InvalidArgument("security.last_review must be a date (YYYY-MM-DD)")
              .WithField("security.last_review");
        sec.last_review = *t;
      }
    }
  }
  return Status::Ok();
}

http::Response AccountResponse(Context& ctx, int status, Id id, const Hierarchy& h) {
  auto a = ctx.store.accounts().Get(id);
  return a.ok() ? Json(status, ToJson(*a, &h)) : Error(a.status());
}

http::Response ListAccounts(Context& ctx, const http::Request& req, Caller& c) {
  store::AccountFilter f;
  f.q = req.Query("q").value_or("");
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  f.agency_id = *agency;
  if (auto p = req.Query("platform"); p && !p->empty()) {
    f.platform = ParsePlatform(*p);
    if (!f.platform) return Error(InvalidArgument("platform is not valid").WithField("platform"));
  }
  if (auto st = req.Query("status"); st && !st->empty()) {
    f.status = ParseAccountStatus(*st);
    if (!f.status) return Error(InvalidArgument("status is not valid").WithField("status"));
  }
  f.agency_ids = c.access->Readable();
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.accounts().List(f, *page);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const Account& a : list->items) items.push_back(ToJson(a, c.hierarchy.get()));
  return Json(200, {{"items", items}, {"total", list->total}});
}

Result<Account> ReadableAccount(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto a = ctx.store.accounts().Get(id);
  if (!a.ok()) return a.status();
  if (!c.access->CanRead(a->agency_id)) return NotFound("no such account");
  return a;
}

http::Response CreateAccount(Context& ctx, const http::Request& req, Caller& c) {
  auto body = ParseBody(req, kAccountFields);
  if (!body.ok()) return Error(body.status());
  Account a;
  if (Status s = ReadAccount(*body, &a, true); !s.ok()) return Error(s);
  if (!c.access->CanRead(a.agency_id))
    return Error(InvalidArgument("agency_id: no such agency").WithField("agency_id"));
  if (!c.access->CanManageAccounts(a.agency_id))
    return Error(PermissionDenied("you may not add accounts to this agency"));
  if (Status s = ctx.store.accounts().Create(&a); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Error(
          AlreadyExists("this handle is already registered on the platform").WithField("handle"));
    return Error(s);
  }
  c.Audit(ctx, "account.create", "account", std::to_string(a.id), a.agency_id, *body);
  return AccountResponse(ctx, 201, a.id, *c.hierarchy);
}

http::Response UpdateAccount(Context& ctx, const http::Request& req, Caller& c,
                             std::optional<AccountStatus> set_status) {
  auto a = ReadableAccount(ctx, req, c);
  if (!a.ok()) return Error(a.status());
  if (!c.access->CanManageAccounts(a->agency_id))
    return Error(PermissionDenied("you may not change this account"));
  Account updated = *a;
  json details = json::object();
  if (set_status) {
    updated.status = *set_status;
    details["status"] = ToString(*set_status);
  } else {
    auto body = ParseBody(req, kAccountFields);
    if (!body.ok()) return Error(body.status());
    if (Status s = ReadAccount(*body, &updated, false); !s.ok()) return Error(s);
    if (updated.agency_id != a->agency_id && !c.access->CanManageAccounts(updated.agency_id))
      return Error(PermissionDenied("you may not move the account to that agency"));
    details = *body;
  }
  if (Status s = ctx.store.accounts().Update(updated); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Error(
          AlreadyExists("this handle is already registered on the platform").WithField("handle"));
    return Error(s);
  }
  c.Audit(ctx, set_status ? "account.deactivate" : "account.update", "account",
          std::to_string(a->id), updated.agency_id, details);
  return AccountResponse(ctx, 200, a->id, *c.hierarchy);
}

// ---------------------------------------------------------------- appointments

const char* const kAppointmentFields[] = {
    "agency_id", "user_id",       "role",        "person_name", "nip",
    "position",  "decree_number", "decree_date", "valid_from",  "valid_until"};

Status ReadAppointment(const json& body, Appointment* a, bool creating) {
  if (creating || body.contains("agency_id")) {
    std::int64_t agency = 0;
    HUMAS_RETURN_IF_ERROR(ReadInt(body, "agency_id", &agency, true));
    a->agency_id = agency;
  }
  HUMAS_RETURN_IF_ERROR(ReadOptionalId(body, "user_id", &a->user_id));
  if (creating || body.contains("role")) {
    std::string r;
    HUMAS_RETURN_IF_ERROR(ReadString(body, "role", &r, true));
    auto role = ParseAppointmentRole(r);
    if (!role) return InvalidArgument("role must be pejabat or petugas").WithField("role");
    a->role = *role;
  }
  HUMAS_RETURN_IF_ERROR(ReadString(body, "person_name", &a->person_name, creating, 2, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "nip", &a->nip, false, 0, 30));
  if (!a->nip.empty()) {
    std::string digits;
    for (char ch : a->nip)
      if (ch != ' ') digits += ch;
    static const std::regex kNip("^[0-9]{18}$");
    if (!std::regex_match(digits, kNip))
      return InvalidArgument("nip must have 18 digits").WithField("nip");
    a->nip = digits;
  }
  HUMAS_RETURN_IF_ERROR(ReadString(body, "position", &a->position, false, 0, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "decree_number", &a->decree_number, creating, 1, 100));
  for (auto [key, field] :
       {std::pair{"decree_date", &a->decree_date}, std::pair{"valid_from", &a->valid_from},
        std::pair{"valid_until", &a->valid_until}}) {
    HUMAS_RETURN_IF_ERROR(
        ReadString(body, key, field, creating && std::string(key) != "valid_until", 0, 10));
    if (!field->empty() && !IsDate(*field))
      return InvalidArgument(std::string(key) + " must be a date (YYYY-MM-DD)").WithField(key);
  }
  if (!a->valid_until.empty() && a->valid_until < a->valid_from)
    return InvalidArgument("valid_until must not be before valid_from").WithField("valid_until");
  return Status::Ok();
}

std::string AgencyToday(Context& ctx, const Hierarchy& h, Id agency) {
  const Agency* a = h.Find(agency);
  return TodayIn(a ? a->timezone : "Asia/Jakarta", ctx.clock.Now());
}

http::Response AppointmentResponse(Context& ctx, int status, Id id, const Hierarchy& h) {
  auto a = ctx.store.appointments().Get(id);
  if (!a.ok()) return Error(a.status());
  return Json(status, ToJson(*a, &h, AgencyToday(ctx, h, a->agency_id)));
}

http::Response ListAppointments(Context& ctx, const http::Request& req, Caller& c) {
  store::AppointmentFilter f;
  f.q = req.Query("q").value_or("");
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  f.agency_id = *agency;
  if (auto r = req.Query("role"); r && !r->empty()) {
    f.role = ParseAppointmentRole(*r);
    if (!f.role) return Error(InvalidArgument("role must be pejabat or petugas").WithField("role"));
  }
  f.agency_ids = c.access->Readable();
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  std::string want = req.Query("status").value_or("");
  if (!want.empty() && want != "valid" && want != "expired" && want != "upcoming" &&
      want != "inactive")
    return Error(
        InvalidArgument("status must be valid, expired, upcoming or inactive").WithField("status"));
  auto to_json = [&](const Appointment& a) {
    return ToJson(a, c.hierarchy.get(), AgencyToday(ctx, *c.hierarchy, a.agency_id));
  };
  json items = json::array();
  if (want.empty()) {
    auto list = ctx.store.appointments().List(f, *page);
    if (!list.ok()) return Error(list.status());
    for (const Appointment& a : list->items) items.push_back(to_json(a));
    return Json(200, {{"items", items}, {"total", list->total}});
  }
  // The status depends on today's date in each agency's zone, so it is filtered here over the
  // whole (small: decrees of the caller's agencies) result, then paged.
  std::int64_t matched = 0;
  for (int offset = 0;; offset += 200) {
    auto list = ctx.store.appointments().List(f, {200, offset});
    if (!list.ok()) return Error(list.status());
    for (const Appointment& a : list->items) {
      json j = to_json(a);
      if (j["status"] != want) continue;
      if (matched >= page->offset && matched < page->offset + page->limit)
        items.push_back(std::move(j));
      ++matched;
    }
    if (list->items.size() < 200) break;
  }
  return Json(200, {{"items", items}, {"total", matched}});
}

Result<Appointment> ReadableAppointment(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto a = ctx.store.appointments().Get(id);
  if (!a.ok()) return a.status();
  if (!c.access->CanRead(a->agency_id)) return NotFound("no such appointment");
  return a;
}

Status CheckLinkedUser(Context& ctx, const Appointment& a) {
  if (!a.user_id) return Status::Ok();
  auto u = ctx.store.users().Get(*a.user_id);
  if (!u.ok()) return InvalidArgument("user_id: no such user").WithField("user_id");
  return Status::Ok();
}

http::Response CreateAppointment(Context& ctx, const http::Request& req, Caller& c) {
  auto body = ParseBody(req, kAppointmentFields);
  if (!body.ok()) return Error(body.status());
  Appointment a;
  if (Status s = ReadAppointment(*body, &a, true); !s.ok()) return Error(s);
  if (!c.access->CanRead(a.agency_id))
    return Error(InvalidArgument("agency_id: no such agency").WithField("agency_id"));
  if (!c.access->CanManageAccounts(a.agency_id))
    return Error(PermissionDenied("you may not record appointments for this agency"));
  if (Status s = CheckLinkedUser(ctx, a); !s.ok()) return Error(s);
  if (Status s = ctx.store.appointments().Create(&a); !s.ok()) return Error(s);
  c.Audit(ctx, "appointment.create", "appointment", std::to_string(a.id), a.agency_id, *body);
  return AppointmentResponse(ctx, 201, a.id, *c.hierarchy);
}

http::Response UpdateAppointment(Context& ctx, const http::Request& req, Caller& c,
                                 bool deactivate) {
  auto a = ReadableAppointment(ctx, req, c);
  if (!a.ok()) return Error(a.status());
  if (!c.access->CanManageAccounts(a->agency_id))
    return Error(PermissionDenied("you may not change this appointment"));
  Appointment updated = *a;
  json details = json::object();
  if (deactivate) {
    updated.active = false;
  } else {
    auto body = ParseBody(req, kAppointmentFields);
    if (!body.ok()) return Error(body.status());
    if (Status s = ReadAppointment(*body, &updated, false); !s.ok()) return Error(s);
    if (updated.agency_id != a->agency_id && !c.access->CanManageAccounts(updated.agency_id))
      return Error(PermissionDenied("you may not move the appointment to that agency"));
    if (Status s = CheckLinkedUser(ctx, updated); !s.ok()) return Error(s);
    details = *body;
  }
  if (Status s = ctx.store.appointments().Update(updated); !s.ok()) return Error(s);
  c.Audit(ctx, deactivate ? "appointment.deactivate" : "appointment.update", "appointment",
          std::to_string(a->id), updated.agency_id, details);
  return AppointmentResponse(ctx, 200, a->id, *c.hierarchy);
}

}  // namespace

void RegisterDirectoryRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/agencies",
               Authed(ctx, [&ctx](R req, Caller& c) { return ListAgencies(ctx, req, c); }));
  server.Route("POST", "/api/v1/agencies",
               Authed(ctx, [&ctx](R req, Caller& c) { return CreateAgency(ctx, req, c); }));
  server.Route("GET", "/api/v1/agencies/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
                 auto a = ReadableAgency(ctx, req, c);
                 return a.ok() ? AgencyResponse(ctx, 200, *a) : Error(a.status());
               }));
  server.Route("PATCH", "/api/v1/agencies/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return UpdateAgency(ctx, req, c); }));
  server.Route("POST", "/api/v1/agencies/{id}/deactivate", Authed(ctx, [&ctx](R req, Caller& c) {
                 return SetAgencyActive(ctx, req, c, false);
               }));
  server.Route("POST", "/api/v1/agencies/{id}/activate", Authed(ctx, [&ctx](R req, Caller& c) {
                 return SetAgencyActive(ctx, req, c, true);
               }));

  server.Route("GET", "/api/v1/accounts",
               Authed(ctx, [&ctx](R req, Caller& c) { return ListAccounts(ctx, req, c); }));
  server.Route("POST", "/api/v1/accounts",
               Authed(ctx, [&ctx](R req, Caller& c) { return CreateAccount(ctx, req, c); }));
  server.Route("GET", "/api/v1/accounts/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
                 auto a = ReadableAccount(ctx, req, c);
                 return a.ok() ? Json(200, ToJson(*a, c.hierarchy.get())) : Error(a.status());
               }));
  server.Route("PATCH", "/api/v1/accounts/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
                 return UpdateAccount(ctx, req, c, std::nullopt);
               }));
  server.Route("POST", "/api/v1/accounts/{id}/deactivate", Authed(ctx, [&ctx](R req, Caller& c) {
                 return UpdateAccount(ctx, req, c, AccountStatus::kInactive);
               }));

  server.Route("GET", "/api/v1/appointments",
               Authed(ctx, [&ctx](R req, Caller& c) { return ListAppointments(ctx, req, c); }));
  server.Route("POST", "/api/v1/appointments",
               Authed(ctx, [&ctx](R req, Caller& c) { return CreateAppointment(ctx, req, c); }));
  server.Route("GET", "/api/v1/appointments/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
                 auto a = ReadableAppointment(ctx, req, c);
                 return a.ok() ? AppointmentResponse(ctx, 200, a->id, *c.hierarchy)
                               : Error(a.status());
               }));
  server.Route("PATCH", "/api/v1/appointments/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
                 return UpdateAppointment(ctx, req, c, false);
               }));
  server.Route(
      "POST", "/api/v1/appointments/{id}/deactivate",
      Authed(ctx, [&ctx](R req, Caller& c) { return UpdateAppointment(ctx, req, c, true); }));
}

}  // namespace humas::api
