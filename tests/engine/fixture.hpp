// A throwaway PostgreSQL 15 with dsql_iam for one test process (dsql::local), and helpers
// to run SQL as a role and to plan/apply a spec. Each Catch2 case runs in its own
// process (catch_discover_tests), so each case gets a fresh cluster.
#pragma once

#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <dsql/validate.hpp>

#include "engine/engine.hpp"
#include "local/cluster.hpp"
#include "process.hpp"
#include "spec_builder.hpp"

namespace dsql::engine::test {

namespace fs = std::filesystem;

struct server {
  fs::path dir;
  dsql::local::cluster_info info;

  // port 0: a free TCP port (the TLS endpoint binds it on 127.0.0.1), so tests never
  // collide with each other or with a system PostgreSQL on 5432.
  // strict: Aurora DSQL's rules, for the aurora_dsql target (strict_cluster()). Not
  // strict, explicitly, for the postgres_local target (cluster()): plain PostgreSQL (SET
  // LOCAL ROLE around delegated grants, several DDL statements in one transaction),
  // which Aurora DSQL's rules refuse by design.
  explicit server(bool strict) {
    std::string tmpl = (fs::temp_directory_path() / "dsql-engine-it.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    info = dsql::local::up(dsql::local::cluster_options{dir, 0, true, strict});
  }
  ~server() {
    try {
      dsql::local::down(dir);
    } catch (...) {
    }
    std::error_code ec;
    fs::remove(dir, ec);  // down() keeps a directory it did not create: we made it (empty now)
  }
  std::string conninfo(const std::string& user = "admin") const { return info.conninfo(user); }

  // Runs statements (several allowed) in one implicit transaction per statement list.
  void sql(const std::string& text, const std::string& user = "admin") const {
    pqxx::connection c(conninfo(user));
    pqxx::nontransaction n(c);
    n.exec(text);
  }
  std::string one(const std::string& query, const std::string& user = "admin") const {
    pqxx::connection c(conninfo(user));
    pqxx::nontransaction n(c);
    auto r = n.exec(query);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].c_str();
  }
  // IAM principals must exist in the local IAM state before they are mapped (dsql_iam).
  void principals(const std::vector<std::string>& arns) const {
    for (const auto& arn : arns) {
      const bool user = arn.find(":user/") != std::string::npos;
      auto r = dsql::test::run({DSQLCTL, "iam", "--dir", dir.string(), user ? "create-user" : "create-role", arn});
      if (r.status != 0 && r.output.find("exists") == std::string::npos)
        throw std::runtime_error("dsqlctl iam create-role " + arn + " failed:\n" + r.output);
    }
  }
  void seed_principals() const {
    principals({"arn:aws:iam::123456789012:role/AppReadOnlyRole", "arn:aws:iam::123456789012:role/AppReadWriteRole",
                "arn:aws:iam::123456789012:role/UserServiceRole", "arn:aws:iam::123456789012:role/ReportingRole"});
  }
  plan plan_for(const model::cluster& s, bool prune = false, const std::string& user = "admin",
                target t = target::postgres_local) const {
    pqxx::connection c(conninfo(user));
    diff_options o;
    o.prune = prune;
    return diff(s, inspect(c, t, &s), o);
  }
  apply_result apply_spec(const model::cluster& s, bool prune = false, const std::string& user = "admin",
                          target t = target::postgres_local) const {
    pqxx::connection c(conninfo(user));
    apply_options o;
    o.on = t;
    o.diff.prune = prune;
    return apply(c, s, o);
  }
};

// The postgres_local target's server (strict mode off).
inline server& cluster() {
  static server s(false);
  return s;
}

// The aurora_dsql target's server (strict mode on: what Aurora DSQL refuses, it refuses).
inline server& strict_cluster() {
  static server s(true);
  return s;
}

}  // namespace dsql::engine::test
