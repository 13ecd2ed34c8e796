// JSON encodings of domain types (docs/api.md).
#include "api/json_model.h"

#include <cstdio>

namespace humas::api {

json TimeOrNull(const std::optional<UnixMillis>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

namespace {
json IdOrNull(const std::optional<Id>& id) { return id ? json(*id) : json(nullptr); }
std::string AgencyName(const Hierarchy* h, Id id) {
  const Agency* a = h ? h->Find(id) : nullptr;
  return a ? a->name : "";
}
}  // namespace

json ToJson(const Agency& a) {
  return {{"id", a.id},
          {"parent_id", IdOrNull(a.parent_id)},
          {"kind", ToString(a.kind)},
          {"name", a.name},
          {"short_name", a.short_name},
          {"code", a.code},
          {"timezone", a.timezone},
          {"email", a.email},
          {"phone", a.phone},
          {"website", a.website},
          {"active", a.active},
          {"created_at", FormatRfc3339(a.created_at)},
          {"updated_at", FormatRfc3339(a.updated_at)}};
}

json ToJson(const Account& a, const Hierarchy* h) {
  int score = (a.security.two_factor ? 1 : 0) + (a.security.recovery_owned_by_agency ? 1 : 0) +
              (a.security.password_in_custody ? 1 : 0);
  return {{"id", a.id},
          {"agency_id", a.agency_id},
          {"agency_name", AgencyName(h, a.agency_id)},
          {"platform", ToString(a.platform)},
          {"platform_type", ToString(a.platform_type)},
          {"handle", a.handle},
          {"display_name", a.display_name},
          {"url", a.url},
          {"status", ToString(a.status)},
          {"verified", a.verified},
          {"security",
           {{"two_factor", a.security.two_factor},
            {"recovery_owned_by_agency", a.security.recovery_owned_by_agency},
            {"password_in_custody", a.security.password_in_custody},
            {"custodian", a.security.custodian},
            {"last_review", TimeOrNull(a.security.last_review)}}},
          {"security_score", score},
          {"created_at", FormatRfc3339(a.created_at)},
          {"updated_at", FormatRfc3339(a.updated_at)}};
}

int ZoneOffsetHours(const std::string& tz) {
  if (tz == "Asia/Jakarta" || tz == "Asia/Pontianak") return 7;
  if (tz == "Asia/Makassar") return 8;
  if (tz == "Asia/Jayapura") return 9;
  return 0;
}

std::string TodayIn(const std::string& timezone, UnixMillis now) {
  int off = ZoneOffsetHours(timezone);
  if (off == 0) off = 7;
  std::string s = FormatRfc3339(now + off * 3600LL * 1000);
  return s.substr(0, 10);
}

std::string AppointmentStatus(const Appointment& a, const std::string& today) {
  if (!a.active) return "inactive";
  if (!a.valid_from.empty() && today < a.valid_from) return "upcoming";
  if (!a.valid_until.empty() && today > a.valid_until) return "expired";
  return "valid";
}

json ToJson(const Appointment& a, const Hierarchy* h, const std::string& today) {
  return {{"id", a.id},
          {"agency_id", a.agency_id},
          {"agency_name", AgencyName(h, a.agency_id)},
          {"user_id", IdOrNull(a.user_id)},
          {"role", ToString(a.role)},
          {"person_name", a.person_name},
          {"nip", a.nip},
          {"position", a.position},
          {"decree_number", a.decree_number},
          {"decree_date", a.decree_date},
          {"valid_from", a.valid_from},
          {"valid_until", a.valid_until},
          {"active", a.active},
          {"status", AppointmentStatus(a, today)},
          {"created_at", FormatRfc3339(a.created_at)},
          {"updated_at", FormatRfc3339(a.updated_at)}};
}

json ToJson(const Mention& m, const Hierarchy* h, const Access* reader) {
  const MentionInput& d = m.data;
  json near_dup_of = nullptr, near_dup_similarity = nullptr;
  bool near_dup_outside = false;
  if (const auto& nd = m.near_duplicate; nd && nd->of > 0) {
    near_dup_similarity = nd->similarity;
    bool visible =
        reader ? (nd->of_agency_id ? reader->CanRead(*nd->of_agency_id) : reader->SeesUnassigned())
               : nd->of_agency_id == m.agency_id;
    if (visible) {
      near_dup_of = nd->of;
    } else {
      near_dup_outside = true;
    }
  }
  return {{"id", m.id},
          {"platform", ToString(d.platform)},
          {"external_id", d.external_id},
          {"url", d.url},
          {"author",
           {{"handle", d.author_handle},
            {"name", d.author_name},
            {"followers", d.author_followers ? json(*d.author_followers) : json(nullptr)}}},
          {"text", d.text},
          {"created_at", FormatRfc3339(d.created_at)},
          {"edited_at", d.edited_at ? json(FormatRfc3339(d.edited_at)) : json(nullptr)},
          {"ingested_at", FormatRfc3339(m.ingested_at)},
          {"kind", ToString(d.kind)},
          {"agency_id", IdOrNull(m.agency_id)},
          {"agency_name", m.agency_id ? AgencyName(h, *m.agency_id) : ""},
          {"in_reply_to", d.in_reply_to},
          {"shared_from", d.shared_from},
          {"shares", d.shares},
          {"likes", d.likes},
          {"replies", d.replies},
          {"labels",
           {{"sentiment", d.labels.sentiment},
            {"sentiment_confidence", d.labels.sentiment_confidence},
            {"input_kind", d.labels.input_kind},
            {"input_kind_confidence", d.labels.input_kind_confidence},
            {"hoax_score", d.labels.hoax_score},
            {"has_personal_data", d.labels.has_personal_data}}},
          {"near_duplicate_of", near_dup_of},
          {"near_duplicate_similarity", near_dup_similarity},
          {"near_duplicate_outside_scope", near_dup_outside}};
}

json ToJson(const AuditEntry& e) {
  json details = json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = json::object();
  return {{"seq", e.seq},
          {"at", FormatRfc3339(e.at)},
          {"actor", e.actor_name.empty() ? "system" : e.actor_name},
          {"action", e.action},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"agency_id", IdOrNull(e.agency_id)},
          {"details", details},
          {"hash", e.hash}};
}

json UserJson(const User& u, const Hierarchy* h) {
  json roles = json::array();
  for (const RoleGrant& g : u.roles)
    roles.push_back({{"role", ToString(g.role)},
                     {"agency_id", g.agency_id},
                     {"agency_name", AgencyName(h, g.agency_id)}});
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"email", u.email},
          {"telegram_chat_id", u.telegram_chat_id},
          {"locale", u.locale},
          {"active", u.active},
          {"roles", roles}};
}

}  // namespace humas::api
