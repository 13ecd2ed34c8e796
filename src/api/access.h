// Who may do what where: the agency hierarchy and a user's role grants, deny-by-default.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "core/model.h"

namespace humas::api {

//! The agency tree (region → agency → unit), built from AgencyRepository::All().
class Hierarchy {
 public:
  explicit Hierarchy(std::vector<Agency> agencies);
  //! nullptr when unknown.
  const Agency* Find(Id id) const;
  //! `root` and every descendant (active or not); empty when root is unknown.
  std::vector<Id> Subtree(Id root) const;
  //! True when `id` is `ancestor` or below it.
  bool IsWithin(Id id, Id ancestor) const;
  const std::map<Id, Agency>& all() const { return by_id_; }

 private:
  std::map<Id, Agency> by_id_;
  std::multimap<Id, Id> children_;
};

//! A user's effective permissions. A role granted on an agency covers its whole subtree.
class Access {
 public:
  Access(const User& user, const Hierarchy& hierarchy);

  //! Holds `role` somewhere.
  bool Has(Role role) const;
  bool IsAdmin() const { return Has(Role::kAdmin); }
  //! Holds one of `roles` on `agency` or an ancestor of it.
  bool HasOn(std::initializer_list<Role> roles, Id agency) const;
  //! Any role covers the agency.
  bool CanRead(Id agency) const { return readable_.count(agency) > 0; }
  //! Every agency the user may read, sorted.
  std::vector<Id> Readable() const { return {readable_.begin(), readable_.end()}; }
  //! Mentions not yet matched to an agency: admin and koordinator only.
  bool SeesUnassigned() const { return Has(Role::kAdmin) || Has(Role::kKoordinator); }

  //! Directory rules (docs/api.md, roles table).
  bool CanManageAgency(Id agency) const {
    return HasOn({Role::kAdmin, Role::kKoordinator}, agency);
  }
  bool CanManageAccounts(Id agency) const {
    return HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat}, agency);
  }
  bool CanImport() const {
    return Has(Role::kAdmin) || Has(Role::kKoordinator) || Has(Role::kPejabat) ||
           Has(Role::kPetugas);
  }

 private:
  const User& user_;
  const Hierarchy& hierarchy_;
  std::set<Id> readable_;
};

}  // namespace humas::api
