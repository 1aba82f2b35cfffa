// Compile-fail case: privilege fits object.
// expect: Each privilege must be one PostgreSQL grants on the object: USAGE, CREATE on schemas; SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on tables; SELECT, INSERT, UPDATE, REFERENCES on columns; USAGE, SELECT, UPDATE on sequences; EXECUTE on functions; CREATE, CONNECT, TEMPORARY on the database.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::insert, dsql::on_all_tables_in<dsql::public_schema>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::insert, dsql::on_schema<dsql::public_schema>, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<dsql::public_schema>, dsql::grants<g>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
