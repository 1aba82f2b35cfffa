// A tiny service spec compiled against the installed headers; prints its bootstrap.
#include <dsql/roles.hpp>

#include <iostream>

using api = dsql::role<"api", dsql::login>;
using spec =
    dsql::cluster<"consumer", dsql::roles<api>, dsql::schemas<dsql::public_schema>,
                  dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, api>>,
                  dsql::iam<dsql::iam_grant<api, dsql::iam_role<"ApiRole">>>, dsql::aws_account<"123456789012">>;
static_assert(dsql::valid<spec>);

int main() {
  std::cout << dsql::render_bootstrap<spec, dsql::target::aurora_dsql>();
  return 0;
}
