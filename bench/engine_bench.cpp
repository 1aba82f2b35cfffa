// bench-engine: the plan/apply engine on a generated database (issue 5's targets).
//
// Starts a throwaway PostgreSQL 15 with dsql_iam (dsql::local), generates as admin
// ROLES roles, SCHEMAS schemas with TABLES tables in all and PER_TABLE grants of SELECT on
// each table (PER_TABLE x TABLES ACL entries beyond the owners'), and a spec declaring
// exactly those grants (per table). Then measures, each in one run so the ratios hold on
// a noisy machine:
//   1. empty plan: inspect + diff on the converged database (time, round trips, client
//      memory as peak RSS growth, plan size must be 0);
//   2. drift: DRIFT of the grants revoked behind the engine's back; inspect + diff (the
//      plan names them) and apply (the grants, one transaction per 200 steps, then the
//      convergence check, which inspects again);
//   4. prune: DRIFT extra grants added behind its back; inspect + diff --prune, apply --prune;
//   3. the per-object inspection the Terraform provider does: one query per table, per
//      schema and per role (aclexplode of that object's ACL), same information; time and
//      round trips, and the ratio to 1;
//   5. aurora_dsql: every DDL is its own transaction there, so the count of transactions
//      matters: (a) the DRIFT per-table grants applied with target aurora_dsql, (b) 10 roles
//      granted SELECT ON ALL TABLES IN SCHEMA bench_s0 (10 x TABLES/SCHEMAS grants), each
//      GRANT naming up to 500 tables, (c) 100 roles each granted SELECT on its own 100 named
//      tables (10,000 per-table grants, the shape a spec declares: one GRANT per role).
// A plain program rather than Google Benchmark: each figure is one long operation on
// a database built once, repeated REPEAT times (median reported).
//
// usage: bench-engine [ROLES TABLES PER_TABLE DRIFT REPEAT]   default 1000 10000 3 10000 3
#include <sys/resource.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "local/cluster.hpp"

namespace fs = std::filesystem;
using namespace dsql::engine;
using clk = std::chrono::steady_clock;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double seconds_since(clk::time_point t) { return std::chrono::duration<double>(clk::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

constexpr int schemas = 10;

std::string role(int i) {
  char b[32];
  std::snprintf(b, sizeof b, "bench_r%04d", i);
  return b;
}
std::string schema(int s) { return "bench_s" + std::to_string(s); }
std::string table(int j) { return "t" + std::to_string(j); }

}  // namespace

int run(int argc, char** argv);

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-engine: %s\n", e.what());
    return 1;
  }
}

