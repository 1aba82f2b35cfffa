// dsql/statement.hpp - SQL statements checked against a role's privileges at compile time.
//
//   using app = dsql::catalog<seed::spec, dsql::tables<...>>;        // or seed::spec itself
//   using list_products = dsql::statement<app, seed::app_readonly,
//       "SELECT id, name FROM products WHERE price < $1 ORDER BY name">;
//   using add_product = dsql::statement<app, seed::app_readonly, "INSERT INTO products (name) VALUES ($1)">;
//   add_product{};  // error: ... dsql::refused<"app_readonly may not INSERT into public.products:
//                   //        the spec grants it SELECT"> ... static assertion failed: dsql::statement ...
//   using maint = dsql::unchecked<"VACUUM products">;                  // explicit, greppable
//
// A statement is checked when its type is instantiated (an object, ::sql, dsql::exec):
// the SQL is parsed at compile time (detail/sql_parse.hpp: the subset and what is
// refused) and every table and column it touches is checked with PostgreSQL's rules,
// against the privileges dsql::allows computes from the one model (allows.hpp):
//   SELECT   SELECT on every column read (select list, WHERE, JOIN ... ON/USING, GROUP BY,
//            HAVING, ORDER BY, subqueries); `*` needs SELECT on every column (a table-level
//            SELECT, or column grants on every declared column); a table read without any
//            column (count(*), SELECT 1 FROM t) needs SELECT on the table or some column.
//   INSERT   INSERT on the listed columns (no list: on the table, or on every declared
//            column); ON CONFLICT (cols): SELECT on them; DO UPDATE SET: UPDATE on the set
//            columns and SELECT on what its expressions read.
//   UPDATE   UPDATE on the SET columns; SELECT on every column read in SET expressions,
//            WHERE, FROM and RETURNING.
//   DELETE   DELETE on the table; SELECT on the columns read in WHERE, USING, RETURNING.
//   RETURNING SELECT on the returned columns. Every table also needs USAGE on its schema,
//            and a table in a dsql::sensitive schema is refused to unlisted roles.
// Names: schema.table as written; an unqualified table resolves along the catalog's
// dsql::search_path (default: PostgreSQL's "$user", public) to the first schema that
// declares it (dsql::tables) or, for a schema without declared tables, names it in a grant;
// failing both, to the first such schema (PostgreSQL would look there too). A table name
// a schema's declared tables do not include is refused. An unqualified column in a query
// with several tables goes to the table that declares it; when tables there do not
// declare their columns, the check is conservative: the privilege is required on every
// table of that query level that could hold the column (say t.c to be exact), and the
// search goes on outward (PostgreSQL binds to the innermost level that has the column).
// A name that is no column but a table or alias in scope is a whole-row reference: SELECT
// on every column. EXCLUDED.c reads the INSERT target's column c (SELECT on it).
// Names are PostgreSQL's: unquoted ones fold to lower case, quoted ones are exact ("" is
// one "), longer than 63 bytes is refused (PostgreSQL would truncate it), an unqualified
// pg_* table is refused (pg_catalog is searched before the search_path), `--` comments end
// at \r or \n. Functions: only PostgreSQL built-ins that read no table and have no effect
// (count, lower, coalesce, now, ..., detail::sql::is_checked_function); any other call, a
// schema-qualified function, type or collation is outside the subset (dsql::unchecked).
//
// The refusal is one sentence naming the role, the privilege, the object and what the
// spec grants instead. gcc 12 accepts only string literals as static_assert messages, so
// the sentence is the template argument of dsql::refused<...>, whose instantiation fires
// the one static_assert: gcc's first error line reads
//   file.cpp: In instantiation of 'struct dsql::refused<dsql::fixed_string<77>{"app_readonly
//   may not INSERT into public.products: the spec grants it SELECT"}>':
// (clang 14 cannot evaluate libstdc++ 12's std::string in constant expressions, so it does
// not compile dsql::statement at all; gcc >= 12 does. See include/dsql/README.md.)
// Tests ask without compiling a failure: dsql::refusal<Spec, Role>("SQL").view() is the
// sentence, empty when the statement passes.
#ifndef DSQL_STATEMENT_HPP
#define DSQL_STATEMENT_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "allows.hpp"
#include "catalog.hpp"
#include "cluster.hpp"
#include "detail/sql_parse.hpp"
#include "fixed_string.hpp"
#include "model.hpp"

