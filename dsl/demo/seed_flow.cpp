#include "seed_flow.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace dsql::seedflow {

namespace {

// The statements are chosen so that each checks exactly one privilege: WHERE false
// references no column, so UPDATE/DELETE need only UPDATE/DELETE (no SELECT), and
// INSERT without RETURNING needs only INSERT.
std::vector<cell> make_matrix() {
  using enum expect;
  const std::string_view ins_products =
      "INSERT INTO public.products (tenant_id, name) VALUES ('t1', 'probe')";
  const std::string_view upd_products = "UPDATE public.products SET name = 'probe' WHERE false";
  const std::string_view del_products = "DELETE FROM public.products WHERE false";
  const std::string_view sel_products = "SELECT count(*) FROM public.products";
  const std::string_view ins_profiles =
      "INSERT INTO users_schema.profiles (tenant_id, email) VALUES ('t1', 'probe@example.com')";
  const std::string_view upd_profiles = "UPDATE users_schema.profiles SET name = 'probe' WHERE false";
  const std::string_view del_profiles = "DELETE FROM users_schema.profiles WHERE false";
  const std::string_view sel_profiles = "SELECT count(*) FROM users_schema.profiles";
  const std::string_view create_in_users = "CREATE TABLE users_schema.probe_table (id int)";
  const std::string_view search_path =
      "SET search_path TO users_schema, public; SELECT count(*) FROM profiles";
  return {
      {"app_readonly", "SELECT public.products", sel_products, allowed},
      {"app_readonly", "INSERT public.products", ins_products, refused},
      {"app_readonly", "UPDATE public.products", upd_products, refused},
      {"app_readonly", "DELETE public.products", del_products, refused},
      {"app_readonly", "SELECT users_schema.profiles", sel_profiles, refused},
      {"app_readonly", "INSERT users_schema.profiles", ins_profiles, refused},
      {"app_readonly", "CREATE TABLE in users_schema", create_in_users, refused},

      {"app_readwrite", "SELECT public.products", sel_products, allowed},
      {"app_readwrite", "INSERT public.products", ins_products, allowed},
      {"app_readwrite", "UPDATE public.products", upd_products, allowed},
      {"app_readwrite", "DELETE public.products", del_products, allowed},
      {"app_readwrite", "SELECT users_schema.profiles", sel_profiles, refused},
      {"app_readwrite", "INSERT users_schema.profiles", ins_profiles, refused},
      {"app_readwrite", "UPDATE users_schema.profiles", upd_profiles, refused},
      {"app_readwrite", "DELETE users_schema.profiles", del_profiles, refused},

      {"user_service", "SELECT users_schema.profiles", sel_profiles, allowed},
      {"user_service", "INSERT users_schema.profiles", ins_profiles, allowed},
      {"user_service", "UPDATE users_schema.profiles", upd_profiles, allowed},
      {"user_service", "DELETE users_schema.profiles", del_profiles, refused},
      {"user_service", "CREATE TABLE in users_schema", create_in_users, allowed},
      {"user_service", "search_path users_schema, public; profiles", search_path, allowed},
      {"user_service", "SELECT public.products", sel_products, allowed},
      {"user_service", "DELETE public.products", del_products, refused},

      {"reporting_readonly", "SELECT public.products", sel_products, allowed},
      {"reporting_readonly", "SELECT users_schema.profiles", sel_profiles, allowed},
      {"reporting_readonly", "INSERT public.products", ins_products, refused},
      {"reporting_readonly", "UPDATE public.products", upd_products, refused},
      {"reporting_readonly", "DELETE public.products", del_products, refused},
      {"reporting_readonly", "INSERT users_schema.profiles", ins_profiles, refused},
      {"reporting_readonly", "UPDATE users_schema.profiles", upd_profiles, refused},
      {"reporting_readonly", "DELETE users_schema.profiles", del_profiles, refused},
      {"reporting_readonly", "CREATE TABLE in users_schema", create_in_users, refused},
  };
}

std::string first_line(std::string_view s) {
  auto nl = s.find('\n');
  return std::string(s.substr(0, nl));
}

// A libpq keyword/value conninfo with every value single-quoted (backslash and quote
// escaped), so a socket path or role name with spaces or quotes stays one value.
std::string conninfo(const endpoint& where, const connect_options& how, std::string_view user) {
  auto quote = [](std::string_view v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::ostringstream s;
  s << "host=" << quote(where.host) << " port=" << where.port << " dbname=" << quote(where.dbname)
    << " user=" << quote(user) << " connect_timeout=10 application_name='seed-flow'";
  if (!how.hostaddr.empty()) s << " hostaddr=" << quote(how.hostaddr);
  if (!how.sslmode.empty()) s << " sslmode=" << quote(how.sslmode);
  if (!how.sslrootcert.empty()) s << " sslrootcert=" << quote(how.sslrootcert);
  if (how.password) s << " password=" << quote(how.password(user));
  return s.str();
}

}  // namespace

std::string_view seed_principal(std::string_view role) {
  if (role == "app_readonly") return "AppReadOnlyRole";
  if (role == "app_readwrite") return "AppReadWriteRole";
  if (role == "user_service") return "UserServiceRole";
  if (role == "reporting_readonly") return "ReportingRole";
  if (role == "admin") return "DsqlAdminRole";
  return {};
}

std::string sqlstate_of(const std::exception& e) {
  if (const auto* se = dynamic_cast<const pqxx::sql_error*>(&e); se && !se->sqlstate().empty())
    return se->sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e)) return "42501";
  if (dynamic_cast<const pqxx::feature_not_supported*>(&e)) return "0A000";
  if (dynamic_cast<const pqxx::syntax_error*>(&e)) return "42601";
  return {};
}

