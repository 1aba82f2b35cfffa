// dsql::testing: derive the access matrix of a model against the live catalog, run it
// as each role, report. See dsql/testing.hpp for the rules and the statements.
#include "dsql/testing.hpp"

#include <dsql/allows.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <optional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace dsql::testing {

std::string_view to_string(expect e) noexcept { return e == expect::allowed ? "allowed" : "refused"; }

std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::allowed:
      return "allowed";
    case outcome::refused:
      return "refused";
    case outcome::error:
      return "error";
    case outcome::skipped:
      return "skipped";
  }
  return "error";
}

namespace {

std::string first_line(std::string_view s) { return std::string(s.substr(0, s.find('\n'))); }

// Identifiers from the catalog are always double-quoted (a keyword or an upper-case
// name stays one name), string literals single-quoted.
std::string ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
std::string literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}
std::string qualified(std::string_view schema, std::string_view name) { return ident(schema) + "." + ident(name); }

// Function argument lists as the model writes them ("int, text") and as the catalog
// does ("integer, text"): PostgreSQL's common aliases folded, spaces around commas dropped.
std::string normal_arguments(std::string_view args) {
  static const std::map<std::string, std::string, std::less<>> alias = {
      {"int", "integer"},    {"int4", "integer"},
      {"int8", "bigint"},    {"int2", "smallint"},
      {"bool", "boolean"},   {"float8", "double precision"},
      {"float4", "real"},    {"varchar", "character varying"},
      {"char", "character"}, {"timestamptz", "timestamp with time zone"},
      {"decimal", "numeric"}};
  std::string out;
  std::string cur;
  auto flush = [&] {
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    std::size_t b = cur.find_first_not_of(' ');
    cur = b == std::string::npos ? std::string() : cur.substr(b);
    for (auto& ch : cur) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto it = alias.find(cur); it != alias.end()) cur = it->second;
    if (!out.empty() || !cur.empty()) out += (out.empty() ? "" : ",") + cur;
    cur.clear();
  };
  for (char c : args) {
    if (c == ',')
      flush();
    else
      cur += c;
  }
  flush();
  return out;
}

// What a probe is about.
enum class target_kind { schema, table, column, sequence, function };
struct target {
  target_kind kind = target_kind::schema;
  std::string schema, name, column, arguments, owner;  // arguments: normalised identity
};

std::string normal_arguments_of(std::string_view args) { return normal_arguments(args); }

// The owners the live catalog reports, for the spec's view (schemas, relations, functions).
std::vector<access::model_view::owned> owners_of(const catalog& live) {
  std::vector<access::model_view::owned> out;
  for (const auto& s : live.schemas) out.push_back({object_kind::schema, {}, s.name, {}, s.owner});
  for (const auto& r : live.relations)
    out.push_back({r.kind == 'S' ? object_kind::sequence : object_kind::table, r.schema, r.name, {}, r.owner});
  for (const auto& f : live.functions)
    out.push_back({object_kind::function, f.schema, f.name, normal_arguments(f.signature()), f.owner});
  return out;
}

// The privileges a role should hold on a target, each with its first reason. The decision
// is dsql::access::each_source, the rule dsql::allows answers at compile time (with the
// live catalog's owners); this class only words the reasons.
class privileges_model {
 public:
  privileges_model(const model::cluster& m, const catalog& live) : view_(m, owners_of(live), &normal_arguments_of) {}

  // privilege -> why it is held (absent: not held). Reasons in PostgreSQL's terms, the
  // most direct first: ownership, a grant to the role, to a group it inherits, to PUBLIC.
  std::map<privilege_kind, std::string> held(const std::string& role, const target& t) const {
    const access::context x = access::make_context(view_.view(), role);
    std::vector<std::pair<int, std::pair<privilege_set, std::string>>> found;
    access::each_source(x, to_access(t), [&](privilege_set ps, const access::source& src) {
      found.push_back({rank(role, src), {ps, why(role, src, t)}});
    });
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::map<privilege_kind, std::string> out;
    for (const auto& [r, f] : found)
      for (auto p : canonical_privileges)
        if (f.first.has(p)) out.emplace(p, f.second);
    return out;
  }