namespace dsql {

// The refusal of a statement: Why is the sentence. Instantiating it is the compile error.
template <fixed_string Why>
struct refused {
  static_assert(detail::dependent_false<refused>,
                "dsql::statement is refused: the reason is the sentence in dsql::refused<...> on the first line of "
                "this error.");
  static constexpr bool ok = true;  // one static_assert per refusal: the caller's does not fire
};

// The outcome of a check: ok, or the sentence (at most 1,023 bytes; longer ones end in "...").
struct verdict {
  bool ok = true;
  std::size_t size = 0;
  char text[1024]{};
  constexpr std::string_view view() const { return {text, size}; }
};

namespace detail::stmt {

namespace sp = sqlp;
using sp::ident;

template <class Range>
constexpr std::string list_of(const Range& v) {
  std::string s;
  bool first = true;
  for (const auto& x : v) {
    if (!first) s += ", ";
    first = false;
    s += std::string(x);
  }
  return s;
}

constexpr std::string decimal(std::size_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + n % 10));
    n /= 10;
  } while (n > 0);
  return s;
}

constexpr std::string qualified(std::string_view s, std::string_view t) {
  return std::string(s) + "." + std::string(t);
}

struct need {
  privilege_kind privilege = privilege_kind::select;
  int level = 0, entry = 0;
  std::string_view column{};  // the spec's spelling (or the statement's, when the spec has none)
  enum { column_, star, whole, any } kind = column_;
};

struct checker {
  const access::context& x;
  const access::spec_view& v;
  sp::parsed& p;
  std::string error{};
  std::vector<need> needs{};

  constexpr bool ok() const { return error.empty(); }
  constexpr void fail(const std::string& s) {
    if (ok()) error = s;
  }
  constexpr sp::entry& entry_at(int lv, int e) {
    return p.levels[static_cast<std::size_t>(lv)].entries[static_cast<std::size_t>(e)];
  }

  // The spec's spelling of a name the statement wrote (no copy): the statement's own bytes
  // when they already are the name's value, else the equal name the spec declares (a
  // schema, table, column or granted object), else the bytes as written.
  constexpr std::string_view canon(const ident& id) const {
    bool plain = true;
    for (char c : id.raw)
      plain = plain && !(id.how == ident::mode::folded && c >= 'A' && c <= 'Z') &&
              !(id.how == ident::mode::quoted && c == '"');
    if (plain) return id.raw;
    for (const auto& s : v.schemas)
      if (id == s.name) return s.name;
    for (const auto& t : v.tables) {
      if (id == t.name) return t.name;
      for (auto c : t.columns)
        if (id == c) return c;
    }
    for (const auto& g : v.grants) {
      if (id == g.object) return g.object;
      for (auto c : g.columns)
        if (id == c) return c;
    }
    // Not a name of the spec: its value (folded, "" unescaped) differs from the bytes, so
    // the bytes must not be used (unquoted Orders is orders, not the spec's "Orders");
    // a marker no declaration can equal (declared names are checked identifiers).
    return undeclared_name;
  }
  static constexpr std::string_view undeclared_name = "\x01(a name the spec does not declare)";

  constexpr bool grant_names_table(std::string_view s, std::string_view t) const {
    for (const auto& g : v.grants)
      if (g.schema == s && g.object == t && (g.on == object_kind::table || g.on == object_kind::columns)) return true;
    return false;
  }
  constexpr std::vector<std::string_view> path() const {
    std::vector<std::string_view> out;
    if (v.path_declared) {
      for (auto s : v.path) out.push_back(s);
      return out;
    }
    if (v.find_schema(x.role) != nullptr) out.push_back(x.role);  // "$user"
    out.push_back("public");
    return out;
  }

