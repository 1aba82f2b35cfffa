// dsql/testing.hpp - the access matrix of any spec, probed for real.
//
//   auto report = dsql::testing::probe_matrix<seed::spec>(dsql::testing::local_cluster("/tmp/c"));
//   std::cout << report.format();
//   REQUIRE(report.ok());            // or: for (auto* r : report.failures()) ...
//
// What is probed comes from the spec's model (dsql::model_of<Spec>(), include/dsql/model.hpp)
// and the live catalog, never from a second hand-written list:
//
//   * for every LOGIN role of the spec that is mapped to an IAM principal (or those in
//     options::roles), and every object of a schema the spec declares that exists in the
//     catalog (the schema itself, its tables, views, sequences and functions), one probe
//     per privilege a statement can exercise on that kind of object. The expectation is
//     what the spec grants: direct grants and grants to PUBLIC, grants on all tables /
//     sequences / functions in a schema, column grants, default privileges for objects
//     the catalog says the named creator owns, memberships (inherited unless the member is
//     NOINHERIT, as in PostgreSQL 15), ownership (an owner holds every privilege), minus
//     the spec's revokes, over PostgreSQL 15's built-in grants to PUBLIC (USAGE on schema
//     public, EXECUTE on functions; Aurora DSQL grants USAGE on public to PUBLIC as well).
//     A table privilege needs USAGE on its schema too, as in PostgreSQL. So every granted
//     privilege gets a positive probe, and every privilege the spec does not grant - on
//     the same objects, on sensitive<> schemas a role is not a reader of - a negative one.
//   * admin-only operations for every probed role: CREATE ROLE, and the IAM mapping
//     procedure sys.aws_iam_grant when the dsql_iam extension is there: refused.
//   * options::extra: cells the model cannot express (a scenario's own statements).
//
// Each role's first cell is its login (CONNECT, expected allowed: the spec maps it); when
// no role can connect, the catalog cannot be read and the report holds only those cells.
// Each probe runs its statement inside BEGIN ... ROLLBACK on a connection logged in AS
// the role (no SET ROLE, which DSQL lacks), one connection per role from the caller's
// connection factory (local_cluster(): the cluster's verify-full endpoint with a DbConnect
// token of the role's mapped IAM principal). Statements touch no data: PostgreSQL checks
// privileges when the executor starts (ExecCheckRTPerms, ExecInitFunc), also for zero rows:
//
//   schema USAGE   SELECT to_regclass('s.dsql_testing_probe')    (42501 without USAGE)
//   schema CREATE  CREATE TABLE s.dsql_testing_probe (id int)   (rolled back)
//   table SELECT   SELECT * FROM s.t LIMIT 0                   (every column: table-level)
//   table INSERT   INSERT INTO s.t SELECT WHERE false
//   table UPDATE   UPDATE s.t SET c = DEFAULT WHERE false       (c: the first column)
//   table DELETE   DELETE FROM s.t WHERE false                  (WHERE false reads no column)
//   column SELECT/INSERT/UPDATE: the same with the one column
//   sequence SELECT SELECT last_value FROM s.q
//   function EXECUTE SELECT s.f(a.x...) FROM (SELECT NULL::type AS x... OFFSET 0) a LIMIT 0
//                  (arguments from a subquery, so the planner cannot fold the call away)
//
// Not probed, reported as skipped with the reason (never silently): TRUNCATE (it would
// lock and empty the table; Aurora DSQL has no TRUNCATE), REFERENCES and TRIGGER (they
// need DDL on another table), sequence USAGE/UPDATE (nextval/setval change the sequence
// outside the transaction), procedures, aggregates, window functions and VARIADIC
// functions, database-level
// privileges; objects the spec names that the catalog lacks; LOGIN roles without an IAM
// mapping (they cannot connect with a token).
//
// Outcomes: allowed (the statement ran), refused (SQLSTATE 42501, insufficient_privilege),
// error (anything else: the connection failed, another SQLSTATE), skipped. Only allowed
// and refused can match an expectation.
#pragma once

#include <dsql/client.hpp>
#include <dsql/model.hpp>

#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

namespace dsql::testing {

enum class expect { allowed, refused };
enum class outcome { allowed, refused, error, skipped };

[[nodiscard]] std::string_view to_string(expect e) noexcept;
[[nodiscard]] std::string_view to_string(outcome o) noexcept;

/// One cell: a statement run as a role, and what the spec says it must give.
struct probe {
  std::string role;       ///< database role the statement runs as (the connection's user)
  std::string privilege;  ///< "SELECT", "USAGE", ..., or an operation ("CREATE ROLE")
  std::string object;     ///< "public.products", "schema users_schema", "public.products(name)"
  std::string sql;        ///< run inside BEGIN ... ROLLBACK; empty when skipped
  expect expected = expect::refused;
  std::string why;   ///< where the expectation comes from (the grant, or what is missing)
  std::string skip;  ///< non-empty: not run, and this is why
};

/// The probe and what the server answered.
struct result {
  probe cell;
  outcome got = outcome::error;
  std::string detail;  ///< SQLSTATE and the message's first line when not allowed; skip reason
  [[nodiscard]] bool as_expected() const noexcept {
    return (got == outcome::allowed && cell.expected == expect::allowed) ||
           (got == outcome::refused && cell.expected == expect::refused);
  }
  [[nodiscard]] bool skipped() const noexcept { return got == outcome::skipped; }
};

/// What a spec's own scenario demands of one cell (role, privilege, object), to be
/// checked against the cells derived from the model: a scenario table and the spec must
/// agree, and the cell must hold on the server.
struct requirement {
  std::string role, privilege, object;
  expect expected = expect::refused;
};

struct report {
  std::vector<result> results;          ///< in probe order: by role, then object, then privilege
  std::vector<std::string> mismatches;  ///< requirements that no probe answers, or that the spec contradicts