 private:
  static access::target to_access(const target& t) {
    switch (t.kind) {
      case target_kind::schema:
        return {object_kind::schema, t.schema};
      case target_kind::table:
        return {object_kind::table, t.schema, t.name};
      case target_kind::column:
        return {object_kind::columns, t.schema, t.name, {}, t.column};
      case target_kind::sequence:
        return {object_kind::sequence, t.schema, t.name};
      case target_kind::function:
        return {object_kind::function, t.schema, t.name, t.arguments};
    }
    return {};
  }
  static int rank(const std::string& role, const access::source& s) {
    using k = access::source::kind;
    if (s.from == k::owner) return 0;
    if (s.from == k::server_default) return 4;
    if (s.grantee == role) return 1;
    return s.grantee.empty() ? 3 : 2;
  }
  static std::string via(const std::string& role, std::string_view grantee) {
    if (grantee == role) return {};
    if (grantee.empty()) return " to PUBLIC";
    return " to " + std::string(grantee) + " (member)";
  }
  static std::string why(const std::string& role, const access::source& s, const target& t) {
    using k = access::source::kind;
    switch (s.from) {
      case k::owner:
        return "owner" + (s.owner == role ? std::string() : " " + std::string(s.owner));
      case k::server_default:
        if (t.kind == target_kind::schema) return "PostgreSQL's default USAGE on schema public to PUBLIC";
        return "PostgreSQL's default EXECUTE on functions to PUBLIC";
      case k::default_privileges:
        return "default privileges for " + std::string(s.declaration->creator) + " in " +
               std::string(s.declaration->schema) + via(role, s.grantee);
      case k::grant:
        return "granted" + via(role, s.grantee) + " on " + describe(*s.declaration);
    }
    return {};
  }
  static std::string describe(const access::grant_desc& g) {
    const std::string schema(g.schema), object(g.object);
    switch (g.on) {
      case object_kind::schema:
        return "schema " + schema;
      case object_kind::all_tables_in_schema:
        return "all tables in " + schema;
      case object_kind::all_sequences_in_schema:
        return "all sequences in " + schema;
      case object_kind::all_functions_in_schema:
        return "all functions in " + schema;
      case object_kind::columns:
        return schema + "." + object + " columns";
      default:
        return schema + "." + object;
    }
  }
  access::model_view view_;
};

std::string keyword(privilege_kind p) { return std::string(sql_keyword(p)); }

// Builds the cells for one role.
class deriver {
 public:
  deriver(const model::cluster& m, const catalog& live, std::vector<probe>& out)
      : m_(m), live_(live), privs_(m, live), out_(out) {}

  void role(const std::string& r, bool admin_operations) {
    for (const auto& s : m_.schemas) schema(r, s);
    if (admin_operations) admin(r);
  }

 private:
  void add(const std::string& role, privilege_kind p, const std::string& object, std::string sql,
           const std::map<privilege_kind, std::string>& held, const std::string& missing_prerequisite = {}) {
    probe c{role, keyword(p), object, std::move(sql), expect::refused, {}, {}};
    auto it = held.find(p);
    if (it == held.end())
      c.why = "not granted";
    else if (!missing_prerequisite.empty())
      c.why = keyword(p) + " " + it->second + ", but " + missing_prerequisite;
    else {
      c.expected = expect::allowed;
      c.why = it->second;
    }
    out_.push_back(std::move(c));
  }
  void skip(const std::string& role, privilege_kind p, const std::string& object, std::string reason,
            const std::map<privilege_kind, std::string>& held) {
    probe c{role, keyword(p), object, {}, held.count(p) ? expect::allowed : expect::refused, {}, std::move(reason)};
    if (auto it = held.find(p); it != held.end())
      c.why = it->second;
    else
      c.why = "not granted";
    out_.push_back(std::move(c));
  }