const std::vector<cell>& seed_matrix() {
  static const std::vector<cell> cells = make_matrix();
  return cells;
}

std::vector<cell_result> probe(const endpoint& where, const std::vector<cell>& cells,
                               const connect_options& how) {
  if (where.host.empty()) throw std::runtime_error("seed-flow: no host or socket directory given");
  std::map<std::string_view, std::unique_ptr<pqxx::connection>> conns;
  std::map<std::string_view, std::string> connect_errors;
  std::vector<cell_result> out;
  out.reserve(cells.size());
  for (const cell& c : cells) {
    cell_result r{&c, outcome::error, {}};
    if (!conns.count(c.role) && !connect_errors.count(c.role)) {
      try {
        conns[c.role] = std::make_unique<pqxx::connection>(conninfo(where, how, c.role));
      } catch (const std::exception& e) {
        connect_errors[c.role] = "connection failed: " + first_line(e.what());
      }
    }
    if (auto it = connect_errors.find(c.role); it != connect_errors.end()) {
      r.detail = it->second;
      out.push_back(std::move(r));
      continue;
    }
    try {
      pqxx::work tx(*conns[c.role]);
      tx.exec(std::string(c.sql));
      tx.abort();
      r.got = outcome::allowed;
    } catch (const pqxx::sql_error& e) {
      const std::string code = sqlstate_of(e);
      r.got = code == "42501" ? outcome::refused : outcome::error;
      r.detail = code + " " + first_line(e.what());
    } catch (const std::exception& e) {
      r.detail = first_line(e.what());
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string format_matrix(const std::vector<cell_result>& results) {
  std::size_t wr = 4, wa = 6;
  for (const auto& r : results) {
    wr = std::max(wr, r.probe->role.size());
    wa = std::max(wa, r.probe->action.size());
  }
  auto pad = [](std::string_view s, std::size_t w) {
    std::string out(s);
    out.resize(std::max(w, s.size()), ' ');
    return out;
  };
  auto name = [](outcome o) {
    switch (o) {
      case outcome::allowed: return "allowed";
      case outcome::refused: return "refused";
      case outcome::error: return "error";
    }
    return "error";
  };
  std::ostringstream s;
  s << pad("role", wr) << "  " << pad("action", wa) << "  expected  got      verdict\n";
  s << std::string(wr, '-') << "  " << std::string(wa, '-') << "  --------  -------  ----------\n";
  std::string_view last_role;
  for (const auto& r : results) {
    if (!last_role.empty() && last_role != r.probe->role) s << '\n';
    last_role = r.probe->role;
    s << pad(r.probe->role, wr) << "  " << pad(r.probe->action, wa) << "  "
      << pad(r.probe->expected == expect::allowed ? "allowed" : "refused", 8) << "  "
      << pad(name(r.got), 7) << "  " << (r.as_expected() ? "ok" : "UNEXPECTED");
    if (!r.as_expected() && !r.detail.empty()) s << "  (" << r.detail << ")";
    s << '\n';
  }
  return s.str();
}

}  // namespace dsql::seedflow
