// SQLite repositories of the directory: agencies (hierarchy), official accounts, appointments.
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

// ------------------------------------------------------------------ agencies

constexpr char kSqlAgencyInsert[] =
    "INSERT INTO agencies (parent_id, kind, name, short_name, code, timezone, email, phone, "
    "website, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlAgencyUpdate[] =
    "UPDATE agencies SET parent_id = ?, kind = ?, name = ?, short_name = ?, code = ?, "
    "timezone = ?, email = ?, phone = ?, website = ?, active = ?, updated_at = ? WHERE id = ?";
constexpr char kSqlAgencyParentOf[] = "SELECT parent_id FROM agencies WHERE id = ?";
constexpr char kSqlAgencyColumns[] =
    "SELECT id, parent_id, kind, name, short_name, code, timezone, email, phone, website, active, "
    "created_at, updated_at FROM agencies ";
constexpr char kSqlAgencyCount[] = "SELECT count(*) FROM agencies ";

// ------------------------------------------------------------------ accounts

constexpr char kSqlAccountInsert[] =
    "INSERT INTO accounts (agency_id, platform, platform_type, handle, display_name, url, status, "
    "sec_two_factor, sec_recovery_owned_by_agency, sec_password_in_custody, sec_custodian, "
    "sec_last_review, verified, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlAccountUpdate[] =
    "UPDATE accounts SET agency_id = ?, platform = ?, platform_type = ?, handle = ?, "
    "display_name = ?, url = ?, status = ?, sec_two_factor = ?, sec_recovery_owned_by_agency = ?, "
    "sec_password_in_custody = ?, sec_custodian = ?, sec_last_review = ?, verified = ?, "
    "updated_at = ? WHERE id = ?";
constexpr char kSqlAccountColumns[] =
    "SELECT id, agency_id, platform, platform_type, handle, display_name, url, status, "
    "sec_two_factor, sec_recovery_owned_by_agency, sec_password_in_custody, sec_custodian, "
    "sec_last_review, verified, created_at, updated_at FROM accounts ";
constexpr char kSqlAccountCount[] = "SELECT count(*) FROM accounts ";
constexpr char kSqlAccountCountByAgency[] =
    "SELECT agency_id, count(*) FROM accounts GROUP BY agency_id";

// ------------------------------------------------------------------ appointments

constexpr char kSqlAppointmentInsert[] =
    "INSERT INTO appointments (agency_id, user_id, role, person_name, nip, position, "
    "decree_number, decree_date, valid_from, valid_until, active, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlAppointmentUpdate[] =
    "UPDATE appointments SET agency_id = ?, user_id = ?, role = ?, person_name = ?, nip = ?, "
    "position = ?, decree_number = ?, decree_date = ?, valid_from = ?, valid_until = ?, "
    "active = ?, updated_at = ? WHERE id = ?";
constexpr char kSqlAppointmentColumns[] =
    "SELECT id, agency_id, user_id, role, person_name, nip, position, decree_number, "
    "decree_date, valid_from, valid_until, active, created_at, updated_at FROM appointments ";
constexpr char kSqlAppointmentCount[] = "SELECT count(*) FROM appointments ";
constexpr char kSqlAppointmentCountByAgency[] =
    "SELECT agency_id, count(*) FROM appointments GROUP BY agency_id";

Result<Agency> ReadAgency(const Stmt& st) {
  Agency a;
  a.id = st.Int(0);
  a.parent_id = st.OptInt(1);
  auto kind = ParseAgencyKind(st.Text(2));
  if (!kind) return BadEnum("agency kind", st.Text(2));
  a.kind = *kind;
  a.name = st.Text(3);
  a.short_name = st.Text(4);
  a.code = st.Text(5);
  a.timezone = st.Text(6);
  a.email = st.Text(7);
  a.phone = st.Text(8);
  a.website = st.Text(9);
  a.active = st.Bool(10);
  a.created_at = st.Int(11);
  a.updated_at = st.Int(12);
  return a;
}

