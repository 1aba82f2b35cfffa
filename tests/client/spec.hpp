// The spec the client tests connect with: an application role mapped to an IAM role,
// a role without a mapping, and the admin identity.
#pragma once

#include <dsql/roles.hpp>

namespace client_test {

using app_rw = dsql::role<"app_rw", dsql::login>;
using batch = dsql::role<"batch", dsql::login>;  // LOGIN, never mapped
using readers = dsql::role<"readers">;           // NOLOGIN group
using spec = dsql::cluster<
    "client_test", dsql::roles<app_rw, batch, readers>,
    dsql::iam<dsql::iam_grant<app_rw, dsql::iam_role<"AppRole">>, dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>>,
    dsql::aws_account<"123456789012">>;

inline constexpr const char* app_arn = "arn:aws:iam::123456789012:role/AppRole";
inline constexpr const char* admin_arn = "arn:aws:iam::123456789012:role/DsqlAdminRole";

}  // namespace client_test