  void schema(const std::string& role, const model::schema& s) {
    auto live = std::find_if(live_.schemas.begin(), live_.schemas.end(),
                             [&](const catalog::schema& x) { return x.name == s.name; });
    const std::string obj = "schema " + s.name;
    if (live == live_.schemas.end()) {
      out_.push_back({role, "USAGE", obj, {}, expect::refused, "", "the schema does not exist in the catalog"});
      return;
    }
    target t{target_kind::schema, s.name, {}, {}, {}, live->owner};
    const auto held = privs_.held(role, t);
    std::string usage_missing;
    if (!held.count(privilege_kind::usage)) {
      usage_missing = "no USAGE on schema " + s.name;
      if (s.sensitive && std::find(s.readers.begin(), s.readers.end(), role) == s.readers.end())
        usage_missing += " (sensitive: not one of its readers)";
    }
    add(role, privilege_kind::usage, obj,
        "SELECT to_regclass(" + literal(qualified(s.name, "dsql_testing_probe")) + ")", held);
    if (s.sensitive && out_.back().expected == expect::refused)
      out_.back().why += "; sensitive schema, readers: " + join(s.readers);
    add(role, privilege_kind::create, obj, "CREATE TABLE " + qualified(s.name, "dsql_testing_probe") + " (id int)",
        held);
    for (const auto& rel : live_.relations)
      if (rel.schema == s.name) relation(role, rel, usage_missing);
    for (const auto& fn : live_.functions)
      if (fn.schema == s.name) function(role, fn, usage_missing);
    missing_objects(role, s.name);
  }

  // Named objects the spec grants the role that the catalog lacks: skipped, with why.
  void missing_objects(const std::string& role, const std::string& schema) {
    for (const auto& g : m_.grants) {
      if (g.schema != schema || g.to_public || g.grantee != role) continue;
      bool found = false;
      std::string obj = schema + "." + g.object;
      switch (g.on) {
        case object_kind::table:
        case object_kind::columns:
        case object_kind::sequence:
          found = std::any_of(live_.relations.begin(), live_.relations.end(), [&](const catalog::relation& r) {
            return r.schema == schema && r.name == g.object && ((r.kind == 'S') == (g.on == object_kind::sequence));
          });
          break;
        case object_kind::function:
          obj += "(" + g.arguments + ")";
          found = std::any_of(live_.functions.begin(), live_.functions.end(), [&](const catalog::function& f) {
            return f.schema == schema && f.name == g.object &&
                   normal_arguments(f.signature()) == normal_arguments(g.arguments);
          });
          break;
        default:
          found = true;  // schema-wide grants: probed on what exists
      }
      if (found) continue;
      for (auto p : g.privileges)
        out_.push_back({role,
                        keyword(p),
                        obj,
                        {},
                        expect::allowed,
                        "granted on " + obj,
                        "the catalog has no such object (create it before probing)"});
    }
  }

