// The seed scenario's access matrix (../shared/cases/seed-flow.md) for dsql::testing.
//
// The cells themselves are derived by dsql::testing from the seed spec's model
// (dsl/examples/seed.hpp) and the live catalog; what stays here is what the model does
// not say:
//   * seed_requirements(): seed-flow.md's "Must hold" table (and the component table's
//     user_service rights on public) as (role, privilege, object, allowed/refused). The
//     scenario is an independent statement of the intent: dsql::testing checks that a
//     cell derived from the spec answers each one with the same expectation, so a spec
//     that drifts from the scenario fails even when the server agrees with the spec.
//   * seed_extra(): cells no grant expresses (user_service's unqualified name through
//     `SET search_path TO users_schema, public`).
#pragma once

#include <dsql/testing.hpp>

#include <string_view>
#include <vector>

namespace dsql::seedflow {

const std::vector<dsql::testing::requirement>& seed_requirements();
const std::vector<dsql::testing::probe>& seed_extra();

// dsql::testing options for the seed: its extra cells and its requirements.
dsql::testing::options seed_options();

// The IAM role (name, not ARN) mapped to a seed role in seed-flow.md's table, e.g.
// "AppReadOnlyRole" for app_readonly; "DsqlAdminRole" (DbConnectAdmin) for admin.
std::string_view seed_principal(std::string_view role);

}  // namespace dsql::seedflow
