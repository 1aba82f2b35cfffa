// Privileges, the engine spec, its validation, the adapter from the DSL's model, JSON.
#include <dsql/model.hpp>
#include <dsql/name.hpp>
#include <dsql/role.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <set>

#include "engine/engine.hpp"

namespace dsql::engine {

std::string_view to_string(target t) noexcept { return t == target::aurora_dsql ? "aurora_dsql" : "postgres_local"; }

std::optional<target> parse_target(std::string_view s) noexcept {
  if (s == "aurora_dsql") return target::aurora_dsql;
  if (s == "postgres_local") return target::postgres_local;
  return std::nullopt;
}

namespace {
struct priv_name {
  privset bit;
  std::string_view name;
};
constexpr std::array<priv_name, 12> priv_names{{
    {p_select, "SELECT"}, {p_insert, "INSERT"}, {p_update, "UPDATE"}, {p_delete, "DELETE"},
    {p_truncate, "TRUNCATE"}, {p_references, "REFERENCES"}, {p_trigger, "TRIGGER"}, {p_execute, "EXECUTE"},
    {p_usage, "USAGE"}, {p_create, "CREATE"}, {p_connect, "CONNECT"}, {p_temporary, "TEMPORARY"},
}};
}  // namespace

privset privilege_of(std::string_view keyword) noexcept {
  for (const auto& p : priv_names)
    if (p.name == keyword) return p.bit;
  if (keyword == "TEMP") return p_temporary;
  return 0;
}

std::vector<std::string> privilege_names(privset p) {
  std::vector<std::string> out;
  for (const auto& n : priv_names)
    if (p & n.bit) out.emplace_back(n.name);
  return out;
}

std::string privilege_list(privset p) {
  std::string s;
  for (const auto& n : privilege_names(p)) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string_view to_string(object_kind k) noexcept {
  switch (k) {
    case object_kind::database: return "database";
    case object_kind::schema: return "schema";
    case object_kind::table: return "table";
    case object_kind::sequence: return "sequence";
    case object_kind::function: return "function";
  }
  return {};
}

privset all_privileges(object_kind k, int server_version) noexcept {
  (void)server_version;  // PG 17 adds MAINTAIN on tables; not modelled before it
  switch (k) {
    case object_kind::database: return p_create | p_connect | p_temporary;
    case object_kind::schema: return p_usage | p_create;
    case object_kind::table:
      return p_select | p_insert | p_update | p_delete | p_truncate | p_references | p_trigger;
    case object_kind::sequence: return p_usage | p_select | p_update;
    case object_kind::function: return p_execute;
  }
  return 0;
}

// ---- from the DSL model ------------------------------------------------------------------

spec from_model(const dsql::model::cluster& c, std::string_view account_id) {
  spec s;
  s.name = c.name;
  const std::string account = c.account_id.empty() ? std::string(account_id) : c.account_id;
  for (const auto& r : c.roles) s.roles.push_back({r.name, r.login, {}});
  for (const auto& sc : c.schemas) s.schemas.push_back({sc.name, sc.create});
  for (const auto& g : c.grants) {
    grant_spec e;
    e.on = g.on == dsql::object_kind::schema ? grant_on::schema : grant_on::all_tables;
    e.schema = g.schema;
    e.grantee = g.grantee;
    for (auto p : g.privileges) e.privileges |= privilege_of(dsql::sql_keyword(p));
    s.grants.push_back(std::move(e));
  }
  if (!c.mappings.empty() && account.empty()) throw engine_error("the spec maps IAM principals: an AWS account id is needed");
  for (const auto& m : c.mappings) s.mappings.push_back({m.role, m.who.arn(account)});
  return s;
}

// ---- validation -------------------------------------------------------------------------

namespace {
void check(std::string_view what, std::string_view name) {
  if (auto st = dsql::check_name(name); st != dsql::name_status::ok)
    throw engine_error(std::string(what) + " \"" + std::string(name) + "\": " + std::string(dsql::name_message(st)));
}
// The DSL's rule (dsql::is_reserved_role_name): admin, postgres, public, none, sys, rds*, pg_*.
bool reserved_role(std::string_view n) { return dsql::is_reserved_role_name(n); }
constexpr std::string_view reserved_names = "admin, postgres, public, none, sys, rds* and pg_* roles";
}  // namespace

void validate(const spec& s) {
  std::set<std::string> roles, schemas;
  for (const auto& r : s.roles) {
    check("role", r.name);
    if (reserved_role(r.name)) throw engine_error("role \"" + r.name + "\" is reserved: " + std::string(reserved_names) + " are never managed");
    if (!roles.insert(r.name).second) throw engine_error("role \"" + r.name + "\" is declared twice");
  }
  for (const auto& r : s.retired_roles) {
    check("retired role", r);
    if (reserved_role(r)) throw engine_error("role \"" + r + "\" is reserved and cannot be retired (" + std::string(reserved_names) + ")");
    if (roles.count(r)) throw engine_error("role \"" + r + "\" is both declared and retired");
  }
  auto known_role = [&](const std::string& n, std::string_view where) {
    check("role", n);
    if (!roles.count(n)) throw engine_error(std::string(where) + ": role \"" + n + "\" is not declared in the spec");
  };
  for (const auto& r : s.roles)
    for (const auto& m : r.member_of) {
      check("role", m);
      if (m == r.name) throw engine_error("role \"" + r.name + "\" cannot be a member of itself");
      // granting admin, a superuser or a predefined pg_ role is never the spec's to decide
      if (reserved_role(m))
        throw engine_error("role \"" + r.name + "\" cannot be declared a member of \"" + m + "\": " +
                           std::string(reserved_names) + " are reserved and never granted");
    }
  for (const auto& sc : s.schemas) {
    check("schema", sc.name);
    if (!schemas.insert(sc.name).second) throw engine_error("schema \"" + sc.name + "\" is declared twice");
  }
  for (const auto& g : s.grants) {
    if (!g.to_public) known_role(g.grantee, "grant");
    if (g.privileges == 0) throw engine_error("a grant lists no privilege");
    if (g.on != grant_on::database) {
      check("schema", g.schema);
      if (!schemas.count(g.schema)) throw engine_error("grant: schema \"" + g.schema + "\" is not declared in the spec");
    }
    if (g.on == grant_on::table) check("table", g.object);
    const object_kind k = g.on == grant_on::database ? object_kind::database
                          : g.on == grant_on::schema ? object_kind::schema
                                                     : object_kind::table;
    if ((g.privileges & ~all_privileges(k, 0)) != 0)
      throw engine_error("grant: " + privilege_list(g.privileges & ~all_privileges(k, 0)) + " does not apply to a " +
                         std::string(to_string(k)));
  }
  for (const auto& d : s.default_privileges) {
    check("role", d.for_role);
    check("schema", d.schema);
    if (!d.to_public) known_role(d.grantee, "default privilege");
    if ((d.privileges & ~all_privileges(object_kind::table, 0)) != 0 || d.privileges == 0)
      throw engine_error("default privilege: only table privileges are supported");
  }
  for (const auto& m : s.mappings) {
    known_role(m.role, "IAM mapping");
    for (const auto& r : s.roles)
      if (r.name == m.role && !r.login)
        throw engine_error("IAM mapping of \"" + m.role + "\": a mapped role must have LOGIN");
    if (m.arn.empty()) throw engine_error("IAM mapping of \"" + m.role + "\": empty ARN");
  }
  for (const auto& p : s.public_schemas) check("schema", p);
}

// ---- JSON ----------------------------------------------------------------------------------

namespace {
using json = nlohmann::json;

std::string_view on_name(grant_on o) {
  switch (o) {
    case grant_on::database: return "database";
    case grant_on::schema: return "schema";
    case grant_on::all_tables: return "all_tables";
    case grant_on::table: return "table";
  }
  return {};
}
grant_on on_of(const std::string& s) {
  if (s == "database") return grant_on::database;
  if (s == "schema") return grant_on::schema;
  if (s == "all_tables") return grant_on::all_tables;
  if (s == "table") return grant_on::table;
  throw engine_error("spec JSON: \"on\" must be database, schema, all_tables or table, not \"" + s + "\"");
}
privset privs_of(const json& j) {
  privset p = 0;
  for (const auto& e : j) {
    const auto name = e.get<std::string>();
    const privset b = privilege_of(name);
    if (!b) throw engine_error("spec JSON: unknown privilege \"" + name + "\"");
    p |= b;
  }
  return p;
}
}  // namespace

std::string to_json(const spec& s) {
  json j;
  j["name"] = s.name;
  j["roles"] = json::array();
  for (const auto& r : s.roles) j["roles"].push_back({{"name", r.name}, {"login", r.login}, {"member_of", r.member_of}});
  j["schemas"] = json::array();
  for (const auto& sc : s.schemas) j["schemas"].push_back({{"name", sc.name}, {"create", sc.create}});
  j["grants"] = json::array();
  for (const auto& g : s.grants) {
    json e{{"on", on_name(g.on)}, {"privileges", privilege_names(g.privileges)}};
    if (g.on != grant_on::database) e["schema"] = g.schema;
    if (!g.object.empty()) e["object"] = g.object;
    if (g.to_public) e["public"] = true;
    else e["grantee"] = g.grantee;
    j["grants"].push_back(std::move(e));
  }
  j["default_privileges"] = json::array();
  for (const auto& d : s.default_privileges) {
    json e{{"for_role", d.for_role}, {"schema", d.schema}, {"privileges", privilege_names(d.privileges)}};
    if (d.to_public) e["public"] = true;
    else e["grantee"] = d.grantee;
    j["default_privileges"].push_back(std::move(e));
  }
  j["mappings"] = json::array();
  for (const auto& m : s.mappings) j["mappings"].push_back({{"role", m.role}, {"arn", m.arn}});
  j["retired_roles"] = s.retired_roles;
  j["public_schemas"] = s.public_schemas;
  return j.dump(2) + "\n";
}

spec spec_from_json(std::string_view text) {
  spec s;
  try {
    const json j = json::parse(text);
    s.name = j.value("name", "");
    for (const auto& r : j.value("roles", json::array()))
      s.roles.push_back({r.at("name").get<std::string>(), r.value("login", false),
                         r.value("member_of", std::vector<std::string>{})});
    for (const auto& sc : j.value("schemas", json::array()))
      s.schemas.push_back({sc.at("name").get<std::string>(), sc.value("create", true)});
    for (const auto& g : j.value("grants", json::array())) {
      grant_spec e;
      e.on = on_of(g.at("on").get<std::string>());
      e.schema = g.value("schema", "");
      e.object = g.value("object", "");
      e.privileges = privs_of(g.at("privileges"));
      e.to_public = g.value("public", false);
      if (!e.to_public) e.grantee = g.at("grantee").get<std::string>();
      s.grants.push_back(std::move(e));
    }
    for (const auto& d : j.value("default_privileges", json::array())) {
      default_privilege_spec e;
      e.for_role = d.at("for_role").get<std::string>();
      e.schema = d.at("schema").get<std::string>();
      e.privileges = privs_of(d.at("privileges"));
      e.to_public = d.value("public", false);
      if (!e.to_public) e.grantee = d.at("grantee").get<std::string>();
      s.default_privileges.push_back(std::move(e));
    }
    for (const auto& m : j.value("mappings", json::array()))
      s.mappings.push_back({m.at("role").get<std::string>(), m.at("arn").get<std::string>()});
    s.retired_roles = j.value("retired_roles", std::vector<std::string>{});
    s.public_schemas = j.value("public_schemas", std::vector<std::string>{});
  } catch (const json::exception& e) {
    throw engine_error(std::string("spec JSON: ") + e.what());
  }
  return s;
}

}  // namespace dsql::engine
