// Compile-fail case: dsql::exec refuses a statement checked for another role than the
// connection's (the connection logs in as app_readonly; the statement is app_readwrite's).
// expect: dsql::exec runs a dsql::statement only on a connection of the role and spec it was checked for: this statement was checked for another role or spec than the connection's.
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

using reader = dsql::role<"app_readonly", dsql::login>;
using writer = dsql::role<"app_readwrite", dsql::login>;
using spec = dsql::cluster<"cf", dsql::roles<reader, writer>, dsql::schemas<dsql::public_schema>,
                           dsql::grants<dsql::grant<dsql::select, dsql::on_all_tables_in<dsql::public_schema>, reader>,
                                        dsql::grant<dsql::privileges<dsql::select, dsql::insert>,
                                                    dsql::on_all_tables_in<dsql::public_schema>, writer>>,
                           dsql::iam<dsql::iam_grant<reader, dsql::iam_role<"ReaderRole">>,
                                     dsql::iam_grant<writer, dsql::iam_role<"WriterRole">>>,
                           dsql::aws_account<"123456789012">>;

using list = dsql::statement<spec, reader, "SELECT id, name FROM products">;
using add = dsql::statement<spec, writer, "INSERT INTO products (name) VALUES ($1)">;

void run(dsql::client::connection<spec, reader>& c, dsql::client::connection<spec, writer>& w) {
  dsql::exec<list>(c);
  dsql::exec<add>(w, "tea");
  dsql::exec<dsql::unchecked<"SELECT pg_sleep(0)">>(c);
#ifdef DSQL_COMPILE_FAIL
  dsql::exec<add>(c, "tea");
#endif
}
// The other forms: a role-typed transaction, a pool, a retried transaction on a pool.
void run_more(dsql::client::connection<spec, reader>& c, dsql::pool<spec, writer>& p) {
  dsql::client::work<spec, reader> w(c);
  dsql::exec<list>(w);
  w.commit();
  dsql::exec<add>(p, "tea");
  dsql::with_occ_retry(p, [](dsql::client::work<spec, writer>& t) { dsql::exec<add>(t, "tea"); });
}
static_assert(dsql::client::runs_as<list, spec, reader> && !dsql::client::runs_as<add, spec, reader>);
