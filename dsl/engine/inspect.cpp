// Inspect: one query per catalog, never one per object, in one REPEATABLE READ READ ONLY
// transaction (a consistent snapshot). ACLs are read with
// aclexplode(coalesce(acl, acldefault(kind, owner))) so that a NULL ACL (the owner's
// implicit rights, PUBLIC's defaults) is visible, and grouped per (object, grantee,
// grantor) on the server. On aurora_dsql only catalogs DSQL has are read: pg_roles (never
// pg_authid), pg_auth_members, pg_namespace, pg_class, pg_attribute, pg_proc,
// pg_default_acl, sys.iam_pg_role_mappings; pg_database only on postgres_local.
#include <pqxx/pqxx>

#include <dsql/name.hpp>

#include <nlohmann/json.hpp>

#include <unordered_map>

#include "engine/engine.hpp"

namespace dsql::engine {

const live_role* state::find_role(std::string_view name) const {
  for (const auto& r : roles)
    if (r.name == name) return &r;
  return nullptr;
}

namespace {

// roles, with what the session is (one row of facts joined to every role row)
constexpr const char* q_roles =
    "SELECT r.oid, r.rolname, r.rolsuper, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb, r.rolinherit, "
    "r.rolconnlimit, s.* "
    "FROM pg_catalog.pg_roles r CROSS JOIN (SELECT current_user::text AS me, "
    "pg_catalog.current_setting('server_version_num')::int AS version, "
    "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS super, "
    "pg_catalog.current_database()::text AS db, "
    "pg_catalog.to_regclass('sys.iam_pg_role_mappings') IS NOT NULL AS mappings, "
    "ARRAY(SELECT rolname FROM pg_catalog.pg_roles WHERE pg_catalog.pg_has_role(current_user, oid, 'MEMBER'))::text "
    "AS acting) s";

constexpr const char* q_members = "SELECT roleid, member, grantor, admin_option FROM pg_catalog.pg_auth_members";

// privileges grouped per (object, grantee, grantor): "SELECT*,INSERT" (* = grantable)
#define DSQL_ACL_AGG "pg_catalog.string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ',')"

constexpr const char* system_schemas =
    "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
    "AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

const std::string q_schemas =
    std::string("SELECT n.nspname, n.nspowner, a.grantee, a.grantor, " DSQL_ACL_AGG
                " FROM pg_catalog.pg_namespace n LEFT JOIN LATERAL "
                "pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a ON true WHERE ") +
    system_schemas + " GROUP BY 1, 2, 3, 4";

// Grouped per object in a lateral subquery (a few ACL entries each, hashed) rather than
// over the whole result: 10,000 tables explode to 100,000 privilege rows, whose global
// sort cost 115 ms of the inspection; 82 ms this way, the same rows.
const std::string q_relations =
    std::string(
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relowner, g.grantee, g.grantor, g.privileges"
        " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN LATERAL "
        "(SELECT a.grantee, a.grantor, " DSQL_ACL_AGG
        " AS privileges FROM "
        "pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' "
        "END::\"char\", c.relowner))) a GROUP BY 1, 2) g ON true WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ") +
    system_schemas;

// The columns with an ACL first, in one pass over pg_attribute (MATERIALIZED): joined
// directly, the planner scanned pg_attribute once per schema (10,000 tables: 155 ms of an
// inspection's 190 ms for this query; 38 ms this way).
const std::string q_columns =
    std::string(
        "WITH t AS MATERIALIZED (SELECT attrelid, attname, attacl FROM pg_catalog.pg_attribute "
        "WHERE attacl IS NOT NULL AND attnum > 0 AND NOT attisdropped) "
        "SELECT t.attrelid, t.attname, a.grantee, a.grantor, " DSQL_ACL_AGG
        " FROM t JOIN pg_catalog.pg_class c ON c.oid = t.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL pg_catalog.aclexplode(t.attacl) a WHERE ") +
    system_schemas + " GROUP BY 1, 2, 3, 4";

const std::string q_functions =
    std::string(
        "SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), p.proowner, "
        "a.grantee, a.grantor, " DSQL_ACL_AGG
        ", p.prokind"
        " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace LEFT JOIN LATERAL "
        "pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a ON true WHERE ") +
    system_schemas + " GROUP BY p.oid, 1, 2, 3, 4, 5, 6, 8 ORDER BY p.oid";

constexpr const char* q_default_acls =
    "SELECT d.defaclrole, coalesce(n.nspname, ''), d.defaclobjtype, a.grantee, a.grantor, " DSQL_ACL_AGG
    " FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace "
    "CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a GROUP BY 1, 2, 3, 4, 5";

constexpr const char* q_database =
    "SELECT d.datname, d.datdba, a.grantee, a.grantor, " DSQL_ACL_AGG
    " FROM pg_catalog.pg_database d LEFT JOIN LATERAL "
    "pg_catalog.aclexplode(coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))) a ON true "
    "WHERE d.datname = pg_catalog.current_database() GROUP BY 1, 2, 3, 4";

constexpr const char* q_mappings =
    "SELECT pg_role_name::text, arn::text, coalesce(grantor_pg_role_name::text, '') FROM sys.iam_pg_role_mappings";

#undef DSQL_ACL_AGG

struct reader {
  std::unordered_map<unsigned, std::string> names;  // role oid -> name

