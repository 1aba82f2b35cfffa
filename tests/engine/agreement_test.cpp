// Property: the static bootstrap and the engine agree, and both give what the spec says.
//
// Random specs (dsql::model::cluster) from every declaration kind the DSL has - roles with
// LOGIN/INHERIT/CONNECTION LIMIT, memberships with ADMIN OPTION, created and existing
// schemas with owners, sensitive schemas, grants on the database, schemas, tables, views,
// columns, sequences, functions and all tables / sequences / functions in a schema, with
// grant option and to PUBLIC, revokes from PUBLIC and from roles, default privileges on
// tables, sequences and functions FOR ROLE, IAM mappings - named with awkward identifiers,
// each checked three ways on a real PostgreSQL 15 with dsql_iam (postgres_local):
//   A. a fresh database, the objects, the bootstrap script (dsqlctl sql --dbname): then
//      `plan --prune` finds no drift, and the live state equals the oracle's;
//   B. a fresh database, the same objects, `apply` (the engine): the live state equals
//      the oracle's, and running the bootstrap afterwards changes nothing (pg_dumpall
//      --globals-only + pg_dump --schema-only, byte-identical).
// and on Aurora DSQL's rules (a strict local cluster, aurora_dsql), for the spec's DSQL
// counterpart (for_aurora: what DSQL has no form for left out):
//   C. the bootstrap script runs without a refusal, twice (the second run changes no
//      catalog), `plan --prune` finds no drift, the live state equals the oracle's; the
//      revoke-and-drop script of every role runs without a refusal, twice;
//   D. `apply` (the engine, one statement per transaction): the live state equals the
//      oracle's, and the bootstrap afterwards changes nothing.
// The oracle is independent of the engine: it replays the spec's declarations on the
// objects' initial ACLs in the bootstrap's order (grants, then revokes; a table-level
// revoke takes the column privileges too; PUBLIC loses everything on a sensitive schema)
// and ignores grantors. Every spec's roles carry the iteration number (roles are
// cluster-wide), each path has its own database, dropped at the end.
//
// DSQL_AGREEMENT_SEED, DSQL_AGREEMENT_SPECS (default 200) reproduce and size a run;
// DSQL_AGREEMENT_DUMP=DIR writes each spec there as JSON (dsqlctl bootstrap --spec ...).
#include <catch2/catch.hpp>

#include <dsql/render.hpp>

#include <chrono>
#include <fstream>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "engine/model_json.hpp"
#include "fixture.hpp"

using namespace dsql::engine;
using pk = dsql::privilege_kind;
using ok = dsql::object_kind;
using dsql::model::cluster;

