// What the spec asks of the live database, object by object (internal to the engine).
//
// The model's grants and revokes name objects as the DSL does (a schema, all tables in a
// schema, a table, some columns, a function with its declared argument types, the
// database); the planner compares ACL entries, which are per object and per column. This
// expands the model against the live state:
//   - ON ALL TABLES IN SCHEMA s: every relation of s that GRANT ... ON ALL TABLES reaches
//     (relkind r, p, v, m, f); ALL SEQUENCES: relkind S; ALL FUNCTIONS: prokind f, a, w
//     (PostgreSQL's objectsInSchemaToOids) - the objects that exist now (P5);
//   - a table, sequence or function named by the spec that does not exist is a note, not a
//     change (the bootstrap skips it the same way);
//   - a function's declared argument types are matched through the server's
//     to_regprocedure (state::functions);
//   - the bootstrap runs every GRANT, then every REVOKE: what is wanted is the grants'
//     union minus the revokes', and a table-level revoke also takes the same privileges
//     of that grantee at column level (as PostgreSQL does).
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "engine/engine.hpp"

namespace dsql::engine::detail {

// (kind, schema, name, args): kind is database, schema, table, sequence or function.
using object_key = std::tuple<object_kind, std::string, std::string, std::string>;

// An ACL entry's identity without its grantor: (object, column, grantee, is_public).
struct acl_key {
  object_key object;
  std::string column;  // "" for the object itself
  std::string grantee;
  bool is_public = false;
  auto operator<=>(const acl_key&) const = default;
};

struct wanted {
  privilege_set privileges;
  privilege_set grantable;  // WITH GRANT OPTION
  std::string why;          // the declaration, for the plan's reason
};

struct intent {
  std::map<acl_key, wanted> grants;   // declared grants, minus the declared revokes
  std::map<acl_key, wanted> revokes;  // declared revokes (must not hold)
  std::vector<finding> notes;         // named objects that do not exist
};

object_key key_of(const live_object& o);
intent expand(const model::cluster& spec, const state& live);

}  // namespace dsql::engine::detail