  constexpr void resolve_tables() {
    for (auto& L : p.levels)
      for (auto& e : L.entries) {
        if (!e.base || !ok()) continue;
        e.rtable = canon(e.table);
        if (!e.schema.empty()) {
          e.rschema = canon(e.schema);
          if (v.find_schema(e.rschema) == nullptr)
            fail("schema " + sp::text_of(e.schema) + " of " + qualified(sp::text_of(e.schema), sp::text_of(e.table)) +
                 " is not declared in the spec's dsql::schemas<...>");
          else if (v.declares_schema(e.rschema) && v.find_table(e.rschema, e.rtable) == nullptr)
            fail(qualified(sp::text_of(e.schema), sp::text_of(e.table)) +
                 " is not among the tables the catalog declares in schema " + sp::text_of(e.schema));
          continue;
        }
        if (sp::text_of(e.table).starts_with("pg_")) {
          fail("table " + sp::text_of(e.table) +
               " may be a system catalog: PostgreSQL searches pg_catalog before the search_path, and the checker "
               "does not check catalogs");
          continue;
        }
        const auto sp_ = path();
        for (auto s : sp_) {
          if (v.find_schema(s) == nullptr) continue;
          if (v.declares_schema(s) ? v.find_table(s, e.rtable) != nullptr : grant_names_table(s, e.rtable)) {
            e.rschema = s;
            break;
          }
        }
        if (e.rschema.empty())
          for (auto s : sp_)
            if (v.find_schema(s) != nullptr && !v.declares_schema(s)) {
              e.rschema = s;
              break;
            }
        if (e.rschema.empty())
          fail("table " + sp::text_of(e.table) + " is in no schema of the search_path (" + list_of(sp_) +
               ") that the spec declares or that may hold it");
      }
  }

  constexpr const detail::table_desc* declared(const sp::entry& e) const { return v.find_table(e.rschema, e.rtable); }

  constexpr void bind(const sp::colref& r, int lv, int ei, bool definite) {
    const sp::entry& e = entry_at(lv, ei);
    if (e.pseudo && e.mirrors >= 0) {  // EXCLUDED.c: SELECT on the INSERT target's column c
      sp::colref read = r;
      read.privilege = privilege_kind::select;
      return bind(read, lv, e.mirrors, definite);
    }
    if (!e.base || e.pseudo) return;
    if (r.star) {
      needs.push_back({privilege_kind::select, lv, ei, {}, need::star});
      return;
    }
    const std::string_view col = canon(r.column);
    const detail::table_desc* t = declared(e);
    if (definite && t != nullptr && t->columns_declared && !access::contains(t->columns, col))
      return fail("column " + sp::text_of(r.column) + " is not among the columns the catalog declares for " +
                  qualified(e.rschema, e.rtable));
    needs.push_back({r.privilege, lv, ei, col, need::column_});
  }

  constexpr bool has_column(const sp::entry& e, const ident& col, bool& maybe) const {
    maybe = false;
    if (e.pseudo) return false;
    if (!e.base) {
      if (!e.outputs_known) maybe = true;
      for (const auto& o : e.outputs)
        if (o == col) return true;
      return false;
    }
    const detail::table_desc* t = declared(e);
    if (t == nullptr || !t->columns_declared) {
      maybe = true;
      return false;
    }
    for (auto c : t->columns)
      if (col == c) return true;
    return false;
  }

