// Agency hierarchy traversal and role checks.
#include "api/access.h"

namespace humas::api {

Hierarchy::Hierarchy(std::vector<Agency> agencies) {
  for (auto& a : agencies) {
    if (a.parent_id) children_.emplace(*a.parent_id, a.id);
    Id id = a.id;
    by_id_.emplace(id, std::move(a));
  }
}

const Agency* Hierarchy::Find(Id id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::vector<Id> Hierarchy::Subtree(Id root) const {
  std::vector<Id> out;
  if (!Find(root)) return out;
  std::vector<Id> stack{root};
  std::set<Id> seen;  // guards against a cycle in corrupted data
  while (!stack.empty()) {
    Id id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    out.push_back(id);
    auto [b, e] = children_.equal_range(id);
    for (auto it = b; it != e; ++it) stack.push_back(it->second);
  }
  return out;
}

bool Hierarchy::IsWithin(Id id, Id ancestor) const {
  for (int depth = 0; depth < 64; ++depth) {
    if (id == ancestor) return true;
    const Agency* a = Find(id);
    if (!a || !a->parent_id) return false;
    id = *a->parent_id;
  }
  return false;
}

Access::Access(const User& user, const Hierarchy& hierarchy) : user_(user), hierarchy_(hierarchy) {
  if (!user.active) return;
  for (const RoleGrant& g : user.roles)
    for (Id id : hierarchy.Subtree(g.agency_id)) readable_.insert(id);
}

bool Access::Has(Role role) const {
  if (!user_.active) return false;
  for (const RoleGrant& g : user_.roles)
    if (g.role == role) return true;
  return false;
}

bool Access::HasOn(std::initializer_list<Role> roles, Id agency) const {
  if (!user_.active) return false;
  for (const RoleGrant& g : user_.roles)
    for (Role r : roles)
      if (g.role == r && hierarchy_.IsWithin(agency, g.agency_id)) return true;
  return false;
}

}  // namespace humas::api
