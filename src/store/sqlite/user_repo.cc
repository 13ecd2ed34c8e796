// SQLite UserRepository: users, role grants and sessions.
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlUserInsert[] =
    "INSERT INTO users (username, display_name, email, password_hash, locale, active, "
    "created_at, updated_at, telegram_chat_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlUserUpdate[] =
    "UPDATE users SET display_name = ?, email = ?, locale = ?, active = ?, password_hash = ?, "
    "updated_at = ?, telegram_chat_id = ? WHERE id = ?";
constexpr char kSqlUserColumns[] =
    "SELECT id, username, display_name, email, password_hash, locale, active, created_at, "
    "updated_at, telegram_chat_id FROM users ";
constexpr char kSqlUserCount[] = "SELECT count(*) FROM users";
constexpr char kSqlRolesSelect[] =
    "SELECT role, agency_id FROM user_roles WHERE user_id = ? ORDER BY agency_id, role";
constexpr char kSqlRolesDelete[] = "DELETE FROM user_roles WHERE user_id = ?";
constexpr char kSqlRoleInsert[] =
    "INSERT OR IGNORE INTO user_roles (user_id, role, agency_id) VALUES (?, ?, ?)";

constexpr char kSqlSessionInsert[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
    "expires_at, remote_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlSessionSelect[] =
    "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remote_ip, "
    "user_agent FROM sessions WHERE token_hash = ?";
constexpr char kSqlSessionTouch[] = "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?";
constexpr char kSqlSessionDelete[] = "DELETE FROM sessions WHERE token_hash = ?";
constexpr char kSqlSessionDeleteUser[] = "DELETE FROM sessions WHERE user_id = ?";
constexpr char kSqlSessionDeleteExpired[] = "DELETE FROM sessions WHERE expires_at < ?";

User ReadUser(const Stmt& st) {
  User u;
  u.id = st.Int(0);
  u.username = st.Text(1);
  u.display_name = st.Text(2);
  u.email = st.Text(3);
  u.password_hash = st.Text(4);
  u.locale = st.Text(5);
  u.active = st.Bool(6);
  u.created_at = st.Int(7);
  u.updated_at = st.Int(8);
  u.telegram_chat_id = st.Text(9);
  return u;
}

}  // namespace

Status SqliteUserRepository::LoadRoles(Connection& conn, User* user) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlRolesSelect));
  st.Bind(user->id);
  user->roles.clear();
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    auto role = ParseRole(st.Text(0));
    if (!role)
      return DataLoss("user " + std::to_string(user->id) + " has unknown role " + st.Text(0));
    user->roles.push_back({*role, st.Int(1)});
  }
}

Status SqliteUserRepository::WriteRoles(Connection& conn, const User& user) {
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt del, conn.Prepare(kSqlRolesDelete));
    HUMAS_RETURN_IF_ERROR(del.Bind(user.id).Run());
  }
  for (const RoleGrant& g : user.roles) {
    HUMAS_ASSIGN_OR_RETURN(Stmt ins, conn.Prepare(kSqlRoleInsert));
    HUMAS_RETURN_IF_ERROR(ins.Bind(user.id).Bind(ToString(g.role)).Bind(g.agency_id).Run());
  }
  return Status::Ok();
}

Status SqliteUserRepository::Create(User* user) {
  if (user->username.empty()) return InvalidArgument("username is empty").WithField("username");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  UnixMillis now = ctx_.clock->Now();
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlUserInsert));
    st.Bind(user->username).Bind(user->display_name).Bind(user->email).Bind(user->password_hash);
    st.Bind(user->locale).Bind(user->active).Bind(now).Bind(now).Bind(user->telegram_chat_id);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists) {
      return AlreadyExists("username '" + user->username + "' is already taken")
          .WithField("username");
    }
    HUMAS_RETURN_IF_ERROR(s);
  }
  user->id = sqlite3_last_insert_rowid(conn->raw());
  user->created_at = now;
  user->updated_at = now;
  HUMAS_RETURN_IF_ERROR(WriteRoles(*conn, *user));
  return tx.Commit();
}

