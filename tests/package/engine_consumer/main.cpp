// A spec program as a user writes one: the spec as types, main() is dsql::main<Spec>.
#include <dsql/roles.hpp>
#include <engine/main.hpp>

namespace shop {
using api = dsql::role<"api", dsql::login>;
using app = dsql::schema<"app">;
using spec = dsql::cluster<"packaged shop", dsql::roles<api>, dsql::schemas<app>,
                           dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<app>, api>,
                                        dsql::grant<dsql::select, dsql::on_all_tables_in<app>, api>>>;
}  // namespace shop

int main(int argc, char** argv) { return dsql::main<shop::spec>(argc, argv); }
