// dsql/roles.hpp - umbrella header of the dsql-roles DSL (C++20, standard library only).
//
// Declare roles, schemas, grants and IAM mappings as types, checked at compile time with
// one sentence per mistake; render an idempotent psql bootstrap for Aurora DSQL or a
// local PostgreSQL with dsql_iam, a revoke (offboarding) script, IAM policies.
//
//   fixed_string.hpp  string literals as template arguments
//   name.hpp          role/schema name rules, identifier and literal quoting
//   role.hpp          dsql::role and its options, dsql::admin, dsql::predefined_role
//   schema.hpp        dsql::schema (created/existing, owned_by, sensitive), dsql::public_schema
//   privilege.hpp     privileges per object kind, dsql::all, dsql::privileges
//   grant.hpp         dsql::grant, revoke, default_privileges, membership; the objects
//   iam.hpp           dsql::iam_role, iam_user, iam_arn, iam_grant, iam_admin, aws_account,
//                     aws_region, cluster_id
//   target.hpp        dsql::target (aurora_dsql, postgres_local)
//   sql.hpp           dsql::sql: the one set of statement builders (renderers and engine)
//   cluster.hpp       dsql::cluster and its parts; concepts valid, cannot_declare, fails_with,
//                     cannot_target
//   model.hpp         dsql::model_of<Spec>(): the run-time model (plain values)
//   cluster_rules.hpp dsql::first_cluster_rule: the cluster's rules, one function for both times
//   validate.hpp      dsql::validate, validate_for: the rules at run time (throwing)
//   render.hpp        render_bootstrap, render_revoke(_all), render_policies, render_matrix
//
// A tour and the reference: include/dsql/README.md.
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
#include "sql.hpp"
#include "cluster.hpp"
#include "model.hpp"
#include "validate.hpp"
#include "render.hpp"

#endif  // DSQL_ROLES_HPP