Status SqliteUserRepository::Update(const User& user) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlUserUpdate));
    st.Bind(user.display_name).Bind(user.email).Bind(user.locale).Bind(user.active);
    st.Bind(user.password_hash).Bind(ctx_.clock->Now()).Bind(user.telegram_chat_id).Bind(user.id);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) {
    return NotFound("user " + std::to_string(user.id) + " does not exist");
  }
  HUMAS_RETURN_IF_ERROR(WriteRoles(*conn, user));
  return tx.Commit();
}

Result<User> SqliteUserRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  User u;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlUserColumns) + "WHERE id = ?"));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("user " + std::to_string(id) + " does not exist");
    u = ReadUser(st);
  }
  HUMAS_RETURN_IF_ERROR(LoadRoles(*conn, &u));
  return u;
}

Result<User> SqliteUserRepository::GetByUsername(const std::string& username) {
  auto conn = ctx_.pool->Acquire();
  User u;
  {
    HUMAS_ASSIGN_OR_RETURN(
        Stmt st, conn->Prepare(std::string(kSqlUserColumns) + "WHERE lower(username) = lower(?)"));
    st.Bind(username);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("user '" + username + "' does not exist");
    u = ReadUser(st);
  }
  HUMAS_RETURN_IF_ERROR(LoadRoles(*conn, &u));
  return u;
}

Result<ListResult<User>> SqliteUserRepository::List(const Page& page) {
  Page p = ClampPage(page);
  auto conn = ctx_.pool->Acquire();
  ListResult<User> out;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlUserCount));
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out.total = st.Int(0);
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlUserColumns) +
                                                  "ORDER BY lower(username) LIMIT ? OFFSET ?"));
    st.Bind(p.limit).Bind(p.offset);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.items.push_back(ReadUser(st));
    }
  }
  for (User& u : out.items) HUMAS_RETURN_IF_ERROR(LoadRoles(*conn, &u));
  return out;
}

Result<std::int64_t> SqliteUserRepository::Count() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlUserCount));
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status SqliteUserRepository::CreateSession(const Session& s) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionInsert));
  st.Bind(s.token_hash).Bind(s.user_id).Bind(s.csrf_token).Bind(s.created_at);
  st.Bind(s.last_seen_at).Bind(s.expires_at).Bind(s.remote_ip).Bind(s.user_agent);
  Status r = st.Run();
  if (r.code() == Code::kAlreadyExists) return AlreadyExists("session token hash already exists");
  if (r.code() == Code::kFailedPrecondition) {
    return NotFound("user " + std::to_string(s.user_id) + " does not exist");
  }
  return r;
}

Result<Session> SqliteUserRepository::GetSession(const std::string& token_hash) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionSelect));
  st.Bind(token_hash);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("session does not exist");
  Session s;
  s.token_hash = st.Text(0);
  s.user_id = st.Int(1);
  s.csrf_token = st.Text(2);
  s.created_at = st.Int(3);
  s.last_seen_at = st.Int(4);
  s.expires_at = st.Int(5);
  s.remote_ip = st.Text(6);
  s.user_agent = st.Text(7);
  return s;
}

Status SqliteUserRepository::TouchSession(const std::string& token_hash, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionTouch));
  HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(token_hash).Run());
  if (sqlite3_changes(conn->raw()) == 0) return NotFound("session does not exist");
  return Status::Ok();
}

Status SqliteUserRepository::DeleteSession(const std::string& token_hash) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionDelete));
  return st.Bind(token_hash).Run();
}

Status SqliteUserRepository::DeleteUserSessions(Id user_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionDeleteUser));
  return st.Bind(user_id).Run();
}

Result<std::int64_t> SqliteUserRepository::DeleteExpiredSessions(UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSessionDeleteExpired));
  HUMAS_RETURN_IF_ERROR(st.Bind(now).Run());
  return static_cast<std::int64_t>(sqlite3_changes(conn->raw()));
}

}  // namespace humas::store::sqlite