Result<Account> ReadAccount(const Stmt& st) {
  Account a;
  a.id = st.Int(0);
  a.agency_id = st.Int(1);
  auto platform = ParsePlatform(st.Text(2));
  if (!platform) return BadEnum("platform", st.Text(2));
  a.platform = *platform;
  auto type = ParsePlatformType(st.Text(3));
  if (!type) return BadEnum("platform type", st.Text(3));
  a.platform_type = *type;
  a.handle = st.Text(4);
  a.display_name = st.Text(5);
  a.url = st.Text(6);
  auto status = ParseAccountStatus(st.Text(7));
  if (!status) return BadEnum("account status", st.Text(7));
  a.status = *status;
  a.security.two_factor = st.Bool(8);
  a.security.recovery_owned_by_agency = st.Bool(9);
  a.security.password_in_custody = st.Bool(10);
  a.security.custodian = st.Text(11);
  a.security.last_review = st.OptInt(12);
  a.verified = st.Bool(13);
  a.created_at = st.Int(14);
  a.updated_at = st.Int(15);
  return a;
}

Result<Appointment> ReadAppointment(const Stmt& st) {
  Appointment a;
  a.id = st.Int(0);
  a.agency_id = st.Int(1);
  a.user_id = st.OptInt(2);
  auto role = ParseAppointmentRole(st.Text(3));
  if (!role) return BadEnum("appointment role", st.Text(3));
  a.role = *role;
  a.person_name = st.Text(4);
  a.nip = st.Text(5);
  a.position = st.Text(6);
  a.decree_number = st.Text(7);
  a.decree_date = st.Text(8);
  a.valid_from = st.Text(9);
  a.valid_until = st.Text(10);
  a.active = st.Bool(11);
  a.created_at = st.Int(12);
  a.updated_at = st.Int(13);
  return a;
}

template <typename T, typename ReadFn>
Result<T> GetOne(Connection& conn, const std::string& sql, Id id, std::string_view what,
                 ReadFn read) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(std::string(what) + " " + std::to_string(id) + " does not exist");
  return read(st);
}

Result<std::map<Id, std::int64_t>> CountGrouped(Connection& conn, const char* sql) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  std::map<Id, std::int64_t> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out[st.Int(0)] = st.Int(1);
  }
}

Status AgencyWriteError(const Status& s, const Agency& a) {
  if (s.code() == Code::kAlreadyExists) {
    return AlreadyExists("agency code '" + a.code + "' is already taken").WithField("code");
  }
  if (s.code() == Code::kFailedPrecondition) {
    return InvalidArgument("parent agency does not exist").WithField("parent_id");
  }
  return s;
}

Status AccountWriteError(const Status& s, const Account& a) {
  if (s.code() == Code::kAlreadyExists) {
    return AlreadyExists("account " + a.handle + " on " + std::string(ToString(a.platform)) +
                         " is already registered")
        .WithField("handle");
  }
  if (s.code() == Code::kFailedPrecondition) {
    return InvalidArgument("agency " + std::to_string(a.agency_id) + " does not exist")
        .WithField("agency_id");
  }
  return s;
}

Status AppointmentWriteError(const Status& s) {
  if (s.code() == Code::kFailedPrecondition) {
    return InvalidArgument("the agency or user of the appointment does not exist");
  }
  return s;
}

}  // namespace

// ------------------------------------------------------------------ agencies

Status SqliteAgencyRepository::Create(Agency* a) {
  if (a->code.empty()) return InvalidArgument("agency code is empty").WithField("code");
  auto conn = ctx_.pool->Acquire();
  UnixMillis now = ctx_.clock->Now();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAgencyInsert));
  st.Bind(a->parent_id).Bind(ToString(a->kind)).Bind(a->name).Bind(a->short_name).Bind(a->code);
  st.Bind(a->timezone).Bind(a->email).Bind(a->phone).Bind(a->website).Bind(a->active);
  st.Bind(now).Bind(now);
  Status s = st.Run();
  if (!s.ok()) return AgencyWriteError(s, *a);
  a->id = sqlite3_last_insert_rowid(conn->raw());
  a->created_at = now;
  a->updated_at = now;
  return Status::Ok();
}

