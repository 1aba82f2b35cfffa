#include "seed_flow.hpp"

namespace dsql::seedflow {

namespace {

using dsql::testing::expect;
using dsql::testing::requirement;

std::vector<requirement> make_requirements() {
  const auto A = expect::allowed, R = expect::refused;
  const char* products = "public.products";
  const char* profiles = "users_schema.profiles";
  const char* users_schema = "schema users_schema";
  std::vector<requirement> out;
  auto add = [&](const char* role, std::vector<const char*> privileges, const char* object, expect e) {
    for (const char* p : privileges) out.push_back({role, p, object, e});
  };
  // app_readonly: SELECT public.products | INSERT/UPDATE/DELETE public.products; anything in users_schema
  add("app_readonly", {"SELECT"}, products, A);
  add("app_readonly", {"INSERT", "UPDATE", "DELETE"}, products, R);
  add("app_readonly", {"USAGE", "CREATE"}, users_schema, R);
  add("app_readonly", {"SELECT", "INSERT", "UPDATE", "DELETE"}, profiles, R);
  // app_readwrite: SELECT/INSERT/UPDATE/DELETE public.products | anything in users_schema
  add("app_readwrite", {"SELECT", "INSERT", "UPDATE", "DELETE"}, products, A);
  add("app_readwrite", {"USAGE", "CREATE"}, users_schema, R);
  add("app_readwrite", {"SELECT", "INSERT", "UPDATE", "DELETE"}, profiles, R);
  // user_service: SELECT/INSERT/UPDATE users_schema.profiles; CREATE TABLE in
  // users_schema | DELETE users_schema.profiles; and per the component table, public
  add("user_service", {"SELECT", "INSERT", "UPDATE"}, profiles, A);
  add("user_service", {"USAGE", "CREATE"}, users_schema, A);
  add("user_service", {"DELETE"}, profiles, R);
  add("user_service", {"SELECT", "INSERT", "UPDATE"}, products, A);
  add("user_service", {"DELETE"}, products, R);
  // reporting_readonly: SELECT on both tables | any write
  add("reporting_readonly", {"SELECT"}, products, A);
  add("reporting_readonly", {"SELECT"}, profiles, A);
  add("reporting_readonly", {"INSERT", "UPDATE", "DELETE"}, products, R);
  add("reporting_readonly", {"INSERT", "UPDATE", "DELETE"}, profiles, R);
  add("reporting_readonly", {"CREATE"}, users_schema, R);
  return out;
}

}  // namespace

const std::vector<requirement>& seed_requirements() {
  static const std::vector<requirement> cells = make_requirements();
  return cells;
}

const std::vector<dsql::testing::probe>& seed_extra() {
  static const std::vector<dsql::testing::probe> cells = {
      {"user_service",
       "SELECT",
       "profiles via search_path users_schema, public",
       "SET search_path TO users_schema, public; SELECT count(*) FROM profiles",
       expect::allowed,
       "seed-flow.md: unqualified profiles after SET search_path",
       {}},
  };
  return cells;
}

dsql::testing::options seed_options() {
  dsql::testing::options o;
  o.extra = seed_extra();
  o.required = seed_requirements();
  return o;
}

std::string_view seed_principal(std::string_view role) {
  if (role == "app_readonly") return "AppReadOnlyRole";
  if (role == "app_readwrite") return "AppReadWriteRole";
  if (role == "user_service") return "UserServiceRole";
  if (role == "reporting_readonly") return "ReportingRole";
  if (role == "admin") return "DsqlAdminRole";
  return {};
}

}  // namespace dsql::seedflow