namespace {

const char* const fragments[] = {"Mixed",     "with-dash", "with space",           "a.b",  "quote\"inside",
                                 "svc@x.iam", "PUBLIC",    "r\xc3\xb4le_\xc3\xbc", "it's", "plain"};
const char* const schema_names[] = {"app", "We\"ird s'chema", "a.b", "Sens itive"};
const char* const arns[] = {"arn:aws:iam::123456789012:role/AgreeA", "arn:aws:iam::123456789012:role/team/AgreeB",
                            "arn:aws:iam::123456789012:user/agree-c"};

// The objects the test creates in a schema (as admin, who then owns them).
struct object {
  ok kind;  // table (also the view), sequence, function (also the procedure)
  std::string name, args;
  char relkind = 0, prokind = 0;
};
const std::vector<object>& objects() {
  static const std::vector<object> o = {
      {ok::table, "t1", "", 'r', 0},    {ok::table, "T 2", "", 'r', 0},          {ok::table, "v1", "", 'v', 0},
      {ok::sequence, "q1", "", 'S', 0}, {ok::function, "f1", "integer", 0, 'f'}, {ok::function, "p1", "", 0, 'p'},
  };
  return o;
}
const char* const t1_columns[] = {"a", "B c"};

std::string q(const std::string& s) { return dsql::quote_identifier(s); }
std::string lit(const std::string& s) { return dsql::quote_literal(s); }

// procedure: also the procedure p1 (Aurora DSQL has no CREATE PROCEDURE).
std::string create_objects_sql(const std::string& schema, bool procedure = true) {
  const std::string s = q(schema);
  return "CREATE TABLE " + s + ".t1 (a int, \"B c\" text); CREATE TABLE " + s + ".\"T 2\" (id int); CREATE VIEW " + s +
         ".v1 AS SELECT 1 AS x; CREATE SEQUENCE " + s + ".q1; CREATE FUNCTION " + s +
         ".f1(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';" +
         (procedure ? " CREATE PROCEDURE " + s + ".p1() LANGUAGE sql AS 'SELECT 1';" : "");
}

struct gen {
  std::mt19937 rng;
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  bool coin(int percent = 50) { return pick(100) < percent; }
  // a non-empty subset of the privileges of a kind, in PostgreSQL's order
  std::vector<pk> some(ok kind) {
    const auto set = dsql::privileges_of(kind);
    std::vector<pk> out;
    while (out.empty())
      for (auto p : set)
        if (coin(40)) out.push_back(p);
    return out;
  }
};

// A random valid spec; role names end with `tag` (unique in the cluster).
cluster random_spec(gen& g, const std::string& tag, std::vector<std::string>& created_schemas) {
  cluster m;
  m.name = "agree " + tag;
  m.account_id = "123456789012";
  const int nroles = 2 + g.pick(4);
  std::set<std::string> used;
  for (int i = 0; i < nroles; ++i) {
    std::string name;
    do name = std::string(fragments[g.pick(10)]) + "~" + tag + std::to_string(i);
    while (!used.insert(name).second);
    dsql::model::role r;
    r.name = name;
    r.login = g.coin(60);
    if (g.coin(20)) r.inherit = g.coin();
    if (g.coin(15)) r.connection_limit = g.pick(12) - 1;
    m.roles.push_back(r);
  }
  auto role_name = [&](int i) { return m.roles[static_cast<std::size_t>(i)].name; };
  for (int a = 0; a < nroles; ++a)
    for (int b = a + 1; b < nroles; ++b)
      if (g.coin(20)) m.memberships.push_back({role_name(a), role_name(b), g.coin(25), false});
  // schemas: public (existing) and one or two of our own
  m.schemas.push_back(dsql::engine::test::schema("public", false));
  created_schemas.clear();
  const int nschemas = 1 + g.pick(2);
  for (int i = 0; i < nschemas; ++i) {
    std::string name = schema_names[g.pick(4)];
    if (std::find(created_schemas.begin(), created_schemas.end(), name) != created_schemas.end()) continue;
    created_schemas.push_back(name);
    auto s = dsql::engine::test::schema(name, true);
    if (g.coin(30)) s.owner = role_name(g.pick(nroles));
    if (g.coin(30)) {
      s.sensitive = true;
      std::set<std::string> readers{role_name(g.pick(nroles))};
      if (g.coin()) readers.insert(role_name(g.pick(nroles)));
      // a reader's members inherit its access: they are readers too
      for (bool grew = true; grew;) {
        grew = false;
        for (const auto& x : m.memberships)
          if (readers.count(x.group) && readers.insert(x.member).second) grew = true;
      }
      s.readers.assign(readers.begin(), readers.end());
    }
    m.schemas.push_back(s);
  }
  auto schema_of = [&](int i) -> const dsql::model::schema& { return m.schemas[static_cast<std::size_t>(i)]; };
  const int all_schemas = static_cast<int>(m.schemas.size());
  // a grantee allowed on schema s: a reader of a sensitive schema, else any role or PUBLIC
  auto grantee_for = [&](const dsql::model::schema* s, bool allow_public, std::string& name, bool& pub) {
    if (s && s->sensitive) {
      name = s->readers[static_cast<std::size_t>(g.pick(static_cast<int>(s->readers.size())))];
      pub = false;
    } else if (allow_public && g.coin(15)) {
      pub = true;
    } else {
      name = role_name(g.pick(nroles));
      pub = false;
    }
  };
  auto random_object = [&](dsql::model::grant& x) {
    const int which = g.pick(10);
    const auto& s = schema_of(g.pick(all_schemas));
    x.schema = s.name;
    switch (which) {
      case 0:
        x.on = ok::database;
        x.schema.clear();
        break;
      case 1:
        x.on = ok::schema;
        break;
      case 2:
        x.on = ok::all_tables_in_schema;
        break;
      case 3:
        x.on = ok::table;
        x.object = g.coin(85) ? (g.coin() ? "t1" : (g.coin() ? "T 2" : "v1")) : "ghost";
        break;
      case 4:
        x.on = ok::columns;
        x.object = "t1";
        x.columns = {t1_columns[g.pick(2)]};
        if (g.coin(30)) x.columns = {"a", "B c"};
        break;
      case 5:
        x.on = ok::sequence;
        x.object = "q1";
        break;
      case 6:
        x.on = ok::all_sequences_in_schema;
        break;
      case 7:
        x.on = ok::function;
        x.object = "f1";
        x.arguments = g.coin() ? "integer" : "int";  // the server resolves "int" (to_regprocedure)
        break;
      case 8:
        x.on = ok::all_functions_in_schema;
        break;
      default:
        x.on = ok::schema;
        break;
    }
    x.privileges = g.some(x.on);
    return which == 0 ? static_cast<const dsql::model::schema*>(nullptr) : &s;
  };
  const int ngrants = 2 + g.pick(7);
  for (int i = 0; i < ngrants; ++i) {
    dsql::model::grant x;
    const dsql::model::schema* s = random_object(x);
    grantee_for(s, true, x.grantee, x.to_public);
    x.with_grant_option = !x.to_public && g.coin(15);
    m.grants.push_back(x);
  }
  const int nrevokes = g.pick(3);
  for (int i = 0; i < nrevokes; ++i) {
    dsql::model::grant x;
    const dsql::model::schema* s = random_object(x);
    grantee_for(nullptr, true, x.grantee, x.to_public);
    // (a revoke on a schema from its owner is refused: assert_revoke_not_from_schema_owner_t)
    if (x.on == ok::schema && s && !x.to_public && x.grantee == s->owner) continue;
    m.revokes.push_back(x);
  }
  const int ndefaults = g.pick(3);
  for (int i = 0; i < ndefaults; ++i) {
    dsql::model::default_privilege d;
    d.creator = role_name(g.pick(nroles));
    const auto& s = schema_of(g.pick(all_schemas));
    d.schema = s.name;
    d.on = g.coin() ? ok::all_tables_in_schema : (g.coin() ? ok::all_sequences_in_schema : ok::all_functions_in_schema);
    d.privileges = g.some(d.on);
    grantee_for(&s, true, d.grantee, d.to_public);
    d.with_grant_option = !d.to_public && g.coin(15);
    m.default_privileges.push_back(d);
  }
  for (const auto& r : m.roles)
    if (r.login && g.coin(40)) m.mappings.push_back(dsql::engine::test::mapping(r.name, arns[g.pick(3)]));
  return m;
}

// The spec's Aurora DSQL counterpart: the declarations DSQL has no form for are left out
// (schema owners, ADMIN OPTION, database privileges, schema public beyond USAGE granted
// and CREATE revoked from PUBLIC), so that validate_for(aurora_dsql) holds.
cluster for_aurora(cluster m) {
  m.name += " (aurora_dsql)";
  for (auto& s : m.schemas) s.owner.clear();
  for (auto& x : m.memberships) x.admin_option = false;
  auto keep_only = [](dsql::model::grant& g, pk p) {
    std::vector<pk> kept;
    for (auto x : g.privileges)
      if (x == p) kept.push_back(x);
    const bool had = !g.privileges.empty();
    g.privileges = kept;
    return had && kept.empty();  // nothing left (an empty list would mean ALL)
  };
  std::erase_if(m.grants, [&](dsql::model::grant& g) {
    if (g.on == ok::database) return true;
    if (g.on != ok::schema || g.schema != "public") return false;
    g.with_grant_option = false;
    return g.privileges.empty() || keep_only(g, pk::usage);
  });
  std::erase_if(m.revokes, [&](dsql::model::grant& g) {
    if (g.on == ok::database) return true;
    if (g.on != ok::schema || g.schema != "public") return false;
    return !g.to_public || g.privileges.empty() || keep_only(g, pk::create);
  });
  return m;
}

// The spec with every role name suffixed (roles are cluster-wide: each path its own).
cluster renamed(cluster m, const std::string& suffix) {
  auto rename = [&](std::string& n) {
    if (!n.empty()) n += suffix;
  };
  for (auto& r : m.roles) rename(r.name);
  for (auto& x : m.memberships) rename(x.group), rename(x.member);
  for (auto& s : m.schemas) {
    rename(s.owner);
    for (auto& r : s.readers) rename(r);
  }
  for (auto& x : m.grants) rename(x.grantee);
  for (auto& x : m.revokes) rename(x.grantee);
  for (auto& d : m.default_privileges) rename(d.creator), rename(d.grantee);
  for (auto& x : m.mappings) rename(x.role);
  return m;
}

// ---- the oracle -------------------------------------------------------------------------------

// (kind, schema, name, args, column) -> grantee ("PUBLIC" for PUBLIC) -> (privileges, grantable)
using acl_key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
using acl = std::map<acl_key, std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>>>;

std::string kind_name(ok k) { return std::string(dsql::to_string(k)); }

// What the spec says the ACLs are, on the objects the test made.
acl oracle(const cluster& m, const std::string& database, const std::map<std::string, bool>& has_objects,
           bool procedures = true) {
  struct thing {
    ok kind;
    std::string schema, name, args;
    char relkind, prokind;
  };
  std::vector<thing> things{{ok::database, "", database, "", 0, 0}};
  for (const auto& s : m.schemas) {
    things.push_back({ok::schema, "", s.name, "", 0, 0});
    if (has_objects.at(s.name))
      for (const auto& o : objects())
        if (procedures || o.prokind != 'p') things.push_back({o.kind, s.name, o.name, o.args, o.relkind, o.prokind});
  }
  acl out;
  auto add = [&](const thing& t, const std::string& column, const std::string& grantee, pk p, bool option) {
    auto& e = out[{kind_name(t.kind), t.schema, t.name, t.args, column}][grantee];
    e.first.insert(std::string(dsql::sql_keyword(p)));
    if (option) e.second.insert(std::string(dsql::sql_keyword(p)));
  };
  // initial ACLs (owners aside): PUBLIC's defaults
  for (const auto& t : things) {
    if (t.kind == ok::function) add(t, "", "PUBLIC", pk::execute, false);
    if (t.kind == ok::database) {
      add(t, "", "PUBLIC", pk::connect, false);
      add(t, "", "PUBLIC", pk::temporary, false);
    }
    if (t.kind == ok::schema && t.name == "public") add(t, "", "PUBLIC", pk::usage, false);
  }
  // which things a declaration reaches
  auto reaches = [](const dsql::model::grant& g, const thing& t) {
    switch (g.on) {
      case ok::database:
        return t.kind == ok::database;
      case ok::schema:
        return t.kind == ok::schema && t.name == g.schema;
      case ok::all_tables_in_schema:
        return t.kind == ok::table && t.schema == g.schema;
      case ok::all_sequences_in_schema:
        return t.kind == ok::sequence && t.schema == g.schema;
      case ok::all_functions_in_schema:
        return t.kind == ok::function && t.schema == g.schema && t.prokind != 'p';
      case ok::table:
      case ok::columns:
        return t.kind == ok::table && t.schema == g.schema && t.name == g.object;
      case ok::sequence:
        return t.kind == ok::sequence && t.schema == g.schema && t.name == g.object;
      case ok::function:
        return t.kind == ok::function && t.schema == g.schema && t.name == g.object && t.prokind == 'f';
    }
    return false;
  };
  for (const auto& g : m.grants)
    for (const auto& t : things)
      if (reaches(g, t))
        for (auto p : g.privileges) {
          const std::string who = g.to_public ? "PUBLIC" : g.grantee;
          if (g.on == ok::columns)
            for (const auto& c : g.columns) add(t, c, who, p, g.with_grant_option);
          else
            add(t, "", who, p, g.with_grant_option);
        }
  auto take = [&](const acl_key& k, const std::string& who, pk p) {
    auto it = out.find(k);
    if (it == out.end()) return;
    auto e = it->second.find(who);
    if (e == it->second.end()) return;
    e->second.first.erase(std::string(dsql::sql_keyword(p)));
    e->second.second.erase(std::string(dsql::sql_keyword(p)));
  };
  for (const auto& g : m.revokes)
    for (const auto& t : things)
      if (reaches(g, t))
        for (auto p : g.privileges) {
          const std::string who = g.to_public ? "PUBLIC" : g.grantee;
          const acl_key k{kind_name(t.kind), t.schema, t.name, t.args, ""};
          if (g.on == ok::columns) {
            for (const auto& c : g.columns) take({kind_name(t.kind), t.schema, t.name, t.args, c}, who, p);
          } else {
            take(k, who, p);
            if (t.kind == ok::table)  // a table-level revoke takes the column privileges too
              for (const char* c : t1_columns) take({kind_name(t.kind), t.schema, t.name, t.args, c}, who, p);
          }
        }
  // sensitive: PUBLIC has nothing on the schema and in it
  for (const auto& s : m.schemas)
    if (s.sensitive)
      for (auto& [k, grantees] : out)
        if ((std::get<0>(k) == "schema" && std::get<2>(k) == s.name) || std::get<1>(k) == s.name)
          grantees.erase("PUBLIC");
  // owners hold everything as owners, never as grants (P2)
  for (const auto& s : m.schemas) {
    const std::string owner = !s.owner.empty() ? s.owner : (s.name == "public" ? "pg_database_owner" : "admin");
    auto it = out.find({"schema", "", s.name, "", ""});
    if (it != out.end()) it->second.erase(owner);
  }
  for (auto it = out.begin(); it != out.end();) {  // admin owns the objects and the database
    it->second.erase("admin");
    for (auto e = it->second.begin(); e != it->second.end();)
      e = e->second.first.empty() ? it->second.erase(e) : std::next(e);
    it = it->second.empty() ? out.erase(it) : std::next(it);
  }
  return out;
}

// What the server has, grantors merged, owners' own entries left out.
acl server_acl(pqxx::connection& c, const cluster& m) {
  std::string schemas;
  for (const auto& s : m.schemas) schemas += (schemas.empty() ? "" : ", ") + lit(s.name);
  const std::string who = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END";
  const std::string query =
      "SELECT 'database', '', d.datname::text, '', '', " + who +
      ", a.privilege_type, a.is_grantable, "
      "pg_catalog.pg_get_userbyid(d.datdba)::text FROM pg_catalog.pg_database d, "
      "pg_catalog.aclexplode(coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))) a "
      "WHERE d.datname = pg_catalog.current_database() "
      "UNION ALL SELECT 'schema', '', n.nspname::text, '', '', " +
      who +
      ", a.privilege_type, a.is_grantable, "
      "pg_catalog.pg_get_userbyid(n.nspowner)::text FROM pg_catalog.pg_namespace n, "
      "pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a WHERE n.nspname IN (" +
      schemas +
      ") "
      "UNION ALL SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname::text, c.relname::text, '', '', " +
      who +
      ", a.privilege_type, a.is_grantable, pg_catalog.pg_get_userbyid(c.relowner)::text "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, "
      "pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\", "
      "c.relowner))) a WHERE n.nspname IN (" +
      schemas +
      ") AND c.relkind IN ('r', 'v', 'S') "
      "UNION ALL SELECT 'table', n.nspname::text, c.relname::text, '', t.attname::text, " +
      who +
      ", a.privilege_type, "
      "a.is_grantable, '' FROM pg_catalog.pg_attribute t JOIN pg_catalog.pg_class c ON c.oid = t.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, pg_catalog.aclexplode(t.attacl) a "
      "WHERE n.nspname IN (" +
      schemas +
      ") AND t.attacl IS NOT NULL AND t.attnum > 0 "
      "UNION ALL SELECT 'function', n.nspname::text, p.proname::text, pg_catalog.pg_get_function_identity_arguments(p.oid), '', " +
      who +
      ", a.privilege_type, a.is_grantable, pg_catalog.pg_get_userbyid(p.proowner)::text "
      "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace, "
      "pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a WHERE n.nspname IN (" +
      schemas + ")";
  acl out;
  pqxx::nontransaction n(c);
  for (const auto& row : n.exec(query)) {
    const std::string grantee = row[5].c_str(), owner = row[8].c_str();
    if (grantee == owner) continue;
    auto& e = out[{row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str()}][grantee];
    e.first.insert(row[6].c_str());
    if (row[7].as<bool>()) e.second.insert(row[6].c_str());
  }
  return out;
}

std::string acl_text(const acl& a) {
  std::string s;
  for (const auto& [k, gs] : a)
    for (const auto& [who, e] : gs) {
      s += std::get<0>(k) + " " + std::get<1>(k) + "." + std::get<2>(k) + "(" + std::get<3>(k) + ")" +
           (std::get<4>(k).empty() ? "" : " column " + std::get<4>(k)) + ": " + who + " ";
      for (const auto& p : e.first) s += p + (e.second.count(p) ? "*" : "") + ",";
      s += "\n";
    }
  return s;
}

// Memberships, role attributes, default privileges, schema owners, IAM mappings: as text
// lines, the oracle's and the server's.
std::set<std::string> expected_globals(const cluster& m) {
  std::set<std::string> out;
  for (const auto& r : m.roles) {
    out.insert("role " + r.name + " login=" + (r.login ? "t" : "f"));
    if (r.inherit) out.insert("role " + r.name + " inherit=" + (*r.inherit ? "t" : "f"));
    if (r.connection_limit) out.insert("role " + r.name + " connlimit=" + std::to_string(*r.connection_limit));
  }
  for (const auto& x : m.memberships)
    out.insert("member " + x.member + " of " + x.group + (x.admin_option ? " admin" : ""));
  // (the runner keeps no membership: it is lent one for the statements that need it)
  for (const auto& s : m.schemas)
    if (s.name != "public") out.insert("schema " + s.name + " owner " + (s.owner.empty() ? "admin" : s.owner));
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> defaults;
  for (const auto& d : m.default_privileges) {
    auto& e = defaults[d.creator + " in " + d.schema + " on " + std::string(1, dsql::sql::default_object_type(d.on)) +
                       " to " + (d.to_public ? "PUBLIC" : d.grantee)];
    for (auto p : d.privileges) {
      e.first.insert(std::string(dsql::sql_keyword(p)));
      if (d.with_grant_option) e.second.insert(std::string(dsql::sql_keyword(p)));
    }
  }
  for (const auto& [k, e] : defaults) {
    std::string line = "default " + k + ":";
    for (const auto& p : e.first) line += " " + p + (e.second.count(p) ? "*" : "");
    out.insert(line);
  }
  for (const auto& x : m.mappings) out.insert("mapping " + x.role + " " + x.who.arn(m.account_id));
  return out;
}

std::set<std::string> live_globals(pqxx::connection& c, const cluster& m) {
  std::string roles;
  for (const auto& r : m.roles) roles += (roles.empty() ? "" : ", ") + lit(r.name);
  std::string schemas;
  for (const auto& s : m.schemas)
    if (s.name != "public") schemas += (schemas.empty() ? "" : ", ") + lit(s.name);
  std::set<std::string> out;
  pqxx::nontransaction n(c);
  std::set<std::string> declared_inherit, declared_limit;
  for (const auto& r : m.roles) {
    if (r.inherit) declared_inherit.insert(r.name);
    if (r.connection_limit) declared_limit.insert(r.name);
  }
  for (const auto& row : n.exec("SELECT rolname, rolcanlogin, rolinherit, rolconnlimit FROM pg_catalog.pg_roles "
                                "WHERE rolname IN (" +
                                roles + ")")) {
    const std::string name = row[0].c_str();
    out.insert("role " + name + " login=" + (row[1].as<bool>() ? "t" : "f"));
    if (declared_inherit.count(name)) out.insert("role " + name + " inherit=" + (row[2].as<bool>() ? "t" : "f"));
    if (declared_limit.count(name)) out.insert("role " + name + " connlimit=" + row[3].c_str());
  }
  for (const auto& row :
       n.exec("SELECT u.rolname, g.rolname, am.admin_option FROM pg_catalog.pg_auth_members am "
              "JOIN pg_catalog.pg_roles g ON g.oid = am.roleid JOIN pg_catalog.pg_roles u ON u.oid = am.member "
              "WHERE (g.rolname IN (" +
              roles + ") OR u.rolname IN (" + roles + ")) AND u.rolname <> 'admin'"))
    out.insert("member " + std::string(row[0].c_str()) + " of " + row[1].c_str() + (row[2].as<bool>() ? " admin" : ""));
  // the runner: a member directly or through other roles (pg_has_role MEMBER), as the
  // bootstrap's guard asks
  for (const auto& row : n.exec("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname IN (" + roles +
                                ") AND "
                                "pg_catalog.pg_has_role('admin', oid, 'MEMBER')"))
    out.insert("member admin of " + std::string(row[0].c_str()));
  if (!schemas.empty())
    for (const auto& row : n.exec("SELECT nspname, pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace "
                                  "WHERE nspname IN (" +
                                  schemas + ")"))
      out.insert("schema " + std::string(row[0].c_str()) + " owner " + row[1].c_str());
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> defaults;
  for (const auto& row : n.exec(
           "SELECT pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, CASE WHEN a.grantee = 0 THEN "
           "'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END, a.privilege_type, a.is_grantable "
           "FROM pg_catalog.pg_default_acl d JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace, "
           "pg_catalog.aclexplode(d.defaclacl) a WHERE pg_catalog.pg_get_userbyid(d.defaclrole) IN (" +
           roles + ")")) {
    auto& e = defaults[std::string(row[0].c_str()) + " in " + row[1].c_str() + " on " + row[2].c_str() + " to " +
                       row[3].c_str()];
    e.first.insert(row[4].c_str());
    if (row[5].as<bool>()) e.second.insert(row[4].c_str());
  }
  for (const auto& [k, e] : defaults) {
    std::string line = "default " + k + ":";
    for (const auto& p : e.first) line += " " + p + (e.second.count(p) ? "*" : "");
    out.insert(line);
  }
  for (const auto& row : n.exec("SELECT pg_role_name::text, arn::text FROM sys.iam_pg_role_mappings "
                                "WHERE pg_role_name::text IN (" +
                                roles + ")"))
    out.insert("mapping " + std::string(row[0].c_str()) + " " + row[1].c_str());
  return out;
}

std::string lines(const std::set<std::string>& s) {
  std::string out;
  for (const auto& l : s) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("property: bootstrap and engine agree, and the live privileges are the spec's (oracle)",
          "[integration][property][agreement]") {
  auto& c = dsql::engine::test::cluster();
  auto& sc = dsql::engine::test::strict_cluster();  // aurora_dsql: Aurora DSQL's rules
  for (auto* server : {&c, &sc}) {
    server->principals({arns[0], arns[1], arns[2]});
    server->sql("CREATE DATABASE agree_template; ", "postgres");
    pqxx::connection t(server->info.conninfo("postgres", "agree_template"));
    pqxx::nontransaction n(t);
    n.exec("CREATE EXTENSION dsql_iam");
  }
  auto dump = [](const dsql::engine::test::server& on, const std::string& db) {
    auto g1 = dsql::test::run({std::string(PG_BINDIR) + "/pg_dumpall", "-h", on.dir.string(), "-p",
                               std::to_string(on.info.port), "-U", "postgres", "--globals-only", "--no-comments",
                               "--restrict-key=dsqlagree"});
    auto d1 =
        dsql::test::run({std::string(PG_BINDIR) + "/pg_dump", "-h", on.dir.string(), "-p", std::to_string(on.info.port),
                         "-U", "postgres", "--schema-only", "--no-comments", "--restrict-key=dsqlagree", db});
    REQUIRE(g1.status == 0);
    REQUIRE(d1.status == 0);
    return g1.output + d1.output;
  };
  int aurora_specs = 0;
  const char* env_seed = std::getenv("DSQL_AGREEMENT_SEED");
  const unsigned seed = env_seed ? static_cast<unsigned>(std::strtoul(env_seed, nullptr, 10)) : std::random_device{}();
  const int specs = std::getenv("DSQL_AGREEMENT_SPECS") ? std::atoi(std::getenv("DSQL_AGREEMENT_SPECS")) : 200;
  const auto started = std::chrono::steady_clock::now();
  int declarations = 0;
  for (int it = 0; it < specs; ++it) {
    gen g{std::mt19937(seed + static_cast<unsigned>(it))};
    INFO("DSQL_AGREEMENT_SEED=" << seed << " spec " << it << " (DSQL_AGREEMENT_SEED="
                                << seed + static_cast<unsigned>(it) << " DSQL_AGREEMENT_SPECS=1 reproduces it alone)");
    std::vector<std::string> created;
    const cluster base = random_spec(g, std::to_string(it), created);
    std::map<std::string, bool> has_objects{{"public", true}};
    for (const auto& s : created) has_objects[s] = g.coin(70);
    for (const char* path : {"a", "b"}) {
      // each path its own roles (cluster-wide) and database
      cluster m = renamed(base, path);
      REQUIRE_NOTHROW(dsql::validate_for(m, dsql::target::postgres_local));
      declarations += static_cast<int>(m.roles.size() + m.memberships.size() + m.schemas.size() + m.grants.size() +
                                       m.revokes.size() + m.default_privileges.size() + m.mappings.size());
      INFO("path " << path << ", spec:\n" << model_to_json(m));
      if (const char* dump_dir = std::getenv("DSQL_AGREEMENT_DUMP"))  // the spec as a file, to replay by hand
        std::ofstream(std::string(dump_dir) + "/spec-" + std::to_string(it) + path + ".json") << model_to_json(m);
      const std::string db = "agree_" + std::to_string(it) + path;
      c.sql("CREATE DATABASE " + q(db) + " OWNER admin TEMPLATE agree_template", "postgres");
      {
        pqxx::connection a(c.info.conninfo("admin", db));
        pqxx::nontransaction n(a);
        std::string ddl;
        for (const auto& [schema, with] : has_objects) {
          if (schema != "public" && with) ddl += "CREATE SCHEMA " + q(schema) + ";";
          if (with) ddl += create_objects_sql(schema);
        }
        n.exec(ddl);
      }
      const std::string bootstrap = dsql::render_bootstrap(m, dsql::target::postgres_local);
      auto run_bootstrap = [&] {
        auto r = dsql::test::run({DSQLCTL, "sql", "-", "--dir", c.dir.string(), "--dbname", db}, bootstrap);
        INFO("bootstrap output:\n" << r.output);
        REQUIRE(r.status == 0);
        CHECK(r.output.empty());
      };
      pqxx::connection conn(c.info.conninfo("admin", db));
      pqxx::connection super(c.info.conninfo("postgres", db));
      if (std::string(path) == "a") {
        run_bootstrap();
        diff_options o;
        o.prune = true;
        const plan p = diff(m, inspect(conn, target::postgres_local, &m), o);
        INFO("plan --prune after the bootstrap:\n" << to_text(p));
        CHECK_FALSE(p.drift());
      } else {
        apply_options o;
        o.on = target::postgres_local;
        REQUIRE_NOTHROW(apply(conn, m, o));
      }
      const acl want = oracle(m, db, has_objects), have = server_acl(super, m);
      CHECK(acl_text(have) == acl_text(want));
      const std::set<std::string> want_g = expected_globals(m), have_g = live_globals(super, m);
      CHECK(lines(have_g) == lines(want_g));
      if (std::string(path) == "b") {
        const std::string before = dump(c, db);
        run_bootstrap();
        const std::string after = dump(c, db);
        CHECK(before == after);
      }
      conn.disconnect();
      super.disconnect();
      c.sql("DROP DATABASE " + q(db), "postgres");
    }
    // C and D: the spec's Aurora DSQL counterpart on the strict cluster
    const cluster aurora = for_aurora(base);
    ++aurora_specs;
    for (const char* path : {"c", "d"}) {
      const cluster m = renamed(aurora, path);
      REQUIRE_NOTHROW(dsql::validate_for(m, dsql::target::aurora_dsql));
      INFO("path " << path << " (aurora_dsql, strict), spec:\n" << model_to_json(m));
      if (const char* dump_dir = std::getenv("DSQL_AGREEMENT_DUMP"))
        std::ofstream(std::string(dump_dir) + "/spec-" + std::to_string(it) + path + ".json") << model_to_json(m);
      const std::string db = "agree_" + std::to_string(it) + path;
      sc.sql("CREATE DATABASE " + q(db) + " OWNER admin TEMPLATE agree_template", "postgres");
      {
        // admin's objects, made in one go by the bootstrap superuser (never strict)
        pqxx::connection a(sc.info.conninfo("postgres", db));
        pqxx::nontransaction n(a);
        std::string ddl = "SET ROLE admin;";
        for (const auto& [schema, with] : has_objects) {
          if (schema != "public" && with) ddl += "CREATE SCHEMA " + q(schema) + ";";
          if (with) ddl += create_objects_sql(schema, false);
        }
        n.exec(ddl);
      }
      const std::string bootstrap = dsql::render_bootstrap(m, dsql::target::aurora_dsql);
      auto run_script = [&](const std::string& script, const char* what) {
        auto r = dsql::test::run({DSQLCTL, "sql", "-", "--dir", sc.dir.string(), "--dbname", db}, script);
        INFO(what << " on the strict cluster:\n" << r.output);
        REQUIRE(r.status == 0);
        CHECK(r.output.empty());
      };
      pqxx::connection conn(sc.info.conninfo("admin", db));
      pqxx::connection super(sc.info.conninfo("postgres", db));
      if (std::string(path) == "c") {
        run_script(bootstrap, "the bootstrap");
        const std::string before = dump(sc, db);
        run_script(bootstrap, "the bootstrap, again");
        CHECK(before == dump(sc, db));
        diff_options o;
        o.prune = true;
        const plan p = diff(m, inspect(conn, target::aurora_dsql, &m), o);
        INFO("plan --prune after the bootstrap:\n" << to_text(p));
        CHECK_FALSE(p.drift());
      } else {
        apply_options o;
        o.on = target::aurora_dsql;
        REQUIRE_NOTHROW(apply(conn, m, o));
      }
      // What reaches DSQL: no ALTER DEFAULT PRIVILEGES for another role; on schema public
      // nothing (DSQL refuses grants there, 0A000): USAGE is PUBLIC's already, CREATE
      // nobody's - the bootstrap says so in comments
      cluster applied = m;
      applied.default_privileges.clear();
      const auto on_public = [](const dsql::model::grant& g) { return g.on == ok::schema && g.schema == "public"; };
      std::erase_if(applied.grants, on_public);
      std::erase_if(applied.revokes, on_public);
      CHECK(acl_text(server_acl(super, m)) == acl_text(oracle(applied, db, has_objects, false)));
      CHECK(lines(live_globals(super, m)) == lines(expected_globals(applied)));
      if (std::string(path) == "d") {
        const std::string before = dump(sc, db);
        run_script(bootstrap, "the bootstrap after apply");
        CHECK(before == dump(sc, db));
      }
      // offboarding every role of the spec, dropping it: clean, twice
      const std::string revoke = dsql::render_revoke_all(m, dsql::target::aurora_dsql, {}, {.drop = true});
      run_script(revoke, "the revoke-and-drop script");
      run_script(revoke, "the revoke-and-drop script, again");
      conn.disconnect();
      super.disconnect();
      sc.sql("DROP DATABASE " + q(db), "postgres");
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("agreement property: " << specs << " specs (" << declarations << " declarations over paths A and B), "
                              << aurora_specs << " of them also on aurora_dsql (paths C and D, strict), in " << seconds
                              << " s");
}
