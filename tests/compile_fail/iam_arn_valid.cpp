// Compile-fail case: iam arn valid.
// expect: A principal ARN must look like arn:aws:iam::<12-digit account>:role/<name> or :user/<name>.
// expect-first-line: dsql::culprit<dsql::fixed_string<62>{"IAM mapping of role r to arn:aws:iam::123456789012:group/devs"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_arn<"arn:aws:iam::123456789012:user/alice">;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_arn<"arn:aws:iam::123456789012:group/devs">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, p>>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