  void relation(const std::string& role, const catalog::relation& rel, const std::string& usage_missing) {
    const std::string obj = rel.schema + "." + rel.name;
    const std::string q = qualified(rel.schema, rel.name);
    if (rel.kind == 'S') {
      target t{target_kind::sequence, rel.schema, rel.name, {}, {}, rel.owner};
      const auto held = privs_.held(role, t);
      add(role, privilege_kind::select, obj, "SELECT last_value FROM " + q, held, usage_missing);
      skip(role, privilege_kind::usage, obj, "nextval() would advance the sequence outside the transaction", held);
      skip(role, privilege_kind::update, obj, "setval() would change the sequence outside the transaction", held);
      return;
    }
    target t{target_kind::table, rel.schema, rel.name, {}, {}, rel.owner};
    const auto held = privs_.held(role, t);
    const bool is_table = rel.kind == 'r' || rel.kind == 'p';
    // SELECT *: every column, which table-level SELECT (or every column's) gives
    auto select_held = held;
    if (!select_held.count(privilege_kind::select) && !rel.columns.empty()) {
      bool all = true;
      for (const auto& c : rel.columns) all = all && column_held(role, rel, c).count(privilege_kind::select);
      if (all) select_held.emplace(privilege_kind::select, "SELECT on every column");
    }
    add(role, privilege_kind::select, obj, "SELECT * FROM " + q + " LIMIT 0", select_held, usage_missing);
    if (!is_table) {
      for (auto p : {privilege_kind::insert, privilege_kind::update, privilege_kind::delete_})
        skip(role, p, obj, "a view or foreign table: writes are probed on tables only", held);
      return;
    }
    // INSERT with no column: PostgreSQL asks for INSERT on the table or on any column
    auto insert_held = held;
    if (!insert_held.count(privilege_kind::insert))
      for (const auto& c : rel.columns)
        if (auto h = column_held(role, rel, c); h.count(privilege_kind::insert)) {
          insert_held.emplace(privilege_kind::insert, "INSERT on column " + c);
          break;
        }
    add(role, privilege_kind::insert, obj, "INSERT INTO " + q + " SELECT WHERE false", insert_held, usage_missing);
    if (rel.columns.empty()) {
      skip(role, privilege_kind::update, obj, "the table has no column to SET", held);
    } else {
      auto update_held = held;
      if (!update_held.count(privilege_kind::update))
        if (auto h = column_held(role, rel, rel.columns.front()); h.count(privilege_kind::update))
          update_held.emplace(privilege_kind::update, h.at(privilege_kind::update));
      add(role, privilege_kind::update, obj,
          "UPDATE " + q + " SET " + ident(rel.columns.front()) + " = DEFAULT WHERE false", update_held, usage_missing);
    }
    add(role, privilege_kind::delete_, obj, "DELETE FROM " + q + " WHERE false", held, usage_missing);
    if (held.count(privilege_kind::truncate))
      skip(role, privilege_kind::truncate, obj, "TRUNCATE would lock and empty the table (and DSQL has none)", held);
    if (held.count(privilege_kind::references))
      skip(role, privilege_kind::references, obj, "REFERENCES needs DDL on another table", held);
    if (held.count(privilege_kind::trigger))
      skip(role, privilege_kind::trigger, obj, "TRIGGER needs DDL (and DSQL has no triggers)", held);
    // columns the spec names in column grants: each column privilege, and its negative
    std::set<std::string> named;
    for (const auto& g : m_.grants)
      if (g.on == object_kind::columns && g.schema == rel.schema && g.object == rel.name)
        named.insert(g.columns.begin(), g.columns.end());
    for (const auto& col : rel.columns) {
      if (!named.count(col)) continue;
      const auto ch = column_held(role, rel, col);
      const std::string cobj = obj + "(" + col + ")";
      add(role, privilege_kind::select, cobj, "SELECT " + ident(col) + " FROM " + q + " LIMIT 0", ch, usage_missing);
      add(role, privilege_kind::insert, cobj, "INSERT INTO " + q + " (" + ident(col) + ") SELECT NULL WHERE false", ch,
          usage_missing);
      add(role, privilege_kind::update, cobj, "UPDATE " + q + " SET " + ident(col) + " = DEFAULT WHERE false", ch,
          usage_missing);
    }
    for (const auto& col : named)
      if (std::find(rel.columns.begin(), rel.columns.end(), col) == rel.columns.end())
        out_.push_back({role,
                        "SELECT",
                        obj + "(" + col + ")",
                        {},
                        expect::refused,
                        "",
                        "the spec names a column the catalog lacks"});
  }

  std::map<privilege_kind, std::string> column_held(const std::string& role, const catalog::relation& rel,
                                                    const std::string& col) const {
    return privs_.held(role, {target_kind::column, rel.schema, rel.name, col, {}, rel.owner});
  }

