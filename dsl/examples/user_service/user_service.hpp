// The seed's user service (../shared/cases/seed-flow.md, component "User service") as an
// application: it declares nothing of its own - its role is seed::user_service of the
// seed spec (dsl/examples/seed.hpp) - and reaches the cluster only through
// dsql::pool<seed::spec, seed::user_service> (IAM DbConnect tokens, verify-full), each
// unit of work inside dsql::with_occ_retry (DSQL reports conflicts at COMMIT).
//
// Its statements live in one place, `statements`, each a dsql::statement checked at
// compile time against what the spec grants user_service (include/dsql/statement.hpp):
// an INSERT on a table it may only read, a column it was not granted, a table in a schema
// it is not listed in, or a name the catalog does not declare does not compile. The
// catalog below declares the two tables the seed creates (dsl/demo/seed_tables.sql) with
// their columns, and the search_path the service uses. The set has no DELETE on
// profiles, because the spec does not grant user_service one: adding it fails to compile
// with "user_service may not DELETE from users_schema.profiles: the spec grants it
// SELECT, INSERT, UPDATE".
#ifndef DSQL_EXAMPLES_USER_SERVICE_HPP
#define DSQL_EXAMPLES_USER_SERVICE_HPP

#include <dsql/client.hpp>

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seed.hpp"

namespace user_service {

using spec = seed::spec;
using role = seed::user_service;

/// The tables the service's statements touch (created by migrations, not by the spec).
/// (admin creates both, after the grants, as the seed does: no declared owner.)
using profiles =
    dsql::table<seed::users_schema, "profiles", dsql::columns<"id", "tenant_id", "email", "name", "phone">>;
using products = dsql::table<seed::public_schema, "products", dsql::columns<"id", "tenant_id", "name", "category">>;
using app = dsql::catalog<spec, dsql::tables<profiles, products>, dsql::search_path<seed::public_schema>>;

/// Every statement the service runs, checked for its role at compile time.
struct statements {
  using create_profile =
      dsql::statement<app, role,
                      "INSERT INTO users_schema.profiles (tenant_id, email, name) VALUES ($1, $2, $3) RETURNING id">;
  using rename_profile =
      dsql::statement<app, role, "UPDATE users_schema.profiles SET name = $3 WHERE tenant_id = $1 AND id = $2::uuid">;
  using find_profile =
      dsql::statement<app, role,
                      "SELECT email, name FROM users_schema.profiles WHERE tenant_id = $1 AND id = $2::uuid">;
  using add_product =
      dsql::statement<app, role, "INSERT INTO products (tenant_id, name, category) VALUES ($1, $2, $3)">;
  using list_products =
      dsql::statement<app, role, "SELECT name, category FROM products WHERE tenant_id = $1 ORDER BY name">;
};

struct profile {
  std::string email;
  std::optional<std::string> name;
};

/// The service's operations over a pool of user_service connections. Throws what the
/// pool and libpqxx throw (dsql::client::connect_error, pqxx::sql_error, ...).
class service {
 public:
  explicit service(dsql::pool<spec, role>& pool) : pool_(pool) {}

  /// A new profile's id.
  std::string create_profile(const std::string& tenant, const std::string& email, const std::string& name) {
    return dsql::with_occ_retry(pool_, [&](work& w) {
      return std::string(dsql::exec<statements::create_profile>(w, tenant, email, name)[0][0].c_str());
    });
  }
  /// Whether the profile existed.
  bool rename_profile(const std::string& tenant, const std::string& id, const std::string& name) {
    return dsql::with_occ_retry(pool_, [&](work& w) {
      return dsql::exec<statements::rename_profile>(w, tenant, id, name).affected_rows() == 1;
    });
  }
  std::optional<profile> find_profile(const std::string& tenant, const std::string& id) {
    return dsql::with_occ_retry(pool_, [&](work& w) -> std::optional<profile> {
      const auto r = dsql::exec<statements::find_profile>(w, tenant, id);
      if (r.empty()) return std::nullopt;
      profile p{r[0][0].c_str(), std::nullopt};
      if (!r[0][1].is_null()) p.name = r[0][1].c_str();
      return p;
    });
  }
  void add_product(const std::string& tenant, const std::string& name, const std::string& category) {
    dsql::exec<statements::add_product>(pool_, tenant, name, category);
  }
  std::vector<std::pair<std::string, std::string>> list_products(const std::string& tenant) {
    return dsql::with_occ_retry(pool_, [&](work& w) {
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& row : dsql::exec<statements::list_products>(w, tenant))
        out.emplace_back(row[0].c_str(), row[1].is_null() ? "" : row[1].c_str());
      return out;
    });
  }

 private:
  using work = dsql::client::work<spec, role>;  // a transaction that runs only role's statements
  dsql::pool<spec, role>& pool_;
};

}  // namespace user_service

#endif  // DSQL_EXAMPLES_USER_SERVICE_HPP
