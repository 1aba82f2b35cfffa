// inspect --format cpp: DSL code for an existing database, so a team adopts the tool
// without rewriting its roles by hand: roles with their attributes, schemas (owner),
// grants on the database, schemas, all tables / sequences of a schema (when uniform) or
// each table, sequence, function and column, grant options, memberships, default
// privileges, IAM mappings. What the DSL cannot say (procedures, global default
// privileges, memberships in roles not adopted, ...) is listed in comments for review.
#include <dsql/name.hpp>
#include <dsql/grant.hpp>
#include <dsql/role.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>
#include <set>

#include "engine/engine.hpp"

namespace dsql::engine {

namespace {

// A C++ string literal for a fixed_string: every byte outside printable ASCII, and
// " and \, as a three-digit octal escape.
std::string literal(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20U || u >= 0x7FU || ch == '"' || ch == '\\') {
      const char oct[] = {'\\', static_cast<char>('0' + ((u >> 6U) & 7U)), static_cast<char>('0' + ((u >> 3U) & 7U)),
                          static_cast<char>('0' + (u & 7U)), 0};
      out += oct;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// C++20 keywords and alternative tokens: not usable as identifiers.
constexpr std::array<std::string_view, 92> cpp_keywords{
    "alignas",     "alignof",   "and",        "and_eq",    "asm",      "auto",         "bitand",
    "bitor",       "bool",      "break",      "case",      "catch",    "char",         "char8_t",
    "char16_t",    "char32_t",  "class",      "compl",     "concept",  "const",        "consteval",
    "constexpr",   "constinit", "const_cast", "continue",  "co_await", "co_return",    "co_yield",
    "decltype",    "default",   "delete",     "do",        "double",   "dynamic_cast", "else",
    "enum",        "explicit",  "export",     "extern",    "false",    "float",        "for",
    "friend",      "goto",      "if",         "inline",    "int",      "long",         "mutable",
    "namespace",   "new",       "noexcept",   "not",       "not_eq",   "nullptr",      "operator",
    "or",          "or_eq",     "private",    "protected", "public",   "register",     "reinterpret_cast",
    "requires",    "return",    "short",      "signed",    "sizeof",   "static",       "static_assert",
    "static_cast", "struct",    "switch",     "template",  "this",     "thread_local", "throw",
    "true",        "try",       "typedef",    "typeid",    "typename", "union",        "unsigned",
    "using",       "virtual",   "void",       "volatile",  "wchar_t",  "while",        "xor",
    "xor_eq"};

bool cpp_keyword(std::string_view id) {
  return std::find(cpp_keywords.begin(), cpp_keywords.end(), id) != cpp_keywords.end();
}

// A C++ identifier from a name: lower-case letters, digits, _; not a keyword (class ->
// class_), not starting with a digit (1st -> _1st); unique (and never `spec` or `dsql`,
// which the generated code uses).
struct namer {
  std::set<std::string> used{"spec", "dsql"};
  std::string operator()(std::string_view name, std::string_view prefix) {
    std::string id(prefix);
    for (char ch : name) {
      const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
      id += ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    if (id.empty() || (id[0] >= '0' && id[0] <= '9')) id.insert(0, "_");
    if (cpp_keyword(id)) id += '_';
    // class_ taken: class_2, never class__2 (a double underscore is reserved)
    const std::string stem = id.ends_with('_') ? id : id + "_";
    std::string unique = id;
    for (int n = 2; !used.insert(unique).second; ++n) unique = stem + std::to_string(n);
    return unique;
  }
};

// dsql::select, or dsql::privileges<dsql::select, dsql::insert>
std::string dsl_privileges(privilege_set p) {
  std::vector<std::string> names;
  for (auto k : p.list()) {
    switch (k) {
      case privilege_kind::usage:
        names.push_back("dsql::usage");
        break;
      case privilege_kind::create:
        names.push_back("dsql::create");
        break;
      case privilege_kind::select:
        names.push_back("dsql::select");
        break;
      case privilege_kind::insert:
        names.push_back("dsql::insert");
        break;
      case privilege_kind::update:
        names.push_back("dsql::update");
        break;
      case privilege_kind::delete_:
        names.push_back("dsql::delete_");
        break;
      case privilege_kind::truncate:
        names.push_back("dsql::truncate");
        break;
      case privilege_kind::references:
        names.push_back("dsql::references");
        break;
      case privilege_kind::trigger:
        names.push_back("dsql::trigger");
        break;
      case privilege_kind::execute:
        names.push_back("dsql::execute");
        break;
      case privilege_kind::connect:
        names.push_back("dsql::connect_");
        break;
      case privilege_kind::temporary:
        names.push_back("dsql::temporary");
        break;
    }
  }
  if (names.size() == 1) return names[0];
  std::string s = "dsql::privileges<";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s + ">";
}

bool system_schema(const std::string& n) { return n == "sys" || n.starts_with("pg_") || n == "information_schema"; }

bool kept(const std::vector<std::string>& filter, const std::string& name) {
  return filter.empty() || std::find(filter.begin(), filter.end(), name) != filter.end();
}

}  // namespace

std::string to_cpp(const state& st, std::string_view ns, const cpp_filter& f, const table_columns* columns) {
  namer id;
  std::map<std::string, std::string> role_id, schema_id;
  std::vector<const live_role*> roles;
  for (const auto& r : st.roles)
    if (!r.superuser && !dsql::is_reserved_role_name(r.name) &&  // the DSL refuses those names
        dsql::check_name(r.name) == dsql::name_status::ok && kept(f.roles, r.name)) {
      roles.push_back(&r);
      role_id[r.name] = id(r.name, "");
    }
  std::vector<std::string> schemas;
  std::map<std::string, std::string> schema_owner;
  for (const auto& o : st.objects)
    if (o.kind == object_kind::schema && !system_schema(o.name) && kept(f.schemas, o.name)) {
      schemas.push_back(o.name);
      schema_owner[o.name] = o.owner;
      schema_id[o.name] = o.name == "public" ? "dsql::public_schema" : id(o.name, "schema_");
    }
  std::sort(schemas.begin(), schemas.end());
  std::vector<std::string> notes, grants;
  auto with_option = [](bool g) { return g ? std::string(", dsql::with_grant_option") : std::string(); };
  auto grant = [&](privilege_set p, const std::string& on, const std::string& role, bool option) {
    if (p.empty()) return;
    grants.push_back("dsql::grant<" + dsl_privileges(p) + ", " + on + ", " + role_id[role] + with_option(option) + ">");
  };
  // A grant for every privilege set, split by grant option.
  auto grant_split = [&](privilege_set p, privilege_set g, const std::string& on, const std::string& role) {
    grant(p.minus(g), on, role, false);
    grant(p & g, on, role, true);
  };

  // per (role, object): privileges and grant options (any grantor); columns apart
  using holding = std::pair<privilege_set, privilege_set>;
  std::map<std::pair<std::string, std::size_t>, holding> held;
  std::map<std::tuple<std::string, std::size_t, std::string>, holding> held_column;
  for (const auto& a : st.acls) {
    const auto& x = st.objects[a.object];
    if (a.is_public || !role_id.count(a.grantee) || x.owner == a.grantee) continue;
    const std::string& sc = x.kind == object_kind::schema ? x.name : x.schema;
    if (x.kind != object_kind::database && !schema_id.count(sc)) continue;
    auto& h = a.column.empty() ? held[{a.grantee, a.object}] : held_column[{a.grantee, a.object, a.column}];
    h.first |= a.privileges;
    h.second |= a.grantable;
  }
  for (const auto* r : roles) {
    const std::string& rn = r->name;
    for (std::size_t i = 0; i < st.objects.size(); ++i)
      if (st.objects[i].kind == object_kind::database)
        if (auto it = held.find({rn, i}); it != held.end())
          grant_split(it->second.first, it->second.second, "dsql::on_database", rn);
    for (const auto& s : schemas) {
      const std::string sid = schema_id[s];
      for (std::size_t i = 0; i < st.objects.size(); ++i)
        if (st.objects[i].kind == object_kind::schema && st.objects[i].name == s)
          if (auto it = held.find({rn, i}); it != held.end())
            grant_split(it->second.first, it->second.second, "dsql::on_schema<" + sid + ">", rn);
      // tables and sequences: ON ALL ... IN SCHEMA when the role holds the same on every
      // one (owned ones count as holding everything), else one grant per object
      for (object_kind kind : {object_kind::table, object_kind::sequence}) {
        std::vector<std::size_t> objs;
        for (std::size_t i = 0; i < st.objects.size(); ++i)
          if (st.objects[i].kind == kind && st.objects[i].schema == s) objs.push_back(i);
        if (objs.empty()) continue;
        std::optional<holding> same;
        bool uniform = true, any = false;
        for (std::size_t i : objs) {
          holding h{};
          if (auto it = held.find({rn, i}); it != held.end())
            h = it->second, any = true;
          else if (st.objects[i].owner == rn)
            continue;
          if (!same)
            same = h;
          else if (*same != h)
            uniform = false;
        }
        if (!any) continue;
        const std::string all_on =
            kind == object_kind::table ? "dsql::on_all_tables_in<" : "dsql::on_all_sequences_in<";
        if (uniform && same && !same->first.empty()) {
          grant_split(same->first, same->second, all_on + sid + ">", rn);
          continue;
        }
        for (std::size_t i : objs)
          if (auto it = held.find({rn, i}); it != held.end())
            grant_split(it->second.first, it->second.second,
                        std::string(kind == object_kind::table ? "dsql::on_table<" : "dsql::on_sequence<") + sid +
                            ", " + literal(st.objects[i].name) + ">",
                        rn);
      }
      for (std::size_t i = 0; i < st.objects.size(); ++i) {
        const auto& x = st.objects[i];
        if (x.kind != object_kind::function || x.schema != s) continue;
        auto it = held.find({rn, i});
        if (it == held.end()) continue;
        if (!dsql::is_valid_function_arguments(x.args) || x.prokind == 'p') {
          notes.push_back("EXECUTE of " + rn + " on " + s + "." + x.name + "(" + x.args + ")");
          continue;
        }
        grant_split(it->second.first, it->second.second,
                    "dsql::on_function<" + sid + ", " + literal(x.name) + ", " + literal(x.args) + ">", rn);
      }
    }
    // columns: one grant per (table, privileges, grant option)
    std::map<std::tuple<std::size_t, std::uint32_t, std::uint32_t>, std::vector<std::string>> cols;
    for (const auto& [k, h] : held_column)
      if (std::get<0>(k) == rn) cols[{std::get<1>(k), h.first.bits, h.second.bits}].push_back(std::get<2>(k));
    for (const auto& [k, names] : cols) {
      const auto& x = st.objects[std::get<0>(k)];
      std::string on = "dsql::on_columns<" + schema_id[x.schema] + ", " + literal(x.name);
      for (const auto& c : names) on += ", " + literal(c);
      on += ">";
      grant_split(privilege_set::from_bits(std::get<1>(k)), privilege_set::from_bits(std::get<2>(k)), on, rn);
    }
  }
  for (const auto& m : st.memberships) {
    if (!role_id.count(m.member)) continue;
    if (!role_id.count(m.role)) {
      notes.push_back("membership of " + m.member + " in " + m.role);
      continue;
    }
    grants.push_back("dsql::membership<" + role_id[m.role] + ", " + role_id[m.member] +
                     (m.admin_option ? ", dsql::with_admin_option>" : ">"));
  }
  for (const auto& d : st.default_acls) {
    const bool grantee_in = d.is_public || role_id.count(d.grantee);
    if (!grantee_in && !role_id.count(d.for_role)) continue;
    const char* on = d.objtype == 'r'   ? "dsql::on_all_tables_in<"
                     : d.objtype == 'S' ? "dsql::on_all_sequences_in<"
                     : d.objtype == 'f' ? "dsql::on_all_functions_in<"
                                        : nullptr;
    if (!on || d.schema.empty() || !schema_id.count(d.schema) || !role_id.count(d.for_role) || !grantee_in) {
      notes.push_back("default privileges for role " + d.for_role + (d.schema.empty() ? "" : " in schema " + d.schema) +
                      ": " + privilege_list(d.privileges) + " to " + (d.is_public ? "PUBLIC" : d.grantee));
      continue;
    }
    const std::string who = d.is_public ? "dsql::public_" : role_id[d.grantee];
    for (int pass = 0; pass < 2; ++pass) {
      const privilege_set p = pass == 0 ? d.privileges.minus(d.grantable) : d.grantable;
      if (p.empty()) continue;
      grants.push_back("dsql::default_privileges<dsql::for_role<" + role_id[d.for_role] + ">, " + dsl_privileges(p) +
                       ", " + on + schema_id[d.schema] + ">, " + who + with_option(pass == 1) + ">");
    }
  }

  // IAM mappings: arn:aws:iam::<account>:role/<name> or :user/<name>
  std::set<std::string> accounts;
  std::vector<std::string> iam;
  for (const auto& m : st.mappings) {
    if (!role_id.count(m.role)) continue;
    const std::string prefix = "arn:aws:iam::";
    const auto colon = m.arn.find(':', prefix.size());
    if (m.arn.rfind(prefix, 0) != 0 || colon == std::string::npos) {
      notes.push_back("IAM mapping of " + m.role + " to " + m.arn + " (not an IAM role or user ARN)");
      continue;
    }
    accounts.insert(m.arn.substr(prefix.size(), colon - prefix.size()));
    const std::string rest = m.arn.substr(colon + 1);
    const bool user = rest.rfind("user/", 0) == 0;
    if (!user && rest.rfind("role/", 0) != 0) {
      notes.push_back("IAM mapping of " + m.role + " to " + m.arn);
      continue;
    }
    iam.push_back("dsql::iam_grant<" + role_id[m.role] + ", dsql::" + (user ? "iam_user<" : "iam_role<") +
                  literal(rest.substr(5)) + ">>");
  }

  std::string o = "// Generated by `dsqlctl inspect --format cpp` from database " +
                  printable(dsql::quote_identifier(st.database)) + " (as " +
                  printable(dsql::quote_identifier(st.current_user)) +
                  ").\n"
                  "// Review it before use: the engine revokes nothing without --prune, and with --prune\n"
                  "// whatever the lines at the end list (not expressible in the DSL) would be revoked.\n"
                  "#include <dsql/roles.hpp>\n#include <dsql/catalog.hpp>\n\nnamespace " +
                  std::string(ns) + " {\n\n";
  for (const auto* r : roles)
    o += "using " + role_id[r->name] + " = dsql::role<" + literal(r->name) + (r->login ? ", dsql::login" : "") +
         (r->inherit ? "" : ", dsql::noinherit") +
         (r->connection_limit >= 0 ? ", dsql::connection_limit<" + std::to_string(r->connection_limit) + ">" : "") +
         ">;\n";
  for (const auto& s : schemas)
    if (s != "public") {
      const std::string& owner = schema_owner[s];
      o += "using " + schema_id[s] + " = dsql::schema<" + literal(s) +
           (role_id.count(owner) ? ", dsql::owned_by<" + role_id[owner] + ">" : "") + ">;\n";
    }
  o += "\nusing spec = dsql::cluster<\n    " + literal(ns);
  if (accounts.size() == 1)
    o += ",\n    dsql::aws_account<" + literal(*accounts.begin()) + ">";
  else if (accounts.size() > 1)
    notes.push_back("IAM principals of several AWS accounts: bind none, give --account-id");
  o += ",\n    dsql::roles<";
  for (std::size_t i = 0; i < roles.size(); ++i) o += (i ? ", " : "") + role_id[roles[i]->name];
  o += ">,\n    dsql::schemas<";
  for (std::size_t i = 0; i < schemas.size(); ++i) o += (i ? ", " : "") + schema_id[schemas[i]];
  o += ">,\n    dsql::grants<";
  for (std::size_t i = 0; i < grants.size(); ++i) o += std::string(i ? ",\n" : "\n") + "        " + grants[i];
  o += ">,\n    dsql::iam<";
  for (std::size_t i = 0; i < iam.size(); ++i) o += std::string(i ? ",\n" : "\n") + "        " + iam[i];
  o += ">>;\n";
  // the tables of the adopted schemas, for dsql::statement (catalog.hpp): their columns
  // in order, and their owner when the owner is one of the roles above
  if (columns) {
    std::vector<std::string> tables;
    for (const auto& s : schemas)
      for (const auto& x : st.objects) {
        if (x.kind != object_kind::table || x.schema != s) continue;
        auto it = columns->find({x.schema, x.name});
        bool names_ok = dsql::check_name(x.name) == dsql::name_status::ok && it != columns->end();
        if (names_ok)
          for (const auto& col : it->second) names_ok = names_ok && dsql::check_name(col) == dsql::name_status::ok;
        if (!names_ok) {
          notes.push_back("table " + s + "." + x.name + " (a name the DSL cannot declare)");
          continue;
        }
        std::string cols;
        for (const auto& col : it->second) cols += (cols.empty() ? "" : ", ") + literal(col);
        const std::string tid = id(x.name, "table_");
        o += (tables.empty() ? "\n" : "") + std::string("using ") + tid + " = dsql::table<" + schema_id[s] + ", " +
             literal(x.name) + (cols.empty() ? "" : ", dsql::columns<" + cols + ">") +
             (role_id.count(x.owner) ? ", dsql::owned_by<" + role_id[x.owner] + ">" : "") + ">;\n";
        tables.push_back(tid);
      }
    if (!tables.empty()) {
      o += "\n// What an application's dsql::statement<adopted::catalog, Role, \"SQL\"> is checked against.\n"
           "using catalog = dsql::catalog<spec, dsql::tables<";
      for (std::size_t i = 0; i < tables.size(); ++i) o += (i ? ", " : "") + tables[i];
      o += ">>;\n";
    }
  }
  o += "\n}  // namespace " + std::string(ns) + "\n";
  if (!notes.empty()) {
    std::sort(notes.begin(), notes.end());
    notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
    o += "\n// Not expressible in the DSL (kept as they are unless --prune):\n";
    for (const auto& n : notes) {
      std::string line;
      dsql::append_comment_text(line, n);
      o += "//   " + line + "\n";
    }
  }
  return o;
}

}  // namespace dsql::engine