  constexpr void resolve_refs() {
    for (const auto& r : p.refs) {
      if (!ok()) return;
      const auto& home = p.levels[static_cast<std::size_t>(r.level)];
      if (r.only_entry >= 0) {
        bind(r, r.level, r.only_entry, true);
        continue;
      }
      if (!r.table.empty()) {
        bool found = false;
        for (int lv = r.level; lv >= 0 && !found; lv = p.levels[static_cast<std::size_t>(lv)].parent) {
          const auto& es = p.levels[static_cast<std::size_t>(lv)].entries;
          const std::size_t lim = lv == r.level && r.visible < es.size() ? r.visible : es.size();
          for (std::size_t i = 0; i < lim && !found; ++i) {
            const auto& e = es[i];
            const bool by_alias = !e.alias.empty() && e.alias == r.table && r.schema.empty();
            const bool by_name = e.alias.empty() && e.table == r.table &&
                                 (r.schema.empty() || e.schema == r.schema || r.schema == e.rschema);
            if (by_alias || by_name) {
              found = true;
              bind(r, lv, static_cast<int>(i), true);
            }
          }
        }
        if (!found) {
          std::string named = sp::text_of(r.table);
          if (!r.schema.empty()) named = qualified(sp::text_of(r.schema), named);
          named += ".";
          if (r.star)
            named += "*";
          else
            named += sp::text_of(r.column);
          fail("the statement names " + named + " but has no table or alias " + sp::text_of(r.table) + " in scope");
        }
        continue;
      }
      if (r.star) {
        for (std::size_t i = 0; i < home.entries.size(); ++i) bind(r, r.level, static_cast<int>(i), true);
        continue;
      }
      // PostgreSQL binds an unqualified name to the innermost query level that has such a
      // column. A level where it only *may* be a column (undeclared columns, a subquery
      // with *) does not end the search: the reference is bound there and at the outer
      // levels too (the privileges of every candidate are required). A name no table has
      // as a column but that names a table or alias in scope is a whole-row reference
      // (PostgreSQL: SELECT on every column), required as well.
      bool bound = false, stop = false;
      for (int lv = r.level; lv >= 0 && !stop; lv = p.levels[static_cast<std::size_t>(lv)].parent) {
        const auto& es = p.levels[static_cast<std::size_t>(lv)].entries;
        const std::size_t lim = lv == r.level && r.visible < es.size() ? r.visible : es.size();
        std::size_t definite = 0, maybe = 0;
        for (std::size_t i = 0; i < lim; ++i) {
          bool m = false;
          if (has_column(es[i], r.column, m))
            ++definite;
          else if (m)
            ++maybe;
        }
        if (definite > 1)
          return fail("column " + sp::text_of(r.column) + " is ambiguous: several tables of its query declare it");
        if (definite == 0 && maybe == 0) continue;
        bound = true;
        stop = definite > 0;
        for (std::size_t i = 0; i < lim; ++i) {
          bool m = false;
          const bool d = has_column(es[i], r.column, m);
          if (d || m) bind(r, lv, static_cast<int>(i), d);
        }
      }
      for (int lv = r.level; lv >= 0 && !stop; lv = p.levels[static_cast<std::size_t>(lv)].parent) {
        const auto& es = p.levels[static_cast<std::size_t>(lv)].entries;
        const std::size_t lim = lv == r.level && r.visible < es.size() ? r.visible : es.size();
        for (std::size_t i = 0; i < lim; ++i) {
          const auto& e = es[i];
          if (!(e.alias.empty() ? e.table == r.column : e.alias == r.column)) continue;
          bound = true;
          stop = true;
          if (e.base && !e.pseudo) needs.push_back({privilege_kind::select, lv, static_cast<int>(i), {}, need::star});
        }
      }
      if (!bound) {
        bool alias = false;
        if (r.output_alias_ok)
          for (const auto& o : home.output_names) alias = alias || o == r.column;
        if (!alias) fail("column " + sp::text_of(r.column) + " is in no table of its query that the catalog declares");
      }
    }
  }

  static constexpr std::string verb(privilege_kind k, bool column) {
    switch (k) {
      case privilege_kind::select:
        return std::string(column ? "SELECT column " : "SELECT from ");
      case privilege_kind::insert:
        return std::string(column ? "INSERT into column " : "INSERT into ");
      case privilege_kind::update:
        return std::string(column ? "UPDATE column " : "UPDATE ");
      case privilege_kind::delete_:
        return std::string("DELETE from ");
      default:
        return std::string(sql_keyword(k)) + " on ";
    }
  }

  constexpr std::string grants_text(const sp::entry& e) const {
    const std::string d = access::describe_table_grants(x, e.rschema, e.rtable);
    if (d == "nothing") return std::string("nothing there");
    return d;
  }