  const std::string& name(const pqxx::field& f) const {
    static const std::string unknown;
    if (f.is_null()) return unknown;
    auto it = names.find(f.as<unsigned>());
    return it == names.end() ? unknown : it->second;
  }

  // privileges "SELECT*,INSERT" -> (all, grantable)
  static std::pair<privilege_set, privilege_set> privs(const pqxx::field& f) {
    privilege_set all, grantable;
    std::string_view s = f.is_null() ? std::string_view() : std::string_view(f.c_str());
    while (!s.empty()) {
      auto comma = s.find(',');
      std::string_view item = s.substr(0, comma);
      bool g = !item.empty() && item.back() == '*';
      if (g) item.remove_suffix(1);
      if (const auto b = dsql::privilege_of_keyword(item)) {  // (PG 17's MAINTAIN is not modelled)
        all |= *b;
        if (g) grantable |= *b;
      }
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
    return {all, grantable};
  }

  // Adds the ACL row (grantee, grantor, privs columns from index i) for object obj.
  void acl(state& st, std::size_t obj, const pqxx::row& row, int i, std::string column = {}) const {
    const auto i0 = static_cast<pqxx::row::size_type>(i);
    if (row[i0].is_null()) return;  // an object with an empty ACL
    live_acl a;
    a.object = obj;
    a.is_public = row[i0].as<unsigned>() == 0;
    if (!a.is_public) a.grantee = name(row[i0]);
    a.grantor = name(row[i0 + 1]);
    std::tie(a.privileges, a.grantable) = privs(row[i0 + 2]);
    a.column = std::move(column);
    st.acls.push_back(std::move(a));
  }
};

}  // namespace

namespace {
// The spec's functions as the server resolves them. to_regprocedure raises an error for an
// unknown argument type (PostgreSQL 15) and for a schema the current user cannot use, so
// it runs only when a function of that name exists in a schema it may use (CASE
// evaluates lazily; to_regprocedure is STABLE, never folded). Unresolved, the declared
// argument types are compared as written (intent.cpp).
std::string function_query(const std::vector<resolved_function>& fs) {
  std::string values;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const auto& f = fs[i];
    if (!values.empty()) values += ", ";
    values += "(" + std::to_string(i) + ", " + dsql::quote_literal(f.schema) + ", " + dsql::quote_literal(f.name) +
              ", " + dsql::quote_literal(f.declared_args) + ")";
  }
  return "SELECT pg_catalog.pg_get_function_identity_arguments(CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_proc p "
         "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = d.s AND p.proname = d.f AND "
         "pg_catalog.has_schema_privilege(n.oid, 'USAGE')) THEN "
         "pg_catalog.to_regprocedure(pg_catalog.quote_ident(d.s) || '.' || pg_catalog.quote_ident(d.f) || '(' || d.a || "
         "')') END), d.i FROM (VALUES " +
         values + ") d(i, s, f, a) ORDER BY d.i";
}
// "integer, numeric(10,2)" -> {"integer", "numeric(10,2)"}: commas inside parentheses stay.
std::vector<std::string> split_arguments(std::string_view args) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  auto flush = [&] {
    const auto b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char ch : args) {
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (ch == ',' && depth == 0)
      flush();
    else
      cur += ch;
  }
  flush();
  return out;
}

}  // namespace