Status SqliteAgencyRepository::Update(const Agency& a) {
  if (a.code.empty()) return InvalidArgument("agency code is empty").WithField("code");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  // The new parent must not be the agency itself or one of its descendants.
  // Bounded, so a cycle already in the data (written around this repository) cannot hang us.
  int depth = 0;
  for (std::optional<Id> p = a.parent_id; p.has_value(); ++depth) {
    if (depth > 1000) return DataLoss("agency hierarchy above " + std::to_string(a.id) + " loops");
    if (*p == a.id) {
      return InvalidArgument("an agency cannot be placed below itself").WithField("parent_id");
    }
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAgencyParentOf));
    st.Bind(*p);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    p = row ? st.OptInt(0) : std::nullopt;
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAgencyUpdate));
    st.Bind(a.parent_id).Bind(ToString(a.kind)).Bind(a.name).Bind(a.short_name).Bind(a.code);
    st.Bind(a.timezone).Bind(a.email).Bind(a.phone).Bind(a.website).Bind(a.active);
    st.Bind(ctx_.clock->Now()).Bind(a.id);
    Status s = st.Run();
    if (!s.ok()) return AgencyWriteError(s, a);
  }
  if (sqlite3_changes(conn->raw()) == 0) {
    return NotFound("agency " + std::to_string(a.id) + " does not exist");
  }
  return tx.Commit();
}

Result<Agency> SqliteAgencyRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  return GetOne<Agency>(*conn, std::string(kSqlAgencyColumns) + "WHERE id = ?", id, "agency",
                        ReadAgency);
}

Result<Agency> SqliteAgencyRepository::GetByCode(const std::string& code) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAgencyColumns) + "WHERE code = ?"));
  st.Bind(code);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("agency '" + code + "' does not exist");
  return ReadAgency(st);
}

Result<ListResult<Agency>> SqliteAgencyRepository::List(const AgencyFilter& f, const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (!f.q.empty()) {
    where +=
        " AND (lower(name) LIKE ? ESCAPE '\\' OR lower(short_name) LIKE ? ESCAPE '\\' OR "
        "lower(code) LIKE ? ESCAPE '\\')";
    std::string like = LikeContains(f.q);
    for (int i = 0; i < 3; ++i) binds.push_back(like);
  }
  if (f.kind) {
    where += " AND kind = ?";
    binds.push_back(std::string(ToString(*f.kind)));
  }
  if (f.parent_id) {
    where += " AND parent_id = ?";
    binds.push_back(*f.parent_id);
  }
  if (f.active) {
    where += " AND active = ?";
    binds.push_back(static_cast<std::int64_t>(*f.active ? 1 : 0));
  }
  if (f.ids) {
    where += " AND ";
    AppendIdsIn(&where, &binds, "id", *f.ids);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Agency>(*conn, kSqlAgencyCount, kSqlAgencyColumns, where, "name, id", binds,
                           page, ReadAgency);
}

Result<std::vector<Agency>> SqliteAgencyRepository::All() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAgencyColumns) + "ORDER BY id"));
  std::vector<Agency> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(Agency a, ReadAgency(st));
    out.push_back(std::move(a));
  }
}

// ------------------------------------------------------------------ accounts

namespace {
void BindAccount(Stmt& st, const Account& a) {
  st.Bind(a.agency_id).Bind(ToString(a.platform)).Bind(ToString(a.platform_type)).Bind(a.handle);
  st.Bind(a.display_name).Bind(a.url).Bind(ToString(a.status)).Bind(a.security.two_factor);
  st.Bind(a.security.recovery_owned_by_agency).Bind(a.security.password_in_custody);
  st.Bind(a.security.custodian).Bind(a.security.last_review).Bind(a.verified);
}
}  // namespace

Status SqliteAccountRepository::Create(Account* a) {
  if (a->handle.empty()) return InvalidArgument("account handle is empty").WithField("handle");
  auto conn = ctx_.pool->Acquire();
  UnixMillis now = ctx_.clock->Now();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAccountInsert));
  BindAccount(st, *a);
  st.Bind(now).Bind(now);
  Status s = st.Run();
  if (!s.ok()) return AccountWriteError(s, *a);
  a->id = sqlite3_last_insert_rowid(conn->raw());
  a->created_at = now;
  a->updated_at = now;
  return Status::Ok();
}

Status SqliteAccountRepository::Update(const Account& a) {
  if (a.handle.empty()) return InvalidArgument("account handle is empty").WithField("handle");
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAccountUpdate));
  BindAccount(st, a);
  st.Bind(ctx_.clock->Now()).Bind(a.id);
  Status s = st.Run();
  if (!s.ok()) return AccountWriteError(s, a);
  if (sqlite3_changes(conn->raw()) == 0) {
    return NotFound("account " + std::to_string(a.id) + " does not exist");
  }
  return Status::Ok();
}

Result<Account> SqliteAccountRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  return GetOne<Account>(*conn, std::string(kSqlAccountColumns) + "WHERE id = ?", id, "account",
                         ReadAccount);
}

