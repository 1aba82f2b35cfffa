// The REVOKE cascade model (see cascade.hpp).
#include "engine/cascade.hpp"

namespace dsql::engine::detail {

revoke_cascade::revoke_cascade(const state& live, ancestors_fn ancestors)
    : live_(live), ancestors_(std::move(ancestors)) {
  for (std::size_t i = 0; i < live_.acls.size(); ++i) by_object_[live_.acls[i].object].push_back(i);
}

const std::vector<std::size_t>& revoke_cascade::entries_of(std::size_t object) { return by_object_[object]; }

void revoke_cascade::note_revoke(const live_acl& a, privilege_set privs) {
  const std::size_t i = index(a);
  revoked_[i] |= privs;
  // A table-level REVOKE also revokes the same privileges at column level from the same
  // grantee, as granted by the same grantor (aclchk.c, expand_all_col_privileges).
  if (a.column.empty())
    for (std::size_t j : entries_of(a.object)) {
      const auto& c = live_.acls[j];
      if (!c.column.empty() && c.grantee == a.grantee && c.is_public == a.is_public && c.grantor == a.grantor &&
          !(c.privileges & privs).empty()) {
        revoked_[j] |= privs;
        if (!survive_.empty()) survive_[j] = survive_[j].minus(privs);
      }
    }
  // without grant options taken, no other entry changes: no cascade to recompute
  if (!dirty_ && !survive_.empty() && (a.grantable & privs).empty()) {
    survive_[i] = survive_[i].minus(privs);  // (column entries above were updated likewise)
    survive_option_[i] = survive_option_[i].minus(privs);
    return;
  }
  dirty_ = true;
}

void revoke_cascade::note_revoke_grant_option(const live_acl& a, privilege_set privs) {
  revoked_option_[index(a)] |= privs;
  dirty_ = true;
}

void revoke_cascade::recompute() {
  if (!dirty_) return;
  dirty_ = false;
  const auto& acls = live_.acls;
  survive_.resize(acls.size());
  survive_option_.resize(acls.size());
  for (std::size_t i = 0; i < acls.size(); ++i) {
    auto r = revoked_.find(i);
    auto o = revoked_option_.find(i);
    survive_[i] = acls[i].privileges.minus(r == revoked_.end() ? privilege_set{} : r->second);
    survive_option_[i] =
        (acls[i].grantable & survive_[i]).minus(o == revoked_option_.end() ? privilege_set{} : o->second);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < acls.size(); ++i) {
      const auto& a = acls[i];
      if (!a.column.empty() || survive_[i].empty() || a.grantor == live_.objects[a.object].owner) continue;
      privilege_set can;  // what the grantor still holds WITH GRANT OPTION (itself or by membership)
      const auto& mine = ancestors_(a.grantor);
      for (std::size_t j : by_object_[a.object])
        if (acls[j].column.empty() && !acls[j].is_public && mine.count(acls[j].grantee)) can |= survive_option_[j];
      if (const privilege_set v = survive_[i] & can; v != survive_[i]) {
        survive_[i] = v;
        survive_option_[i] &= v;
        changed = true;
      }
    }
  }
  if (survive0_.empty()) survive0_ = survive_;
}

privilege_set revoke_cascade::surviving(const live_acl& a) {
  recompute();
  return survive_[index(a)];
}

privilege_set revoke_cascade::surviving_grantable(const live_acl& a) {
  recompute();
  return survive_option_[index(a)];
}

bool revoke_cascade::orphan(const live_acl& a) {
  recompute();
  return survive0_[index(a)].empty() && a.column.empty() && !a.is_public;
}

privilege_set revoke_cascade::current(const live_acl& a) {
  if (!orphan(a)) return surviving(a);
  auto r = revoked_.find(index(a));
  return a.privileges.minus(r == revoked_.end() ? privilege_set{} : r->second);
}

}  // namespace dsql::engine::detail
