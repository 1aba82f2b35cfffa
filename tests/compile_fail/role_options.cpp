// Compile-fail case: role options.
// expect: A role takes dsql::login or dsql::nologin, dsql::inherit or dsql::noinherit, dsql::connection_limit<N>, dsql::password_from_env<"VAR"> and dsql::component<"...">, each at most once.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
#else
using r = dsql::role<"r", dsql::login, dsql::nologin>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