  void function(const std::string& role, const catalog::function& fn, const std::string& usage_missing) {
    const std::string obj = fn.schema + "." + fn.name + "(" + fn.signature() + ")";
    target t{target_kind::function, fn.schema, fn.name, {}, normal_arguments(fn.signature()), fn.owner};
    const auto held = privs_.held(role, t);
    if (fn.kind != 'f') {
      skip(role, privilege_kind::execute, obj,
           fn.kind == 'p' ? "a procedure: CALL would run it" : "an aggregate or window function", held);
      return;
    }
    if (fn.variadic) {
      skip(role, privilege_kind::execute, obj, "a VARIADIC function: not probed", held);
      return;
    }
    std::string args, cols;
    for (std::size_t i = 0; i < fn.argument_types.size(); ++i) {
      args += (i ? ", a.x" : "a.x") + std::to_string(i);
      cols += (i ? ", NULL::" : "NULL::") + fn.argument_types[i] + " AS x" + std::to_string(i);
    }
    if (cols.empty()) cols = "1 AS x";
    add(role, privilege_kind::execute, obj,
        "SELECT " + qualified(fn.schema, fn.name) + "(" + args + ") FROM (SELECT " + cols + " OFFSET 0) a LIMIT 0",
        held, usage_missing);
  }

  void admin(const std::string& role) {
    out_.push_back({role,
                    "CREATE ROLE",
                    "cluster",
                    "CREATE ROLE dsql_testing_probe",
                    expect::refused,
                    "admin-only: the spec gives no role CREATEROLE",
                    {}});
    probe iam{role,
              "AWS IAM GRANT",
              "sys.aws_iam_grant",
              "CALL sys.aws_iam_grant(" + literal(role) + ", 'arn:aws:iam::123456789012:role/DsqlTestingProbe')",
              expect::refused,
              "admin-only: only admin maps roles to IAM principals",
              {}};
    if (!live_.has_iam_grant) {
      iam.sql.clear();
      iam.skip = "the dsql_iam extension is not installed here";
    }
    out_.push_back(std::move(iam));
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  const model::cluster& m_;
  const catalog& live_;
  privileges_model privs_;
  std::vector<probe>& out_;
};

std::vector<std::string> roles_to_probe(const model::cluster& spec, const options& o) {
  if (!o.roles.empty()) return o.roles;
  std::vector<std::string> out;
  for (const auto& r : spec.roles) {
    if (!r.login) continue;
    const bool mapped = std::any_of(spec.mappings.begin(), spec.mappings.end(),
                                    [&](const model::mapping& m) { return m.role == r.name; });
    if (mapped) out.push_back(r.name);
  }
  return out;
}

}  // namespace

std::string catalog::function::signature() const {
  std::string out;
  for (const auto& t : argument_types) out += (out.empty() ? "" : ", ") + t;
  return out;
}

catalog catalog::read(pqxx::connection& c) {
  catalog out;
  pqxx::nontransaction tx(c);  // DSQL refuses SET TRANSACTION READ ONLY (read_transaction)
  out.database = tx.exec("SELECT current_database()")[0][0].c_str();
  for (const auto& row : tx.exec("SELECT nspname, pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace "
                                 "WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY nspname"))
    out.schemas.push_back({row[0].c_str(), row[1].c_str()});
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> columns;
  for (const auto& row : tx.exec("SELECT n.nspname, c.relname, a.attname FROM pg_catalog.pg_attribute a "
                                 "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f') "
                                 "AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
                                 "ORDER BY n.nspname, c.relname, a.attnum"))
    columns[{row[0].c_str(), row[1].c_str()}].push_back(row[2].c_str());
  for (const auto& row : tx.exec("SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner) "
                                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE c.relkind IN ('r','p','v','m','f','S') "
                                 "AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
                                 "ORDER BY n.nspname, c.relname")) {
    relation r{row[0].c_str(), row[1].c_str(), row[3].c_str(), row[2].c_str()[0], {}};
    r.columns = columns[{r.schema, r.name}];
    out.relations.push_back(std::move(r));
  }
  for (const auto& row :
       tx.exec("SELECT n.nspname, p.proname, p.prokind, pg_get_userbyid(p.proowner), "
               "p.provariadic <> 0, "
               "(SELECT string_agg(format_type(t, NULL), E'\\x1f' ORDER BY o) "
               "   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, o)) "
               "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
               "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid "
               "  AND d.deptype = 'e' "
               "WHERE d.objid IS NULL AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
               "ORDER BY n.nspname, p.proname, 5")) {
    function f{
        row[0].c_str(), row[1].c_str(), row[3].c_str(), row[2].c_str()[0], {}, std::string_view(row[4].c_str()) == "t"};
    if (!row[5].is_null()) {
      std::string types = row[5].c_str();
      std::size_t start = 0;
      for (;;) {
        auto sep = types.find('\x1f', start);
        f.argument_types.push_back(types.substr(start, sep - start));
        if (sep == std::string::npos) break;
        start = sep + 1;
      }
    }
    out.functions.push_back(std::move(f));
  }
  out.has_iam_grant =
      !tx.exec("SELECT to_regprocedure('sys.aws_iam_grant(pg_catalog.text, pg_catalog.text)')")[0][0].is_null();
  return out;
}

