// The planner's model of PostgreSQL's REVOKE ... CASCADE (internal to the engine).
//
// What survives the plan's revokes, per live ACL entry, as PostgreSQL computes it
// (aclchk.c, recursive_revoke): an entry loses what is revoked from it, and a delegated
// entry (grantor not the object's owner) loses what its grantor no longer holds WITH GRANT
// OPTION - held directly or through a membership (the memberships as they will be after
// the plan's membership steps). An entry whose grantor lacks the option before any step is
// an orphan (left by an earlier membership revoke): PostgreSQL keeps it until revoked
// explicitly, so the model does too.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace dsql::engine::detail {

class revoke_cascade {
 public:
  // ancestors(r): r and every role r is (transitively) a member of, after the plan's
  // membership steps: whose grant options r holds.
  using ancestors_fn = std::function<const std::set<std::string>&(const std::string&)>;

  revoke_cascade(const state& live, ancestors_fn ancestors);

  std::size_t index(const live_acl& a) const { return static_cast<std::size_t>(&a - live_.acls.data()); }
  // The ACL entries of an object (indexes into state::acls).
  const std::vector<std::size_t>& entries_of(std::size_t object);

  // A step revokes privs from entry a (what it cascades to is recomputed lazily).
  void note_revoke(const live_acl& a, privilege_set privs);
  // A step revokes only the grant option of privs from entry a.
  void note_revoke_grant_option(const live_acl& a, privilege_set privs);
  // Memberships changed: the cascade must be recomputed.
  void invalidate() { dirty_ = true; }

  // What entry a still grants after the steps so far (0 when a cascade took it).
  privilege_set surviving(const live_acl& a);
  privilege_set surviving_grantable(const live_acl& a);
  // Its grantor lacked the grant option before any step: PostgreSQL keeps it as it is.
  bool orphan(const live_acl& a);
  // Taken away by a cascade of the plan's revokes (an orphan is not: it stays).
  bool gone(const live_acl& a) { return !orphan(a) && surviving(a).empty(); }
  // What the entry still grants: an orphan keeps what is not revoked explicitly.
  privilege_set current(const live_acl& a);

 private:
  void recompute();

  const state& live_;
  ancestors_fn ancestors_;
  std::map<std::size_t, privilege_set> revoked_;         // entry -> revoked by a step
  std::map<std::size_t, privilege_set> revoked_option_;  // entry -> grant option revoked
  std::vector<privilege_set> survive_, survive_option_, survive0_;
  std::map<std::size_t, std::vector<std::size_t>> by_object_;
  bool dirty_ = true;
};

}  // namespace dsql::engine::detail