  constexpr void check_access() {
    // Each table: its schema's sensitivity, then USAGE on the schema.
    for (const auto& L : p.levels)
      for (const auto& e : L.entries) {
        if (!e.base || e.pseudo || !ok()) continue;
        if (access::is_sensitive_for(x, e.rschema)) {
          fail(std::string(x.role) + " may not reach " + qualified(e.rschema, e.rtable) + ": schema " +
               std::string(e.rschema) + " is sensitive and the spec lists only " +
               list_of(v.find_schema(e.rschema)->readers) + " for it");
        } else if (!access::holds_here(x, privilege_kind::usage, access::target{object_kind::schema, e.rschema})) {
          fail(std::string(x.role) + " may not use schema " + std::string(e.rschema) + " to reach " +
               qualified(e.rschema, e.rtable) + ": the spec grants it no USAGE on " + std::string(e.rschema));
        }
      }
    // The statement's own privilege first, then the reads.
    for (int pass = 0; pass < 2 && ok(); ++pass)
      for (const auto& n : needs) {
        if (!ok()) return;
        if ((n.privilege == privilege_kind::select) != (pass == 1)) continue;
        check_need(n);
      }
  }

  constexpr bool column_holds(const sp::entry& e, privilege_kind k, std::string_view col) const {
    return access::holds_here(x, k, access::target{object_kind::columns, e.rschema, e.rtable, {}, col});
  }

  constexpr bool every_declared_column(const sp::entry& e, privilege_kind k) const {
    const detail::table_desc* t = declared(e);
    if (t == nullptr || !t->columns_declared) return false;
    for (auto col : t->columns)
      if (!column_holds(e, k, col)) return false;
    return true;
  }

  constexpr void check_need(const need& n) {
    sp::entry& e = entry_at(n.level, n.entry);
    if (!e.held_known) {
      e.held = access::table_privileges(x, e.rschema, e.rtable);
      e.held_known = true;
    }
    if (e.held.has(n.privilege)) return;
    if (n.kind == need::column_ && column_holds(e, n.privilege, n.column)) return;
    if (n.kind == need::star && every_declared_column(e, privilege_kind::select)) return;
    if (n.kind == need::whole && n.privilege == privilege_kind::insert &&
        every_declared_column(e, privilege_kind::insert))
      return;
    const bool some_column = privilege_applies(n.privilege, object_kind::columns) &&
                             !access::granted_columns(x, n.privilege, e.rschema, e.rtable).empty();
    if (n.kind == need::any && some_column) return;
    const std::string who = std::string(x.role) + " may not ";
    const std::string obj = qualified(e.rschema, e.rtable);
    std::string s;
    if (n.kind == need::star) {
      s = who + "SELECT * from " + obj + ": the spec grants it " + grants_text(e);
      const detail::table_desc* t = declared(e);
      if (some_column && (t == nullptr || !t->columns_declared))
        s += ", and the catalog does not declare the table's columns";
    } else if (n.kind == need::column_ && some_column) {
      s = who + verb(n.privilege, true) + std::string(n.column) + " of " + obj + ": the spec grants it " +
          grants_text(e);
    } else {
      s = who + verb(n.privilege, false) + obj + ": the spec grants it " + grants_text(e);
    }
    fail(s);
  }

  constexpr void run() {
    resolve_tables();
    if (!ok()) return;
    if (p.target_level >= 0) {
      if (p.kind == sp::statement_kind::delete_)
        needs.push_back({privilege_kind::delete_, p.target_level, p.target_entry, {}, need::whole});
      if (p.kind == sp::statement_kind::insert && p.insert_all_columns)
        needs.push_back({privilege_kind::insert, p.target_level, p.target_entry, {}, need::whole});
    }
    resolve_refs();
    if (!ok()) return;
    // A table read without any column needs SELECT on the table or on some column.
    for (std::size_t lv = 0; lv < p.levels.size(); ++lv)
      for (std::size_t ei = 0; ei < p.levels[lv].entries.size(); ++ei) {
        if (!p.levels[lv].entries[ei].read) continue;
        bool read = false;
        for (const auto& n : needs)
          read = read || (n.level == static_cast<int>(lv) && n.entry == static_cast<int>(ei) &&
                          n.privilege == privilege_kind::select);
        if (!read) needs.push_back({privilege_kind::select, static_cast<int>(lv), static_cast<int>(ei), {}, need::any});
      }
    check_access();
  }
};

constexpr verdict make_verdict(const std::string& s) {
  verdict v;
  if (s.empty()) return v;
  v.ok = false;
  const std::size_t cap = sizeof(v.text) - 1;
  v.size = s.size() <= cap ? s.size() : cap;
  for (std::size_t i = 0; i < v.size; ++i) v.text[i] = s[i];
  if (s.size() > cap) v.text[cap - 1] = v.text[cap - 2] = v.text[cap - 3] = '.';
  return v;
}