std::vector<probe> derive(const model::cluster& spec, const catalog& live, const options& o) {
  std::vector<probe> out;
  deriver d(spec, live, out);
  for (const auto& r : roles_to_probe(spec, o)) {
    d.role(r, o.admin_operations);
    for (const auto& x : o.extra)
      if (x.role == r) out.push_back(x);
  }
  return out;
}

report probe_matrix(const model::cluster& spec, const connection_factory& connect, const options& o) {
  const auto roles = roles_to_probe(spec, o);
  if (roles.empty())
    throw std::invalid_argument("dsql::testing: the spec " + spec.name +
                                " has no LOGIN role mapped to an IAM principal to probe");
  for (const auto& x : o.extra)
    if (std::find(roles.begin(), roles.end(), x.role) == roles.end())
      throw std::invalid_argument("dsql::testing: an extra cell runs as " + x.role + ", which is not probed");
  report rep;
  // the catalog, read on the first role's connection that opens
  std::map<std::string, std::unique_ptr<pqxx::connection>> conns;
  std::map<std::string, std::string> connect_errors;
  auto conn_of = [&](const std::string& role) -> pqxx::connection* {
    if (auto it = conns.find(role); it != conns.end()) return it->second.get();
    if (connect_errors.count(role)) return nullptr;
    try {
      auto c = connect(role);
      if (!c) throw std::runtime_error("the connection factory returned none");
      return (conns[role] = std::move(c)).get();
    } catch (const std::exception& e) {
      connect_errors[role] = "connection failed: " + first_line(e.what());
      return nullptr;
    }
  };
  std::optional<catalog> live;
  for (const auto& r : roles) {
    if (auto* c = conn_of(r)) {
      live = catalog::read(*c);
      break;
    }
  }
  // the login itself is each role's first cell: the spec maps it, so it must connect
  auto login_cell = [&](const std::string& role) {
    result r{{role, "CONNECT", "database", {}, expect::allowed, "LOGIN and mapped to an IAM principal", {}},
             outcome::allowed,
             {}};
    if (auto it = connect_errors.find(role); it != connect_errors.end()) {
      r.got = outcome::error;
      r.detail = it->second;
    }
    rep.results.push_back(std::move(r));
  };
  if (!live) {
    // no role could connect: nothing to read the catalog with, nothing derived
    for (const auto& r : roles) login_cell(r);
    return rep;
  }
  const auto probes = derive(spec, *live, o);
  rep.results.reserve(probes.size() + roles.size());
  std::string current;
  for (const auto& p : probes) {
    if (p.role != current) {
      current = p.role;
      (void)conn_of(p.role);
      login_cell(p.role);
    }
    result r{p, outcome::error, {}};
    if (!p.skip.empty()) {
      r.got = outcome::skipped;
      r.detail = p.skip;
      rep.results.push_back(std::move(r));
      continue;
    }
    pqxx::connection* c = conn_of(p.role);
    if (!c) {
      r.detail = connect_errors[p.role];
      rep.results.push_back(std::move(r));
      continue;
    }
    try {
      pqxx::work tx(*c);
      tx.exec(p.sql);
      tx.abort();
      r.got = outcome::allowed;
    } catch (const pqxx::broken_connection& e) {
      r.detail = "connection lost: " + first_line(e.what());
      conns.erase(p.role);  // the next cell reconnects
    } catch (const pqxx::sql_error& e) {
      const std::string code = sqlstate_of(e);
      r.got = code == "42501" ? outcome::refused : outcome::error;
      r.detail = code + " " + first_line(e.what());
    } catch (const std::exception& e) {
      r.detail = first_line(e.what());
    }
    rep.results.push_back(std::move(r));
  }
  {
    for (const auto& q : o.required) {
      auto it = std::find_if(rep.results.begin(), rep.results.end(), [&](const result& r) {
        return r.cell.role == q.role && r.cell.privilege == q.privilege && r.cell.object == q.object;
      });
      if (it == rep.results.end())
        rep.mismatches.push_back(q.role + " " + q.privilege + " " + q.object + ": required " +
                                 std::string(to_string(q.expected)) + ", but no cell of the spec probes it");
      else if (it->cell.expected != q.expected)
        rep.mismatches.push_back(q.role + " " + q.privilege + " " + q.object + ": required " +
                                 std::string(to_string(q.expected)) + ", but the spec says " +
                                 std::string(to_string(it->cell.expected)) + " (" + it->cell.why + ")");
    }
  }
  return rep;
}

