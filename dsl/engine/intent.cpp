// The spec's grants and revokes, object by object (see intent.hpp).
#include "engine/intent.hpp"

#include <dsql/name.hpp>

namespace dsql::engine::detail {

object_key key_of(const live_object& o) { return {o.kind, o.schema, o.name, o.args}; }

namespace {

bool reached_by_all_tables(const live_object& x) {
  return x.kind == object_kind::table &&
         (x.relkind == 'r' || x.relkind == 'p' || x.relkind == 'v' || x.relkind == 'm' || x.relkind == 'f');
}
bool reached_by_all_functions(const live_object& x) {
  return x.kind == object_kind::function && (x.prokind == 'f' || x.prokind == 'a' || x.prokind == 'w');
}

std::string declared_text(const model::grant& g) {
  std::string what = privilege_list(privilege_set::of(g.privileges));
  switch (g.on) {
    case object_kind::database: return what + " on the database";
    case object_kind::schema: return what + " on schema " + dsql::quote_identifier(g.schema);
    case object_kind::all_tables_in_schema: return what + " on all tables in schema " + dsql::quote_identifier(g.schema);
    case object_kind::all_sequences_in_schema:
      return what + " on all sequences in schema " + dsql::quote_identifier(g.schema);
    case object_kind::all_functions_in_schema:
      return what + " on all functions in schema " + dsql::quote_identifier(g.schema);
    case object_kind::table: return what + " on table " + dsql::sql::qualified(g.schema, g.object);
    case object_kind::columns: {
      std::string cols;
      for (const auto& c : g.columns) cols += (cols.empty() ? "" : ", ") + dsql::quote_identifier(c);
      return what + " (" + cols + ") on table " + dsql::sql::qualified(g.schema, g.object);
    }
    case object_kind::sequence: return what + " on sequence " + dsql::sql::qualified(g.schema, g.object);
    case object_kind::function:
      return what + " on function " + dsql::sql::qualified(g.schema, g.object) + "(" + g.arguments + ")";
  }
  return what;
}

struct expander {
  const model::cluster& spec;
  const state& live;
  intent out;

  const live_object* find(object_kind k, const std::string& schema, const std::string& name) const {
    for (const auto& x : live.objects)
      if (x.kind == k && x.schema == schema && x.name == name) return &x;
    return nullptr;
  }
  const live_object* find_function(const model::grant& g) const {
    std::string args = g.arguments;  // unresolved: as written
    for (const auto& f : live.functions)
      if (f.schema == g.schema && f.name == g.object && f.declared_args == g.arguments) {
        if (f.exists) args = f.identity_args;
        else if (!f.canonical_args.empty()) args = f.canonical_args;
      }
    for (const auto& x : live.objects)
      if (x.kind == object_kind::function && x.schema == g.schema && x.name == g.object && x.args == args) return &x;
    return nullptr;
  }
  void missing(const model::grant& g, bool revoke) {
    finding f;
    f.what = finding::kind::missing_object;
    f.role = g.to_public ? "PUBLIC" : g.grantee;
    f.object = declared_text(g);
    f.detail = std::string(revoke ? "declared revoke of " : "declared grant of ") + declared_text(g) +
               ": the object does not exist, so there is nothing to " + (revoke ? "revoke" : "grant") +
               " yet (it is applied when the object exists)";
    f.drift = false;
    out.notes.push_back(std::move(f));
  }

  // Calls visit(object_key, column) for each ACL key a grant or revoke reaches.
  template <class F>
  void each(const model::grant& g, bool revoke, F&& visit) {
    switch (g.on) {
      case object_kind::database: visit(object_key{object_kind::database, "", live.database, ""}, std::string()); return;
      case object_kind::schema: visit(object_key{object_kind::schema, "", g.schema, ""}, std::string()); return;
      case object_kind::all_tables_in_schema:
        for (const auto& x : live.objects)
          if (x.schema == g.schema && reached_by_all_tables(x)) visit(key_of(x), std::string());
        return;
      case object_kind::all_sequences_in_schema:
        for (const auto& x : live.objects)
          if (x.schema == g.schema && x.kind == object_kind::sequence) visit(key_of(x), std::string());
        return;
      case object_kind::all_functions_in_schema:
        for (const auto& x : live.objects)
          if (x.schema == g.schema && reached_by_all_functions(x)) visit(key_of(x), std::string());
        return;
      case object_kind::table:
      case object_kind::sequence: {
        const live_object* x = find(g.on, g.schema, g.object);
        if (!x) return missing(g, revoke);
        visit(key_of(*x), std::string());
        return;
      }
      case object_kind::columns: {
        const live_object* x = find(object_kind::table, g.schema, g.object);
        if (!x) return missing(g, revoke);
        for (const auto& c : g.columns) visit(key_of(*x), c);
        return;
      }
      case object_kind::function: {
        const live_object* x = find_function(g);
        if (!x) return missing(g, revoke);
        visit(key_of(*x), std::string());
        return;
      }
    }
  }

  void run() {
    for (const auto& g : spec.grants) {
      const privilege_set p = privilege_set::of(g.privileges);
      const std::string why = "declared: " + declared_text(g) + (g.with_grant_option ? " with grant option" : "");
      each(g, false, [&](const object_key& k, const std::string& column) {
        auto& w = out.grants[{k, column, g.to_public ? std::string() : g.grantee, g.to_public}];
        w.privileges |= p;
        if (g.with_grant_option) w.grantable |= p;
        if (w.why.empty()) w.why = why;
      });
    }
    for (const auto& g : spec.revokes) {
      const privilege_set p = privilege_set::of(g.privileges);
      const std::string why = "declared revoke: " + declared_text(g) + " from " +
                              (g.to_public ? std::string("PUBLIC") : dsql::quote_identifier(g.grantee));
      each(g, true, [&](const object_key& k, const std::string& column) {
        const acl_key key{k, column, g.to_public ? std::string() : g.grantee, g.to_public};
        auto& r = out.revokes[key];
        r.privileges |= p;
        if (r.why.empty()) r.why = why;
        auto take = [&](const acl_key& from) {
          auto it = out.grants.find(from);
          if (it == out.grants.end()) return;
          it->second.privileges = it->second.privileges.minus(p);
          it->second.grantable = it->second.grantable.minus(p);
          if (it->second.privileges.empty()) out.grants.erase(it);
        };
        take(key);
        if (column.empty())  // a table-level revoke takes the column-level privileges too
          for (auto it = out.grants.lower_bound({k, std::string(), std::string(), false});
               it != out.grants.end() && it->first.object == k;) {
            auto next = std::next(it);
            if (!it->first.column.empty() && it->first.grantee == key.grantee && it->first.is_public == key.is_public)
              take(it->first);
            it = next;
          }
      });
    }
  }
};

}  // namespace

intent expand(const model::cluster& spec, const state& live) {
  expander e{spec, live, {}};
  e.run();
  return std::move(e.out);
}

}  // namespace dsql::engine::detail
