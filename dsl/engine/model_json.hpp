// The spec as JSON: the one serialisation of dsql::model::cluster, read and written here
// only (dsqlctl plan --spec FILE, `<spec program> spec`).
//
//   std::string text = dsql::engine::model_to_json(dsql::model_of<my::spec>());
//   dsql::model::cluster m = dsql::engine::model_from_json(text);   // == the model
//
// model -> JSON -> model is the identity. Reading is strict: an unknown key, a key given
// twice, a value of the wrong type or a missing required key is refused with the key's
// path ("spec JSON: grants[3].privileges[0]: ..."); the model is then checked by
// dsql::validate (the DSL's rules, one sentence each) before any SQL. Privileges may be
// written "ALL" (or ["ALL"]): the object kind's whole set, as dsql::all.
//
// Shape (every key of an object is optional unless marked *):
//   { "name", "account_id", "region", "cluster_id",
//     "roles": [{ "name"*, "login", "inherit": bool|null, "connection_limit": int|null,
//                 "password_env", "component" }],
//     "schemas": [{ "name"*, "create", "owner", "sensitive", "readers": [role] }],
//     "grants" | "revokes": [{ "privileges"*, "on"*, "schema", "object", "arguments",
//                 "columns": [name], "grantee" | "public": true, "with_grant_option" }],
//     "default_privileges": [{ "creator"*, "privileges"*, "on"*, "schema"*, "grantee" |
//                 "public": true, "with_grant_option" }],
//     "memberships": [{ "group"*, "member"*, "admin_option", "predefined_group" }],
//     "mappings": [{ "role"*, "principal"* }], "admins": [principal], "principals": [principal],
//     "retired_roles": [role] }
//   principal: { "kind": "role" | "user", "name"*, "account" }
//   on: database, schema, all_tables_in_schema, table, columns, sequence,
//       all_sequences_in_schema, function, all_functions_in_schema
#pragma once

#include <dsql/model.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace dsql::engine {

class spec_json_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string model_to_json(const model::cluster& c);
// Throws spec_json_error naming the key's path.
model::cluster model_from_json(std::string_view text);

}  // namespace dsql::engine