  /// Every probe that ran gave its expectation, and every requirement agreed.
  [[nodiscard]] bool ok() const noexcept;
  /// The probes that ran and did not give their expectation (errors included).
  [[nodiscard]] std::vector<const result*> failures() const;
  [[nodiscard]] std::vector<const result*> skipped() const;
  [[nodiscard]] std::size_t ran() const noexcept;
  /// The matrix as a text table, one line per cell grouped by role, each marked "ok",
  /// "UNEXPECTED" (with the server's answer) or "skipped" (with the reason), then the
  /// mismatches and a summary line "N passed, M failed, K skipped".
  [[nodiscard]] std::string format() const;
};

/// A connection logged in as the role; throws when it cannot connect (then every cell of
/// the role is an error carrying the message).
using connection_factory = std::function<std::unique_ptr<pqxx::connection>(std::string_view role)>;

struct options {
  /// Roles to probe; empty: every LOGIN role of the spec mapped to an IAM principal.
  std::vector<std::string> roles{};
  /// Probe admin-only operations (CREATE ROLE, sys.aws_iam_grant) as each role.
  bool admin_operations = true;
  /// Cells the model does not express, run as given (their role must be probed).
  std::vector<probe> extra{};
  /// Cells a scenario demands; see requirement.
  std::vector<requirement> required{};
};

/// The live catalog's objects in the spec's schemas (read once, one query per catalog).
struct catalog {
  struct relation {
    std::string schema, name, owner;
    char kind = 'r';  ///< pg_class.relkind: r p v m f S
    std::vector<std::string> columns;
  };
  struct function {
    std::string schema, name, owner;
    char kind = 'f';                          ///< pg_proc.prokind: f p a w
    std::vector<std::string> argument_types;  ///< format_type of each input argument (no names)
    bool variadic = false;                    ///< its last argument is VARIADIC
    /// "integer, text": the types that identify it, as the cells name it
    [[nodiscard]] std::string signature() const;
  };
  struct schema {
    std::string name, owner;
  };
  std::vector<schema> schemas;
  std::vector<relation> relations;
  std::vector<function> functions;
  bool has_iam_grant = false;  ///< sys.aws_iam_grant(text, text) exists (dsql_iam)
  std::string database;

  /// Reads the catalogs through any connection (pg_catalog is readable by every role).
  static catalog read(pqxx::connection& c);
};

/// The probes of a model against a catalog (no server needed: what probe_matrix runs).
[[nodiscard]] std::vector<probe> derive(const model::cluster& spec, const catalog& live, const options& o = {});

/// Derives the probes (reading the catalog on the first role's connection), runs them,
/// checks the requirements. Throws std::invalid_argument when the spec has no role to
/// probe or an extra cell names a role not probed; never for a refused or failed statement.
[[nodiscard]] report probe_matrix(const model::cluster& spec, const connection_factory& connect, const options& o = {});

template <class Spec>
[[nodiscard]] report probe_matrix(const connection_factory& connect, const options& o = {}) {
  return probe_matrix(dsql::model_of<Spec>(), connect, o);
}

/// Connections through a DSQL endpoint (Aurora DSQL or a local cluster's) as an
/// application makes them, with dsql::client::open: verify-full with SNI, the role as user,
/// a fresh DbConnect token per connection signed with options_for(role).credentials (for
/// real DSQL, e.g. a credentials_cache over an STS AssumeRole of the principal the spec
/// maps the role to), its region and CA. options_for may throw (the role's cells are then
/// errors carrying the message).
[[nodiscard]] connection_factory through_endpoint(
    client::endpoint ep, std::function<client::connect_options(std::string_view role)> options_for);

/// Connections to a running local cluster (`dsqlctl local up --dir DIR`) through its
/// endpoint exactly as an application connects (dsql::client: verify-full under DIR/ca.crt,
/// SNI, the role as user, a fresh DbConnect token), each role with the first access key of
/// the IAM principal the spec maps it to, from the cluster's IAM state (DIR/iam.sqlite,
/// filled by `dsqlctl iam sync`). account_id: the principals' account when the spec binds
/// none (the local cluster's policies use 123456789012). Throws std::runtime_error when no
/// cluster with an endpoint runs in DIR; the factory throws when the role is not mapped or
/// its principal has no key.
[[nodiscard]] connection_factory local_cluster(const std::string& dir, const model::cluster& spec,
                                               std::string account_id = "123456789012");
template <class Spec>
[[nodiscard]] connection_factory local_cluster(const std::string& dir, std::string account_id = "123456789012") {
  return local_cluster(dir, dsql::model_of<Spec>(), std::move(account_id));
}

/// The SQLSTATE of a libpqxx error: the client's one mapping (dsql/client/sqlstate.hpp).
using client::sqlstate_of;

}  // namespace dsql::testing