int run(int argc, char** argv) {
  const int roles = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int tables = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int per_table = argc > 3 ? std::atoi(argv[3]) : 3;
  const int drift = argc > 4 ? std::atoi(argv[4]) : 10000;
  const int repeat = argc > 5 ? std::atoi(argv[5]) : 3;

  std::string tmpl = (fs::temp_directory_path() / "dsql-bench-engine.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return 1;
  const fs::path dir = tmpl;
  struct stopper {
    fs::path d;
    ~stopper() {
      try {
        dsql::local::down(d);
      } catch (...) {
      }
      std::error_code ec;
      fs::remove(d, ec);  // down() keeps a directory it did not create
    }
  } stop{dir};
  // strict off, explicitly: the generator uses DO blocks and many DDL statements per
  // transaction, and the engine runs its postgres_local target (plain PostgreSQL)
  const auto info = dsql::local::up(dsql::local::cluster_options{dir, 0, true, /*strict=*/false});
  const std::string conninfo = info.conninfo("admin");
  pqxx::connection c(conninfo);

  // ---- generate (server side, as admin: admin owns everything, as on DSQL) ----
  auto t0 = clk::now();
  {
    pqxx::nontransaction n(c);
    n.exec("DO $$ BEGIN FOR i IN 0.." + std::to_string(roles - 1) +
           " LOOP EXECUTE format('CREATE ROLE %I', 'bench_r' || lpad(i::text, 4, '0')); END LOOP; END $$");
    for (int s = 0; s < schemas; ++s) n.exec("CREATE SCHEMA " + schema(s));
    // 500 tables per transaction (the lock table holds max_locks_per_transaction x connections)
    for (int from = 0; from < tables; from += 500) {
      const std::string range = std::to_string(from) + ".." + std::to_string(std::min(tables, from + 500) - 1);
      n.exec("DO $$ BEGIN FOR j IN " + range + " LOOP EXECUTE format('CREATE TABLE %I.%I (id int)', " +
             "'bench_s' || (j % " + std::to_string(schemas) + "), 't' || j); END LOOP; END $$");
      n.exec("DO $$ BEGIN FOR j IN " + range + " LOOP FOR m IN 0.." + std::to_string(per_table - 1) +
             " LOOP EXECUTE format('GRANT SELECT ON %I.%I TO %I', 'bench_s' || (j % " + std::to_string(schemas) +
             "), 't' || j, 'bench_r' || lpad(((j * " + std::to_string(per_table) + " + m) % " + std::to_string(roles) +
             ")::text, 4, '0')); END LOOP; END LOOP; END $$");
    }
  }
  const double generate_s = seconds_since(t0);

  dsql::model::cluster s;
  s.name = "bench";
  for (int i = 0; i < roles; ++i) {
    dsql::model::role r;
    r.name = role(i);
    s.roles.push_back(r);
  }
  for (int sc = 0; sc < schemas; ++sc) {
    dsql::model::schema x;
    x.name = schema(sc);
    x.create = false;
    s.schemas.push_back(x);
  }
  for (int j = 0; j < tables; ++j)
    for (int m = 0; m < per_table; ++m) {
      dsql::model::grant g;
      g.privileges = {dsql::privilege_kind::select};
      g.on = dsql::object_kind::table;
      g.schema = schema(j % schemas);
      g.object = table(j);
      g.grantee = role((j * per_table + m) % roles);
      s.grants.push_back(g);
    }

  // ---- 1. empty plan ----
  std::size_t acl_entries = 0, objects = 0;
  int round_trips = 0;
  std::vector<double> inspect_t, diff_t, total_t;
  const long rss_before = peak_rss_kib();
  for (int r = 0; r < repeat; ++r) {
    auto a = clk::now();
    const state st = inspect(c, target::postgres_local, &s);
    const double ti = seconds_since(a);
    auto b = clk::now();
    const plan p = diff(s, st, {});
    const double td = seconds_since(b);
    if (!p.empty()) {
      std::fprintf(stderr, "bench-engine: the converged database has a non-empty plan:\n%s", to_text(p).c_str());
      return 1;
    }
    acl_entries = st.acls.size();
    objects = st.objects.size();
    round_trips = st.round_trips;
    inspect_t.push_back(ti);
    diff_t.push_back(td);
    total_t.push_back(ti + td);
  }
  const long rss_after = peak_rss_kib();

  // ---- 3. per-object inspection (one query per object, as the Terraform provider) ----
  std::vector<double> per_object_t;
  long per_object_queries = 0;
  for (int r = 0; r < repeat; ++r) {
    auto a = clk::now();
    long q = 0;
    pqxx::nontransaction n(c);
    c.prepare("role", "SELECT rolname, rolsuper, rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1");
    c.prepare("schema",
              "SELECT a.grantee, a.grantor, a.privilege_type FROM pg_catalog.pg_namespace n, "
              "aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a WHERE n.nspname = $1");
    c.prepare(
        "table",
        "SELECT a.grantee, a.grantor, a.privilege_type FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
        "n.oid = c.relnamespace, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
        "WHERE n.nspname = $1 AND c.relname = $2");
    std::size_t rows = 0;
    for (int i = 0; i < roles; ++i, ++q) rows += n.exec_prepared("role", role(i)).size();
    for (int sc = 0; sc < schemas; ++sc, ++q) rows += n.exec_prepared("schema", schema(sc)).size();
    for (int j = 0; j < tables; ++j, ++q) rows += n.exec_prepared("table", schema(j % schemas), table(j)).size();
    per_object_t.push_back(seconds_since(a));
    per_object_queries = q;
    c.unprepare("role");
    c.unprepare("schema");
    c.unprepare("table");
    if (rows == 0) return 1;
  }

  // ---- 2. drift: revoke DRIFT grants behind the engine's back, plan, apply ----
  {
    pqxx::nontransaction n(c);
    for (int from = 0; from < tables; from += 500)
      n.exec("DO $$ BEGIN FOR j IN " + std::to_string(from) + ".." + std::to_string(std::min(tables, from + 500) - 1) +
             " LOOP FOR m IN 0.." + std::to_string(per_table - 1) + " LOOP IF j * " + std::to_string(per_table) +
             " + m < " + std::to_string(drift) +
             " THEN EXECUTE format('REVOKE SELECT ON %I.%I FROM %I', 'bench_s' || (j % " + std::to_string(schemas) +
             "), 't' || j, 'bench_r' || lpad(((j * " + std::to_string(per_table) + " + m) % " + std::to_string(roles) +
             ")::text, 4, '0')); END IF; END LOOP; END LOOP; END $$");
  }
  auto a = clk::now();
  const plan drift_plan = diff(s, inspect(c, target::postgres_local, &s), {});
  const double drift_plan_s = seconds_since(a);
  a = clk::now();
  apply_options ao;
  const apply_result ar = apply(c, s, ao);
  const double apply_s = seconds_since(a);

  // ---- 4. prune: DRIFT extra grants (INSERT) added behind the engine's back ----
  {
    pqxx::nontransaction n(c);
    for (int from = 0; from < tables; from += 500)
      n.exec("DO $$ BEGIN FOR j IN " + std::to_string(from) + ".." + std::to_string(std::min(tables, from + 500) - 1) +
             " LOOP IF j < " + std::to_string(drift) +
             " THEN EXECUTE format('GRANT INSERT ON %I.%I TO %I', 'bench_s' || (j % " + std::to_string(schemas) +
             "), 't' || j, 'bench_r' || lpad(((j * " + std::to_string(per_table) + ") % " + std::to_string(roles) +
             ")::text, 4, '0')); END IF; END LOOP; END $$");
  }
  a = clk::now();
  diff_options prune;
  prune.prune = true;
  const plan prune_plan = diff(s, inspect(c, target::postgres_local, &s), prune);
  const double prune_plan_s = seconds_since(a);
  a = clk::now();
  ao.diff.prune = true;
  const apply_result pr = apply(c, s, ao);
  const double prune_apply_s = seconds_since(a);

  // ---- 5. aurora_dsql: transactions ----
  {
    pqxx::nontransaction n(c);
    for (int from = 0; from < tables; from += 500)
      n.exec("DO $$ BEGIN FOR j IN " + std::to_string(from) + ".." + std::to_string(std::min(tables, from + 500) - 1) +
             " LOOP FOR m IN 0.." + std::to_string(per_table - 1) + " LOOP IF j * " + std::to_string(per_table) +
             " + m < " + std::to_string(drift) +
             " THEN EXECUTE format('REVOKE SELECT ON %I.%I FROM %I', 'bench_s' || (j % " + std::to_string(schemas) +
             "), 't' || j, 'bench_r' || lpad(((j * " + std::to_string(per_table) + " + m) % " + std::to_string(roles) +
             ")::text, 4, '0')); END IF; END LOOP; END LOOP; END $$");
  }
  apply_options dsql_o;
  dsql_o.on = target::aurora_dsql;
  a = clk::now();
  const apply_result dr = apply(c, s, dsql_o);
  const double dsql_per_table_s = seconds_since(a);
  dsql::model::cluster all = s;
  all.grants.clear();
  for (int i = 0; i < 10; ++i) {
    dsql::model::grant g;
    g.privileges = {dsql::privilege_kind::select};
    g.on = dsql::object_kind::all_tables_in_schema;
    g.schema = schema(0);
    g.grantee = role(i);
    all.grants.push_back(g);
  }
  a = clk::now();
  const apply_result da = apply(c, all, dsql_o);
  const double dsql_all_s = seconds_since(a);

  // (c) what a spec declares per object: 100 roles, each SELECT on its own 100 named tables
  // (10,000 per-table grants, none ON ALL TABLES), revoked first so that all are missing
  const int c_roles = std::min(100, roles), c_tables = std::min(100, tables / std::max(1, c_roles));
  dsql::model::cluster named = s;
  named.grants.clear();
  {
    pqxx::nontransaction n(c);
    n.exec("DO $$ BEGIN FOR i IN 0.." + std::to_string(c_roles - 1) + " LOOP FOR k IN 0.." +
           std::to_string(c_tables - 1) + " LOOP EXECUTE format('REVOKE SELECT ON %I.%I FROM %I', 'bench_s' || ((i * " +
           std::to_string(c_tables) + " + k) % " + std::to_string(schemas) + "), 't' || (i * " +
           std::to_string(c_tables) + " + k), 'bench_r' || lpad(i::text, 4, '0')); END LOOP; END LOOP; END $$");
  }
  for (int i = 0; i < c_roles; ++i)
    for (int k = 0; k < c_tables; ++k) {
      const int j = i * c_tables + k;
      dsql::model::grant g;
      g.privileges = {dsql::privilege_kind::select};
      g.on = dsql::object_kind::table;
      g.schema = schema(j % schemas);
      g.object = table(j);
      g.grantee = role(i);
      named.grants.push_back(g);
    }
  a = clk::now();
  const apply_result dn = apply(c, named, dsql_o);
  const double dsql_named_s = seconds_since(a);

  const double ratio = median(per_object_t) / median(total_t);
  std::printf("| figure | value | target |\n|---|---|---|\n");
  std::printf(
      "| generated | %d roles, %d schemas, %d tables, %zu ACL entries read (%zu objects incl. functions and the database) in %.1f s | |\n",
      roles, schemas, tables, acl_entries, objects, generate_s);
  std::printf(
      "| empty plan on the converged database (inspect + diff), median of %d | %.3f s (inspect %.3f s, diff %.3f s) | <= 1 s |\n",
      repeat, median(total_t), median(inspect_t), median(diff_t));
  std::printf("| round trips of one inspection | %d | <= 10 |\n", round_trips);
  std::printf("| client memory (peak RSS growth over the inspections; peak RSS) | %.1f MiB (%.1f MiB) | <= 200 MB |\n",
              static_cast<double>(rss_after - rss_before) / 1024.0, static_cast<double>(rss_after) / 1024.0);
  std::printf("| inspect + diff with %d grants missing (plan: %zu steps) | %.3f s | <= 1 s |\n", drift,
              drift_plan.steps.size(), drift_plan_s);
  std::printf(
      "| apply of those %zu grants (plan, execute, re-inspect, re-plan) | %.3f s (%zu steps applied, %d retries) | <= 10 s |\n",
      drift_plan.steps.size(), apply_s, ar.applied.steps.size(), ar.retries);
  std::printf("| inspect + diff --prune with %d extra grants (plan: %zu revokes) | %.3f s | |\n", drift,
              prune_plan.steps.size(), prune_plan_s);
  std::printf(
      "| apply --prune of those revokes (plan, execute, re-inspect, re-plan) | %.3f s (%zu steps applied) | |\n",
      prune_apply_s, pr.applied.steps.size());
  std::printf(
      "| per-object inspection (one query per role, schema and table), median of %d | %.3f s, %ld round trips | |\n",
      repeat, median(per_object_t), per_object_queries);
  std::printf("| ratio per-object / engine (inspect + diff) | %.1fx slower, %.0fx the round trips | |\n", ratio,
              static_cast<double>(per_object_queries) / round_trips);
  std::printf(
      "| aurora_dsql: apply of the %d per-table grants (each (table, role) its own; one GRANT per role names its tables) | %d transactions, %zu statements, %.3f s | |\n",
      drift, dr.transactions, dr.applied.steps.size(), dsql_per_table_s);
  std::printf(
      "| aurora_dsql: apply of 10 roles x SELECT ON ALL TABLES IN SCHEMA bench_s0 (%d grants) | %d transactions, %zu statements, %.3f s | <= 100 transactions |\n",
      10 * (tables / schemas), da.transactions, da.applied.steps.size(), dsql_all_s);
  std::printf(
      "| aurora_dsql: apply of %d roles x SELECT on %d named tables each (%d per-table grants, as a spec declares them) | %d transactions, %zu statements, %.3f s | <= 100 transactions |\n",
      c_roles, c_tables, c_roles * c_tables, dn.transactions, dn.applied.steps.size(), dsql_named_s);
  return 0;
}
