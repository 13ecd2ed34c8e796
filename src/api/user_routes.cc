// /api/v1/users: accounts of humas users and their role grants (admin only).
#include <regex>

#include "api/api.h"
#include "api/json_model.h"

namespace humas::api {
namespace {

const char* const kCreateFields[] = {"username", "display_name", "email",  "password",
                                     "roles",    "locale",       "active", "telegram_chat_id"};
const char* const kUpdateFields[] = {"display_name", "email",  "password",        "roles",
                                     "locale",       "active", "telegram_chat_id"};

//! "" or a Telegram chat id: a person's positive id, or a group's negative one, as text (JSON
//! numbers lose digits in browsers).
Status ValidateTelegramChatId(std::string* id) {
  size_t b = id->find_first_not_of(" \t");
  size_t e = id->find_last_not_of(" \t");
  *id = b == std::string::npos ? "" : id->substr(b, e - b + 1);
  if (id->empty()) return Status::Ok();
  static const std::regex kChatId("^-?[1-9][0-9]{0,17}$");
  if (!std::regex_match(*id, kChatId))
    return InvalidArgument(
               "telegram_chat_id must be a numeric Telegram chat id such as \"123456789\" (ask "
               "the officer to send /start to the humas bot to learn it)")
        .WithField("telegram_chat_id");
  return Status::Ok();
}

Status ReadRoles(const json& body, const Hierarchy& h, std::vector<RoleGrant>* out) {
  auto it = body.find("roles");
  if (it == body.end()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument("roles must be a list").WithField("roles");
  std::vector<RoleGrant> roles;
  for (const json& r : *it) {
    if (!r.is_object() || !r.contains("role") || !r.contains("agency_id") || r.size() != 2 ||
        !r["role"].is_string() || !r["agency_id"].is_number_integer())
      return InvalidArgument("each role needs exactly {role, agency_id}").WithField("roles");
    auto role = ParseRole(r["role"].get<std::string>());
    if (!role)
      return InvalidArgument("unknown role \"" + r["role"].get<std::string>() + "\"")
          .WithField("roles");
    Id agency = r["agency_id"].get<Id>();
    if (!h.Find(agency)) return InvalidArgument("roles: no such agency").WithField("roles");
    roles.push_back({*role, agency});
  }
  *out = std::move(roles);
  return Status::Ok();
}

Status ReadUserFields(const json& body, const Hierarchy& h, User* u, std::string* password,
                      bool creating) {
  HUMAS_RETURN_IF_ERROR(ReadString(body, "display_name", &u->display_name, creating, 2, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "email", &u->email, false, 0, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "telegram_chat_id", &u->telegram_chat_id, false, 0, 40));
  HUMAS_RETURN_IF_ERROR(ValidateTelegramChatId(&u->telegram_chat_id));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "locale", &u->locale));
  if (u->locale != "id" && u->locale != "en")
    return InvalidArgument("locale must be id or en").WithField("locale");
  HUMAS_RETURN_IF_ERROR(ReadBool(body, "active", &u->active));
  if (auto it = body.find("password"); it != body.end() || creating) {
    if (it == body.end() || !it->is_string())
      return InvalidArgument("password is required").WithField("password");
    *password = it->get<std::string>();
    HUMAS_RETURN_IF_ERROR(CheckPasswordPolicy(*password));
  }
  return ReadRoles(body, h, &u->roles);
}

}  // namespace

//! Validates a username: 3-64 of [a-z0-9._-] (lower-cased first). Used by the CLI too.
Status ValidateUsername(std::string* username) {
  for (char& ch : *username) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::regex kName("^[a-z0-9._-]{3,64}$");
  if (!std::regex_match(*username, kName))
    return InvalidArgument("username must be 3-64 characters: letters, digits, '.', '_' or '-'")
        .WithField("username");
  return Status::Ok();
}

void RegisterUserRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/users", Authed(ctx, [&ctx](R req, Caller& c) {
                 if (!c.access->IsAdmin())
                   return Error(PermissionDenied("only an admin may manage users"));
                 auto page = QueryPage(req);
                 if (!page.ok()) return Error(page.status());
                 auto list = ctx.store.users().List(*page);
                 if (!list.ok()) return Error(list.status());
                 json items = json::array();
                 for (const User& u : list->items) items.push_back(UserJson(u, c.hierarchy.get()));
                 return Json(200, {{"items", items}, {"total", list->total}});
               }));

  server.Route("POST", "/api/v1/users", Authed(ctx, [&ctx](R req, Caller& c) {
                 if (!c.access->IsAdmin())
                   return Error(PermissionDenied("only an admin may manage users"));
                 auto body = ParseBody(req, kCreateFields);
                 if (!body.ok()) return Error(body.status());
                 User u;
                 std::string password;
                 if (Status s = ReadString(*body, "username", &u.username, true); !s.ok())
                   return Error(s);
                 if (Status s = ValidateUsername(&u.username); !s.ok()) return Error(s);
                 if (Status s = ReadUserFields(*body, *c.hierarchy, &u, &password, true); !s.ok())
                   return Error(s);
                 auto hash = HashPassword(password);
                 if (!hash.ok()) return Error(hash.status());
                 u.password_hash = *hash;
                 if (Status s = ctx.store.users().Create(&u); !s.ok()) {
                   if (s.code() == Code::kAlreadyExists)
                     return Error(AlreadyExists("username is already taken").WithField("username"));
                   return Error(s);
                 }
                 json details = *body;
                 details.erase("password");
                 c.Audit(ctx, "user.create", "user", std::to_string(u.id), std::nullopt, details);
                 return Json(201, UserJson(u, c.hierarchy.get()));
               }));

  server.Route(
      "PATCH", "/api/v1/users/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
        if (!c.access->IsAdmin()) return Error(PermissionDenied("only an admin may manage users"));
        auto id = PathId(req);
        if (!id.ok()) return Error(id.status());
        auto u = ctx.store.users().Get(*id);
        if (!u.ok()) return Error(u.status());
        auto body = ParseBody(req, kUpdateFields);
        if (!body.ok()) return Error(body.status());
        User updated = *u;
        std::string password;
        if (Status s = ReadUserFields(*body, *c.hierarchy, &updated, &password, false); !s.ok())
          return Error(s);
        if (updated.id == c.user.id &&
            (!updated.active ||
             std::none_of(updated.roles.begin(), updated.roles.end(),
                          [](const RoleGrant& g) { return g.role == Role::kAdmin; })))
          return Error(FailedPrecondition("you cannot remove your own admin access"));
        if (!password.empty()) {
          auto hash = HashPassword(password);
          if (!hash.ok()) return Error(hash.status());
          updated.password_hash = *hash;
        }
        if (Status s = ctx.store.users().Update(updated); !s.ok()) return Error(s);
        // Password change or deactivation revokes the user's sessions.
        if (!password.empty() || !updated.active)
          (void)ctx.store.users().DeleteUserSessions(updated.id);
        json details = *body;
        if (details.contains("password")) details["password"] = "(changed)";
        c.Audit(ctx, "user.update", "user", std::to_string(updated.id), std::nullopt, details);
        return Json(200, UserJson(updated, c.hierarchy.get()));
      }));
}

}  // namespace humas::api