table_columns inspect_columns(pqxx::connection& c) {
  pqxx::read_transaction tx(c);
  table_columns out;
  for (const auto& row : tx.exec(std::string("SELECT n.nspname, c.relname, a.attname FROM pg_catalog.pg_attribute a "
                                             "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                             "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 "
                                             "AND NOT a.attisdropped AND ") +
                                 system_schemas + " ORDER BY n.nspname, c.relname, a.attnum"))
    out[{row[0].c_str(), row[1].c_str()}].push_back(row[2].c_str());
  return out;
}

state inspect(pqxx::connection& c, target t, const model::cluster* spec) {
  state st;
  st.on = t;
  // One snapshot (REPEATABLE READ READ ONLY); BEGIN travels with the first query and
  // COMMIT is the last round trip: 10 round trips in all (9 on aurora_dsql).
  pqxx::nontransaction tx(c, "dsql-inspect");
  bool begun = false;
  auto exec = [&](const std::string& q) {
    ++st.round_trips;
    if (begun) return tx.exec(q);
    begun = true;
    // Aurora DSQL's transactions are snapshots already (and it refuses isolation settings)
    return tx.exec(std::string(t == target::aurora_dsql ? "BEGIN READ ONLY; "
                                                        : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ") +
                   q);
  };
  struct end_snapshot {
    pqxx::nontransaction& tx;
    bool& begun;
    bool ok = false;
    ~end_snapshot() {
      if (begun && !ok) try {
          tx.exec("ROLLBACK");
        } catch (...) {  // the connection is broken: nothing to end
        }
    }
  } guard{tx, begun};
  reader rd;
  for (const auto& row : exec(q_roles)) {
    if (st.current_user.empty()) {
      st.current_user = row[8].c_str();
      st.server_version = row[9].as<int>();
      st.current_is_superuser = !row[10].is_null() && row[10].as<bool>();
      st.database = row[11].c_str();
      st.has_mapping_view = row[12].as<bool>();
      auto arr = row[13].as_array();
      for (auto e = arr.get_next(); e.first != pqxx::array_parser::done; e = arr.get_next())
        if (e.first == pqxx::array_parser::string_value) st.can_act_as.push_back(e.second);
    }
    live_role r;
    r.name = row[1].c_str();
    r.superuser = row[2].as<bool>();
    r.login = row[3].as<bool>();
    r.createrole = row[4].as<bool>();
    r.createdb = row[5].as<bool>();
    r.inherit = row[6].as<bool>();
    r.connection_limit = row[7].as<int>();
    rd.names.emplace(row[0].as<unsigned>(), r.name);
    st.roles.push_back(std::move(r));
  }
  for (const auto& row : exec(q_members))
    st.memberships.push_back({rd.name(row[0]), rd.name(row[1]), rd.name(row[2]), row[3].as<bool>()});

  // schemas: (name) -> object index
  std::unordered_map<std::string, std::size_t> schema_index;
  for (const auto& row : exec(q_schemas)) {
    const std::string name = row[0].c_str();
    auto [it, fresh] = schema_index.emplace(name, st.objects.size());
    if (fresh) st.objects.push_back({object_kind::schema, {}, name, {}, rd.name(row[1]), 0, 0});
    rd.acl(st, it->second, row, 2);
  }
  std::unordered_map<unsigned, std::size_t> rel_index;
  for (const auto& row : exec(q_relations)) {
    const unsigned oid = row[0].as<unsigned>();
    auto [it, fresh] = rel_index.emplace(oid, st.objects.size());
    if (fresh) {
      const char kind = row[3].c_str()[0];
      st.objects.push_back({kind == 'S' ? object_kind::sequence : object_kind::table,
                            row[1].c_str(),
                            row[2].c_str(),
                            {},
                            rd.name(row[4]),
                            kind,
                            0});
    }
    rd.acl(st, it->second, row, 5);
  }
  for (const auto& row : exec(q_columns)) {
    auto it = rel_index.find(row[0].as<unsigned>());
    if (it != rel_index.end()) rd.acl(st, it->second, row, 2, row[1].c_str());
  }
  {
    std::string last;
    for (const auto& row : exec(q_functions)) {
      std::string key = std::string(row[0].c_str()) + '\0' + row[1].c_str() + '\0' + row[2].c_str();
      if (key != last) {
        st.objects.push_back({object_kind::function, row[0].c_str(), row[1].c_str(), row[2].c_str(), rd.name(row[3]), 0,
                              row[7].c_str()[0]});
        last = std::move(key);
      }
      rd.acl(st, st.objects.size() - 1, row, 4);
    }
  }
  for (const auto& row : exec(q_default_acls)) {
    live_default_acl d;
    d.for_role = rd.name(row[0]);
    d.schema = row[1].c_str();
    d.objtype = row[2].c_str()[0];
    d.is_public = row[3].as<unsigned>() == 0;
    if (!d.is_public) d.grantee = rd.name(row[3]);
    d.grantor = rd.name(row[4]);
    std::tie(d.privileges, d.grantable) = reader::privs(row[5]);
    st.default_acls.push_back(std::move(d));
  }
  if (t == target::postgres_local) {
    bool first = true;
    for (const auto& row : exec(q_database)) {
      if (first) st.objects.push_back({object_kind::database, {}, row[0].c_str(), {}, rd.name(row[1]), 0, 0});
      first = false;
      rd.acl(st, st.objects.size() - 1, row, 2);
    }
  }
  if (st.has_mapping_view)
    for (const auto& row : exec(q_mappings)) st.mappings.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str()});
  if (spec) {
    auto note = [&](const model::grant& g) {
      if (g.on != object_kind::function) return;
      for (const auto& f : st.functions)
        if (f.schema == g.schema && f.name == g.object && f.declared_args == g.arguments) return;
      st.functions.push_back({g.schema, g.object, g.arguments, {}, false, {}});
    };
    for (const auto& g : spec->grants) note(g);
    for (const auto& g : spec->revokes) note(g);
    if (!st.functions.empty()) {
      for (const auto& row : exec(function_query(st.functions))) {
        auto& f = st.functions.at(row[1].as<std::size_t>());
        f.exists = !row[0].is_null();
        if (f.exists) f.identity_args = row[0].c_str();
      }
      // Not resolved (a schema the current user may not use, or no such function): the
      // declared types one by one, as identity arguments print them. A type named in
      // another schema is left as written (to_regtype would need USAGE there too).
      std::string values;
      std::vector<std::vector<std::string>> parts(st.functions.size());
      for (std::size_t i = 0; i < st.functions.size(); ++i) {
        if (st.functions[i].exists) continue;
        parts[i] = split_arguments(st.functions[i].declared_args);
        for (std::size_t j = 0; j < parts[i].size(); ++j)
          if (parts[i][j].find('.') == std::string::npos)
            values += (values.empty() ? "(" : ", (") + std::to_string(i) + ", " + std::to_string(j) + ", " +
                      dsql::quote_literal(parts[i][j]) + ")";
      }
      if (!values.empty()) {
        for (const auto& row :
             exec("SELECT d.i, d.j, pg_catalog.format_type(pg_catalog.to_regtype(d.t), NULL) FROM (VALUES " + values +
                  ") d(i, j, t)"))
          if (!row[2].is_null())
            parts.at(row[0].as<std::size_t>()).at(row[1].as<std::size_t>()) = "\x01" + std::string(row[2].c_str());
        for (std::size_t i = 0; i < parts.size(); ++i) {
          std::string joined;
          bool all = !parts[i].empty() || st.functions[i].declared_args.empty();
          for (const auto& p : parts[i]) {
            all = all && p.starts_with('\x01');
            joined += (joined.empty() ? "" : ", ") + (p.starts_with('\x01') ? p.substr(1) : p);
          }
          if (all && !st.functions[i].exists) st.functions[i].canonical_args = joined;
        }
      }
    }
  }
  ++st.round_trips;
  tx.exec("COMMIT");
  guard.ok = true;
  return st;
}

}  // namespace dsql::engine