bool report::ok() const noexcept {
  if (!mismatches.empty() || results.empty()) return false;
  return std::all_of(results.begin(), results.end(), [](const result& r) { return r.skipped() || r.as_expected(); });
}

std::vector<const result*> report::failures() const {
  std::vector<const result*> out;
  for (const auto& r : results)
    if (!r.skipped() && !r.as_expected()) out.push_back(&r);
  return out;
}

std::vector<const result*> report::skipped() const {
  std::vector<const result*> out;
  for (const auto& r : results)
    if (r.skipped()) out.push_back(&r);
  return out;
}

std::size_t report::ran() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const result& r) { return !r.skipped(); }));
}

std::string report::format() const {
  std::size_t wr = 4, wp = 9, wo = 6;
  for (const auto& r : results) {
    wr = std::max(wr, r.cell.role.size());
    wp = std::max(wp, r.cell.privilege.size());
    wo = std::max(wo, r.cell.object.size());
  }
  auto pad = [](std::string_view s, std::size_t w) {
    std::string out(s);
    out.resize(std::max(w, s.size()), ' ');
    return out;
  };
  std::ostringstream s;
  s << pad("role", wr) << "  " << pad("privilege", wp) << "  " << pad("object", wo) << "  expected  got      verdict\n";
  s << std::string(wr, '-') << "  " << std::string(wp, '-') << "  " << std::string(wo, '-')
    << "  --------  -------  ----------\n";
  std::string last_role;
  for (const auto& r : results) {
    if (!last_role.empty() && last_role != r.cell.role) s << '\n';
    last_role = r.cell.role;
    s << pad(r.cell.role, wr) << "  " << pad(r.cell.privilege, wp) << "  " << pad(r.cell.object, wo) << "  "
      << pad(to_string(r.cell.expected), 8) << "  " << pad(to_string(r.got), 7) << "  ";
    if (r.skipped())
      s << "skipped (" << r.detail << ")";
    else if (r.as_expected())
      s << "ok";
    else {
      s << "UNEXPECTED (" << r.cell.why;
      if (!r.detail.empty()) s << "; server: " << r.detail;
      s << ")";
    }
    s << '\n';
  }
  for (const auto& m : mismatches) s << "\nMISMATCH " << m;
  if (!mismatches.empty()) s << '\n';
  const std::size_t bad = failures().size(), skip = skipped().size();
  s << "\naccess matrix: " << (results.size() - bad - skip) << " passed, " << bad << " failed, " << skip << " skipped";
  if (!mismatches.empty()) s << ", " << mismatches.size() << " requirement(s) not met by the spec";
  s << '\n';
  return s.str();
}

}  // namespace dsql::testing
