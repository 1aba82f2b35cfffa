// The bar for one spec model, as a user meets it: the DSL README's examples and
// the seed, each bootstrapped with its static script (dsqlctl sql, as admin), their
// objects created afterwards by whoever the spec says creates them, the script run again,
// then their own spec program - dsql::main<Spec>, called here in-process as a spec
// program's main() calls it - plans "No changes" with --prune --exit-code (exit 0).
//   - the seed and README section 1 ("shop") on a strict cluster (aurora_dsql: the plan
//     target follows strict mode), as they would run on Aurora DSQL;
//   - README section 3 ("ledger": schema owner, ADMIN OPTION, NOINHERIT, CONNECTION LIMIT,
//     default privileges FOR ROLE) on a cluster without strict mode (postgres_local: DSQL
//     has no form for several of its declarations, which validate_for refuses there).
#include <catch2/catch.hpp>

#include <dsql/render.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/main.hpp"
#include "fixture.hpp"
#include "readme_specs.hpp"
#include "seed.hpp"

using dsql::engine::test::server;
using dsql::test::run;

namespace {

struct outcome {
  int status;
  std::string output;
};

// dsql::main<Spec>(argc, argv) with its standard output and error captured.
template <class Spec>
outcome spec_main(std::vector<std::string> args) {
  args.insert(args.begin(), "spec-program");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(out.rdbuf());
  int status = -1;
  try {
    status = dsql::main<Spec>(static_cast<int>(argv.size()), argv.data());
  } catch (...) {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    throw;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {status, out.str()};
}

void sql(const server& c, const std::string& script, const std::string& user = "admin") {
  auto r = run({DSQLCTL, "sql", "-", "--dir", c.dir.string(), "--user", user}, script);
  INFO("dsqlctl sql as " << user << ":\n" << script << "\n" << r.output);
  REQUIRE(r.status == 0);
}

template <class Spec>
void no_changes_after_bootstrap(const server& c, dsql::target t, const std::string& objects,
                                const std::string& objects_user) {
  const auto policies =
      dsql::render_policies<Spec>({.account_id = "123456789012", .region = "us-east-1", .cluster_id = "local"});
  auto sync = run({DSQLCTL, "iam", "--dir", c.dir.string(), "sync", "--policies", "-"}, policies);
  INFO(sync.output);
  REQUIRE(sync.status == 0);
  const std::string bootstrap = dsql::render_bootstrap<Spec>(t, {.account_id = "123456789012"});
  sql(c, bootstrap);
  sql(c, objects, objects_user);
  sql(c, bootstrap);  // the objects created after it: the script reaches them when run again
  const outcome plan = spec_main<Spec>({"plan", "--dir", c.dir.string(), "--prune", "--exit-code"});
  INFO(plan.output);
  CHECK(plan.status == 0);
  CHECK(plan.output.find("No changes.") != std::string::npos);
}

}  // namespace

TEST_CASE("the seed: after its aurora_dsql bootstrap on a strict cluster, seed-spec plan --prune says No changes",
          "[integration][readme][strict]") {
  auto& c = dsql::engine::test::strict_cluster();
  // the seed's tables, by admin after the grants (as the seed does), one DDL per transaction
  no_changes_after_bootstrap<seed::spec>(
      c, dsql::target::aurora_dsql,
      "BEGIN;\nCREATE TABLE users_schema.profiles (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id "
      "varchar(255) NOT NULL, email varchar(255) NOT NULL);\nCOMMIT;\nBEGIN;\nCREATE TABLE public.products (id uuid "
      "PRIMARY KEY DEFAULT gen_random_uuid(), name varchar(255) NOT NULL);\nCOMMIT;\n",
      "admin");
}

TEST_CASE("README section 1: after its aurora_dsql bootstrap on a strict cluster, plan --prune says No changes",
          "[integration][readme][strict]") {
  auto& c = dsql::engine::test::strict_cluster();
  no_changes_after_bootstrap<readme::shop::spec>(
      c, dsql::target::aurora_dsql, "BEGIN;\nCREATE TABLE app.orders (id int PRIMARY KEY);\nCOMMIT;\n", "admin");
}

TEST_CASE("README section 3: after its postgres_local bootstrap, plan --prune says No changes",
          "[integration][readme]") {
  auto& c = dsql::engine::test::cluster();
  // the ledger's objects, by its owner (ledger_owner, NOLOGIN: the bootstrap superuser
  // acts as it), so that the default privileges FOR ROLE ledger_owner apply to them
  no_changes_after_bootstrap<readme::ledger::spec>(
      c, dsql::target::postgres_local,
      "SET ROLE ledger_owner;\n"
      "CREATE TABLE ledger.accounts (id uuid PRIMARY KEY, name text, balance numeric);\n"
      "CREATE TABLE ledger.entries (id bigint PRIMARY KEY, account uuid, amount numeric);\n"
      "CREATE TABLE ledger.secrets (k text);\n"
      "CREATE SEQUENCE ledger.entry_id;\n"
      "CREATE FUNCTION ledger.post(uuid, numeric) RETURNS void LANGUAGE sql AS 'SELECT';\n"
      "RESET ROLE;\n",
      "postgres");
}