Result<ListResult<Account>> SqliteAccountRepository::List(const AccountFilter& f,
                                                          const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (!f.q.empty()) {
    where += " AND (lower(handle) LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\')";
    std::string like = LikeContains(f.q);
    for (int i = 0; i < 2; ++i) binds.push_back(like);
  }
  if (f.agency_id) {
    where += " AND agency_id = ?";
    binds.push_back(*f.agency_id);
  }
  if (f.platform) {
    where += " AND platform = ?";
    binds.push_back(std::string(ToString(*f.platform)));
  }
  if (f.status) {
    where += " AND status = ?";
    binds.push_back(std::string(ToString(*f.status)));
  }
  if (f.agency_ids) {
    where += " AND ";
    AppendIdsIn(&where, &binds, "agency_id", *f.agency_ids);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Account>(*conn, kSqlAccountCount, kSqlAccountColumns, where,
                            "platform, lower(handle), id", binds, page, ReadAccount);
}

Result<std::map<Id, std::int64_t>> SqliteAccountRepository::CountByAgency() {
  auto conn = ctx_.pool->Acquire();
  return CountGrouped(*conn, kSqlAccountCountByAgency);
}

// ------------------------------------------------------------------ appointments

namespace {
void BindAppointment(Stmt& st, const Appointment& a) {
  st.Bind(a.agency_id).Bind(a.user_id).Bind(ToString(a.role)).Bind(a.person_name).Bind(a.nip);
  st.Bind(a.position).Bind(a.decree_number).Bind(a.decree_date).Bind(a.valid_from);
  st.Bind(a.valid_until).Bind(a.active);
}
}  // namespace

Status SqliteAppointmentRepository::Create(Appointment* a) {
  if (a->person_name.empty()) {
    return InvalidArgument("person name is empty").WithField("person_name");
  }
  auto conn = ctx_.pool->Acquire();
  UnixMillis now = ctx_.clock->Now();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAppointmentInsert));
  BindAppointment(st, *a);
  st.Bind(now).Bind(now);
  Status s = st.Run();
  if (!s.ok()) return AppointmentWriteError(s);
  a->id = sqlite3_last_insert_rowid(conn->raw());
  a->created_at = now;
  a->updated_at = now;
  return Status::Ok();
}

Status SqliteAppointmentRepository::Update(const Appointment& a) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAppointmentUpdate));
  BindAppointment(st, a);
  st.Bind(ctx_.clock->Now()).Bind(a.id);
  Status s = st.Run();
  if (!s.ok()) return AppointmentWriteError(s);
  if (sqlite3_changes(conn->raw()) == 0) {
    return NotFound("appointment " + std::to_string(a.id) + " does not exist");
  }
  return Status::Ok();
}

Result<Appointment> SqliteAppointmentRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  return GetOne<Appointment>(*conn, std::string(kSqlAppointmentColumns) + "WHERE id = ?", id,
                             "appointment", ReadAppointment);
}

Result<ListResult<Appointment>> SqliteAppointmentRepository::List(const AppointmentFilter& f,
                                                                  const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (!f.q.empty()) {
    where +=
        " AND (lower(person_name) LIKE ? ESCAPE '\\' OR lower(nip) LIKE ? ESCAPE '\\' OR "
        "lower(decree_number) LIKE ? ESCAPE '\\')";
    std::string like = LikeContains(f.q);
    for (int i = 0; i < 3; ++i) binds.push_back(like);
  }
  if (f.agency_id) {
    where += " AND agency_id = ?";
    binds.push_back(*f.agency_id);
  }
  if (f.role) {
    where += " AND role = ?";
    binds.push_back(std::string(ToString(*f.role)));
  }
  if (f.active) {
    where += " AND active = ?";
    binds.push_back(static_cast<std::int64_t>(*f.active ? 1 : 0));
  }
  if (f.agency_ids) {
    where += " AND ";
    AppendIdsIn(&where, &binds, "agency_id", *f.agency_ids);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Appointment>(*conn, kSqlAppointmentCount, kSqlAppointmentColumns, where,
                                "person_name, id", binds, page, ReadAppointment);
}

Result<std::map<Id, std::int64_t>> SqliteAppointmentRepository::CountByAgency() {
  auto conn = ctx_.pool->Acquire();
  return CountGrouped(*conn, kSqlAppointmentCountByAgency);
}

}  // namespace humas::store::sqlite
