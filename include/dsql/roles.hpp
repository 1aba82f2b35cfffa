// dsql/roles.hpp - umbrella header of the dsql-roles DSL (C++20, standard library only).
//
// Declare roles, schemas, grants and IAM mappings as types, checked at compile time with
// one sentence per mistake; render an idempotent psql bootstrap for Aurora DSQL or a
// local PostgreSQL with dsql_iam, a revoke (offboarding) script, IAM policies.
//
//   fixed_string.hpp  string literals as template arguments
//   name.hpp          role/schema name rules, identifier and literal quoting
//   role.hpp          dsql::role, dsql::login, dsql::nologin, dsql::admin
//   schema.hpp        dsql::schema, dsql::existing_schema, dsql::public_schema
//   privilege.hpp     dsql::usage, create, select, insert, update, delete_, privileges
//   grant.hpp         dsql::grant, dsql::on_schema, dsql::on_all_tables_in
//   iam.hpp           dsql::iam_role, iam_user, iam_grant, iam_admin, aws_account
//   cluster.hpp       dsql::cluster and its parts; concepts valid, cannot_declare, fails_with
//   model.hpp         dsql::model_of<Spec>(): the run-time model (plain values)
//   render.hpp        render_bootstrap, render_revoke, render_policies, render_matrix
#ifndef DSQL_ROLES_HPP
#define DSQL_ROLES_HPP

#include "fixed_string.hpp"
#include "error.hpp"
#include "name.hpp"
#include "role.hpp"
#include "schema.hpp"
#include "privilege.hpp"
#include "grant.hpp"
#include "iam.hpp"
#include "target.hpp"
#include "cluster.hpp"
#include "model.hpp"
#include "validate.hpp"
#include "render.hpp"

#endif  // DSQL_ROLES_HPP
