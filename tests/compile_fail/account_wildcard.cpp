// Compile-fail case: account wildcard (the seed's ARNs use * for the account; a mapping
// needs a concrete one, and the message says to bind it).
// expect: A mapped principal needs a concrete account, not *: bind it with dsql::aws_account<"123456789012"> or at render time and name the principal with dsql::iam_role<"Name">.
#include <dsql/roles.hpp>

#include <string>

using r = dsql::role<"r", dsql::login>;
#ifndef DSQL_COMPILE_FAIL
using account = dsql::aws_account<"123456789012">;
#else
using account = dsql::aws_account<"*">;
#endif
using spec =
    dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, dsql::iam_role<"AppReadOnlyRole">>>, account>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
