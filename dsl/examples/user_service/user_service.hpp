// The seed's user service (../shared/cases/seed-flow.md, component "User service") as an
// application: it declares nothing of its own - its role is seed::user_service of the
// seed spec (dsl/examples/seed.hpp) - and reaches the cluster only through
// dsql::pool<seed::spec, seed::user_service> (IAM DbConnect tokens, verify-full), each
// unit of work inside dsql::with_occ_retry (DSQL reports conflicts at COMMIT).
//
// Its statements live in one place, `statements`. Today each is SQL text run with
// exec_params; when compile-time checked statements land (issue 12 item 3,
// dsql::statement<Spec, Role, "SQL">), each line becomes
//     static constexpr dsql::statement<spec, role, "INSERT ..."> create_profile{};
// and `exec` below gains the overload that runs one: the call sites do not change. The
// set has no DELETE on profiles, because the spec does not grant user_service one.
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

/// Every statement the service runs (the one list a checker reads).
struct statements {
    static constexpr std::string_view create_profile =
        "INSERT INTO users_schema.profiles (tenant_id, email, name) VALUES ($1, $2, $3) RETURNING id";
    static constexpr std::string_view rename_profile =
        "UPDATE users_schema.profiles SET name = $3 WHERE tenant_id = $1 AND id = $2::uuid";
    static constexpr std::string_view find_profile =
        "SELECT email, name FROM users_schema.profiles WHERE tenant_id = $1 AND id = $2::uuid";
    static constexpr std::string_view add_product =
        "INSERT INTO public.products (tenant_id, name, category) VALUES ($1, $2, $3)";
    static constexpr std::string_view list_products =
        "SELECT name, category FROM public.products WHERE tenant_id = $1 ORDER BY name";
};

/// Runs one of the service's statements in a transaction.
template <class... Args>
pqxx::result exec(pqxx::work& w, std::string_view statement, Args&&... args) {
    return w.exec_params(std::string(statement), std::forward<Args>(args)...);
}

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
        return dsql::with_occ_retry(pool_, [&](pqxx::work& w) {
            return std::string(exec(w, statements::create_profile, tenant, email, name)[0][0].c_str());
        });
    }
    /// Whether the profile existed.
    bool rename_profile(const std::string& tenant, const std::string& id, const std::string& name) {
        return dsql::with_occ_retry(pool_, [&](pqxx::work& w) {
            return exec(w, statements::rename_profile, tenant, id, name).affected_rows() == 1;
        });
    }
    std::optional<profile> find_profile(const std::string& tenant, const std::string& id) {
        return dsql::with_occ_retry(pool_, [&](pqxx::work& w) -> std::optional<profile> {
            const auto r = exec(w, statements::find_profile, tenant, id);
            if (r.empty()) return std::nullopt;
            profile p{r[0][0].c_str(), std::nullopt};
            if (!r[0][1].is_null()) p.name = r[0][1].c_str();
            return p;
        });
    }
    void add_product(const std::string& tenant, const std::string& name, const std::string& category) {
        dsql::with_occ_retry(pool_, [&](pqxx::work& w) { exec(w, statements::add_product, tenant, name, category); });
    }
    std::vector<std::pair<std::string, std::string>> list_products(const std::string& tenant) {
        return dsql::with_occ_retry(pool_, [&](pqxx::work& w) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const auto& row : exec(w, statements::list_products, tenant))
                out.emplace_back(row[0].c_str(), row[1].is_null() ? "" : row[1].c_str());
            return out;
        });
    }

private:
    dsql::pool<spec, role>& pool_;
};

}  // namespace user_service

#endif  // DSQL_EXAMPLES_USER_SERVICE_HPP