// The check of one statement against a spec's view: the empty string, or the sentence.
constexpr std::string check(const access::spec_view& v, std::string_view role, std::string_view sql) {
  sp::parsed p;
  sp::parse_into(sql, p);
  if (!p.error.empty())
    return "dsql::statement cannot check this SQL: " + p.error + " (at byte " + decimal(p.error_pos) +
           "); run it as dsql::unchecked<\"...\"> if it must run unchecked";
  const access::context x = access::make_context(v, role);
  checker k{x, v, p};
  k.run();
  return k.error;
}

}  // namespace detail::stmt

namespace detail {
// The check of SQL for Role under Spec as a sentence (empty: it passes); Role declared.
template <class Spec, class Role>
constexpr std::string refusal_sentence(std::string_view sql) {
  return stmt::check(spec_view_of<Spec>::value, role_traits<Role>::name, sql);
}
template <class Spec, class Role>
constexpr std::size_t refusal_length(std::string_view sql) {
  return refusal_sentence<Spec, Role>(sql).size();
}
// The sentence as a template argument (evaluated a second time, for refused statements only).
template <class Spec, class Role, fixed_string SQL, std::size_t N>
constexpr fixed_string<N + 1> refusal_text() {
  char a[N + 1]{};
  const std::string s = refusal_sentence<Spec, Role>(SQL.view());
  for (std::size_t i = 0; i < N && i < s.size(); ++i) a[i] = s[i];
  return fixed_string<N + 1>(a);
}
template <class Spec, class Role, fixed_string SQL, std::size_t N>
constexpr bool accept() {
  if constexpr (N == 0)
    return true;
  else
    return refused<refusal_text<Spec, Role, SQL, N>()>::ok;
}
template <class Spec, class Role, fixed_string SQL>
constexpr std::size_t checked_length() {
  if constexpr (declares_role<cluster_of_t<Spec>, Role>)
    return refusal_length<Spec, Role>(SQL.view());
  else
    return 0;  // (the role's own static_assert speaks)
}
}  // namespace detail

// The check of SQL for Role under Spec (a cluster or a catalog), without a compile error.
template <class Spec, class Role>
requires spec_or_catalog<Spec>
constexpr verdict refusal(std::string_view sql) {
  if constexpr (!declares_role<cluster_of_t<Spec>, Role>) {
    return detail::stmt::make_verdict("the role is not declared in the spec's dsql::roles<...>");
  } else {
    return detail::stmt::make_verdict(detail::refusal_sentence<Spec, Role>(sql));
  }
}

// A statement of Role under Spec, checked at compile time (see above). Members: sql, spec
// (as given), cluster (the dsql::cluster), role.
template <class Spec, class Role, fixed_string SQL>
requires spec_or_catalog<Spec>
struct statement {
  static_assert(declares_role<cluster_of_t<Spec>, Role>,
                "dsql::statement<Spec, Role, SQL> needs a Role declared in the Spec's dsql::roles<...>.");
  // The length of the refusal sentence: 0 when the statement passes.
  static constexpr std::size_t refusal_size = detail::checked_length<Spec, Role, SQL>();
  static_assert(detail::accept<Spec, Role, SQL, refusal_size>());
  using spec = Spec;
  using cluster = cluster_of_t<Spec>;
  using role = Role;
  static constexpr std::string_view sql = SQL.view();
};

// A statement run without any check: the explicit, greppable escape hatch for SQL outside
// the checked subset (DDL, WITH, UNION, ...). Runs on a connection of any role.
template <fixed_string SQL>
struct unchecked {
  static constexpr std::string_view sql = SQL.view();
};

template <class T>
inline constexpr bool is_statement = false;
template <class Spec, class Role, fixed_string SQL>
inline constexpr bool is_statement<statement<Spec, Role, SQL>> = true;
template <class T>
inline constexpr bool is_unchecked = false;
template <fixed_string SQL>
inline constexpr bool is_unchecked<unchecked<SQL>> = true;

}  // namespace dsql

#endif  // DSQL_STATEMENT_HPP
