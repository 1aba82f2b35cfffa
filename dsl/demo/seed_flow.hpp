// The seed scenario's access matrix (../shared/cases/seed-flow.md), probed for real:
// connect AS each role (user name = role, no SET ROLE, which DSQL lacks), run one
// statement per cell inside a transaction that is rolled back, and compare the
// outcome with what the scenario demands.
//
// Shapes: a cell is (role, action, SQL, expectation); an outcome is "allowed" (the
// statement ran), "refused" (SQLSTATE 42501, insufficient_privilege) or "error"
// (anything else: a connection failure, a missing table, another SQLSTATE). Only
// "allowed" and "refused" can ever match an expectation; "error" is always unexpected.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dsql::seedflow {

enum class expect { allowed, refused };

struct cell {
  std::string_view role;    // database role to connect as
  std::string_view action;  // short label, e.g. "SELECT public.products"
  std::string_view sql;     // statements run inside BEGIN ... ROLLBACK
  expect expected;
};

enum class outcome { allowed, refused, error };

struct cell_result {
  const cell* probe;
  outcome got;
  std::string detail;  // SQLSTATE and first line of the message when not allowed
  bool as_expected() const noexcept {
    return (got == outcome::allowed && probe->expected == expect::allowed) ||
           (got == outcome::refused && probe->expected == expect::refused);
  }
};

// Every cell of seed-flow.md's "Must hold" table, plus the component table's
// user_service rights on public. Order: by role, then action.
const std::vector<cell>& seed_matrix();

// Where the server listens: a Unix socket directory (or host) and port.
struct endpoint {
  std::string host;
  int port = 5432;
  std::string dbname = "postgres";
};

// How to connect beyond the endpoint. For the emulated DSQL endpoint of `dsqlctl
// local up`: host <id>.dsql.<region>.on.aws in the endpoint, hostaddr 127.0.0.1,
// sslmode "verify-full" under the cluster's CA (sslrootcert DIR/ca.crt) and a password
// per role (a DSQL token signed by the role's IAM principal).
struct connect_options {
  std::string hostaddr;     // empty: not given
  std::string sslmode;      // empty: libpq's default
  std::string sslrootcert;  // empty: not given
  std::function<std::string(std::string_view role)> password;  // empty: none
};

// The IAM role (name, not ARN) mapped to a seed role in seed-flow.md's table, e.g.
// "AppReadOnlyRole" for app_readonly; "DsqlAdminRole" (DbConnectAdmin) for admin.
std::string_view seed_principal(std::string_view role);

// The SQLSTATE of a libpqxx error. libpqxx 6.4 (Debian 12) throws some errors as a
// subclass whose constructor drops the code (insufficient_privilege arrives with an
// empty sqlstate()); those exact classes are mapped back to their code here.
std::string sqlstate_of(const std::exception& e);

// Runs every cell; one connection per role. Never throws for a refused or failed
// statement (that is an outcome); throws std::runtime_error only on bad arguments.
std::vector<cell_result> probe(const endpoint& where, const std::vector<cell>& cells,
                               const connect_options& how = {});

// The matrix as a text table, one line per cell, marked "ok" or "UNEXPECTED".
std::string format_matrix(const std::vector<cell_result>& results);

}  // namespace dsql::seedflow
