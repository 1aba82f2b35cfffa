// inspect --format cpp: DSL code for an existing database, so a team adopts the tool
// without rewriting its roles by hand. What the DSL cannot say (a privilege on some
// tables of a schema only, TRUNCATE and the like, memberships, default privileges) is
// listed in comments for review.
#include <dsql/name.hpp>
#include <dsql/role.hpp>

#include <algorithm>
#include <array>
#include <map>
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
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"};

bool cpp_keyword(std::string_view id) { return std::find(cpp_keywords.begin(), cpp_keywords.end(), id) != cpp_keywords.end(); }

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

std::string dsl_privileges(privset p) {
  std::vector<std::string> names;
  if (p & p_usage) names.push_back("dsql::usage");
  if (p & p_create) names.push_back("dsql::create");
  if (p & p_select) names.push_back("dsql::select");
  if (p & p_insert) names.push_back("dsql::insert");
  if (p & p_update) names.push_back("dsql::update");
  if (p & p_delete) names.push_back("dsql::delete_");
  if (names.size() == 1) return names[0];
  std::string s = "dsql::privileges<";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s + ">";
}

bool system_schema(const std::string& n) { return n == "sys" || n.starts_with("pg_") || n == "information_schema"; }

}  // namespace

std::string to_cpp(const state& st, std::string_view ns) {
  namer id;
  std::map<std::string, std::string> role_id, schema_id;
  std::vector<const live_role*> roles;
  for (const auto& r : st.roles)
    if (!r.superuser && !dsql::is_reserved_role_name(r.name) &&  // the DSL refuses those names
        dsql::check_name(r.name) == dsql::name_status::ok) {
      roles.push_back(&r);
      role_id[r.name] = id(r.name, "");
    }
  std::vector<std::string> schemas;
  for (const auto& o : st.objects)
    if (o.kind == object_kind::schema && !system_schema(o.name)) {
      schemas.push_back(o.name);
      schema_id[o.name] = o.name == "public" ? "dsql::public_schema" : id(o.name, "schema_");
    }
  std::sort(schemas.begin(), schemas.end());

  // per (role, schema): schema privileges; table privileges on every table of the schema
  std::map<std::pair<std::string, std::string>, privset> on_schema, on_tables;
  std::map<std::string, int> tables_in;  // schema -> number of tables
  std::map<std::pair<std::string, std::size_t>, privset> per_table;  // (role, object)
  for (std::size_t i = 0; i < st.objects.size(); ++i)
    if (st.objects[i].kind == object_kind::table) ++tables_in[st.objects[i].schema];
  std::vector<std::string> notes;
  for (const auto& a : st.acls) {
    const auto& x = st.objects[a.object];
    if (a.is_public || !role_id.count(a.grantee) || x.owner == a.grantee) continue;
    if (!a.column.empty()) {
      notes.push_back("column privileges " + privilege_list(a.privileges) + " of " + a.grantee + " on " + x.schema + "." +
                      x.name + "." + a.column);
    } else if (x.kind == object_kind::schema && schema_id.count(x.name)) {
      on_schema[{a.grantee, x.name}] |= a.privileges & (p_usage | p_create);
    } else if (x.kind == object_kind::table && schema_id.count(x.schema)) {
      per_table[{a.grantee, a.object}] |= a.privileges;
    } else if (!system_schema(x.schema)) {
      notes.push_back(std::string(to_string(x.kind)) + " privileges " + privilege_list(a.privileges) + " of " + a.grantee +
                      " on " + (x.schema.empty() ? "" : x.schema + ".") + x.name);
    }
  }
  constexpr privset dml = p_select | p_insert | p_update | p_delete;
  for (const auto* r : roles)
    for (const auto& s : schemas) {
      if (!tables_in[s]) continue;
      privset all = dml;
      bool any = false;
      for (std::size_t i = 0; i < st.objects.size(); ++i) {
        const auto& x = st.objects[i];
        if (x.kind != object_kind::table || x.schema != s) continue;
        privset p = 0;
        if (auto it = per_table.find({r->name, i}); it != per_table.end()) p = it->second;
        else if (x.owner == r->name) p = dml;
        any = any || p != 0;
        all &= p;
      }
      if (all) on_tables[{r->name, s}] = all;
      if (any)
        for (std::size_t i = 0; i < st.objects.size(); ++i) {
          const auto& x = st.objects[i];
          auto it = per_table.find({r->name, i});
          if (x.kind == object_kind::table && x.schema == s && it != per_table.end() && (it->second & ~all))
            notes.push_back("privileges " + privilege_list(it->second & ~all) + " of " + r->name + " on table " + s + "." +
                            x.name + " only");
        }
    }
  for (const auto& m : st.memberships)
    if (role_id.count(m.member)) notes.push_back("membership of " + m.member + " in " + m.role);
  for (const auto& d : st.default_acls)
    if (role_id.count(d.grantee) || role_id.count(d.for_role))
      notes.push_back("default privileges for role " + d.for_role + (d.schema.empty() ? "" : " in schema " + d.schema) +
                      ": " + privilege_list(d.privileges) + " to " + (d.is_public ? "PUBLIC" : d.grantee));

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

  std::string o = "// Generated by `dsqlctl inspect --format cpp` from database " + printable(dsql::quote_identifier(st.database)) +
                  " (as " + printable(dsql::quote_identifier(st.current_user)) + ").\n"
                  "// Review it before use: the engine revokes nothing without --prune, and with --prune\n"
                  "// whatever the lines at the end list (not expressible in the DSL) would be revoked.\n"
                  "#include <dsql/roles.hpp>\n\nnamespace " + std::string(ns) + " {\n\n";
  for (const auto* r : roles)
    o += "using " + role_id[r->name] + " = dsql::role<" + literal(r->name) + (r->login ? ", dsql::login" : "") + ">;\n";
  for (const auto& s : schemas)
    if (s != "public") o += "using " + schema_id[s] + " = dsql::schema<" + literal(s) + ">;\n";
  o += "\nusing spec = dsql::cluster<\n    " + literal(ns);
  if (accounts.size() == 1) o += ",\n    dsql::aws_account<" + literal(*accounts.begin()) + ">";
  else if (accounts.size() > 1) notes.push_back("IAM principals of several AWS accounts: bind none, give --account-id");
  o += ",\n    dsql::roles<";
  for (std::size_t i = 0; i < roles.size(); ++i) o += (i ? ", " : "") + role_id[roles[i]->name];
  o += ">,\n    dsql::schemas<";
  for (std::size_t i = 0; i < schemas.size(); ++i) o += (i ? ", " : "") + schema_id[schemas[i]];
  o += ">,\n    dsql::grants<";
  bool first = true;
  for (const auto* r : roles)
    for (const auto& s : schemas) {
      for (auto [map, on] : {std::pair{&on_schema, "dsql::on_schema<"}, std::pair{&on_tables, "dsql::on_all_tables_in<"}}) {
        auto it = map->find({r->name, s});
        if (it == map->end() || !it->second) continue;
        o += std::string(first ? "\n" : ",\n") + "        dsql::grant<" + dsl_privileges(it->second) + ", " + on +
             schema_id[s] + ">, " + role_id[r->name] + ">";
        first = false;
      }
    }
  o += ">,\n    dsql::iam<";
  for (std::size_t i = 0; i < iam.size(); ++i) o += std::string(i ? ",\n" : "\n") + "        " + iam[i];
  o += ">>;\n\n}  // namespace " + std::string(ns) + "\n";
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
