// Diff: the spec against the live state, as an ordered list of typed steps.
//
// Rules (../shared/cases/privilege-bugs.md):
//   - scope: only the spec's roles (and its retired roles) are touched; admin, postgres,
//     pg_* roles and superusers never are; PUBLIC only on the spec's public_schemas (P9);
//   - a privilege is present when any grantor gave it; the owner's rights are ownership,
//     never missing and never extra (P2);
//   - what a managed role has beyond the spec is revoked only with prune, per
//     (object, grantee, grantor), naming the grantor (GRANTED BY, acting as it) (P4);
//   - ON ALL TABLES IN SCHEMA is expanded to the tables that exist now, so a table created
//     later is named in the next plan (P5); default privileges only as declared, with
//     their creator role (P6);
//   - order: roles, memberships (revokes first), schemas, privileges (revokes first),
//     default privileges, IAM mappings, then retired roles: default-privilege revokes,
//     the grants it received or made one by one, REASSIGN OWNED, DROP OWNED, IAM revokes,
//     DROP ROLE (P7).
// PostgreSQL 15 details the plan follows (each found by the property test):
//   - GRANTED BY accepts only the current user, and REVOKE runs as the acting role's
//     "best grantor": a delegated grant is revoked acting as its grantor (SET LOCAL
//     ROLE; admin first gets membership in it, which CREATEROLE allows), with USAGE on
//     the schema and the grant option lent for that step when the grantor lacks them
//     (orphans: grants whose grantor lost the option through a membership);
//   - only the owner grants on its objects: a grant on another role's object acts as it;
//   - a revoke of a privilege held WITH GRANT OPTION cascades: the planner models the
//     cascade (grant options held directly or through memberships) to know what goes
//     with it and what the spec then needs granted again;
//   - a declared membership that would close a cycle cuts the undeclared links on it;
//   - a mapped role cannot become NOLOGIN: its mappings go first.
#include <dsql/name.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "engine/engine.hpp"

namespace dsql::engine {

std::string_view to_string(step_kind k) noexcept {
  switch (k) {
    case step_kind::create_role: return "create_role";
    case step_kind::alter_role: return "alter_role";
    case step_kind::grant_membership: return "grant_membership";
    case step_kind::revoke_membership: return "revoke_membership";
    case step_kind::create_schema: return "create_schema";
    case step_kind::grant: return "grant";
    case step_kind::revoke: return "revoke";
    case step_kind::grant_default: return "grant_default";
    case step_kind::revoke_default: return "revoke_default";
    case step_kind::iam_grant: return "iam_grant";
    case step_kind::iam_revoke: return "iam_revoke";
    case step_kind::reassign_owned: return "reassign_owned";
    case step_kind::drop_owned: return "drop_owned";
    case step_kind::drop_role: return "drop_role";
  }
  return {};
}

namespace {

using dsql::quote_identifier;
using dsql::quote_literal;

std::string grantee_sql(const std::string& g, bool pub) { return pub ? "PUBLIC" : quote_identifier(g); }

std::string object_sql(object_kind k, const std::string& schema, const std::string& name, const std::string& args) {
  switch (k) {
    case object_kind::database: return "DATABASE " + quote_identifier(name);
    case object_kind::schema: return "SCHEMA " + quote_identifier(name);
    case object_kind::table: return "TABLE " + quote_identifier(schema) + "." + quote_identifier(name);
    case object_kind::sequence: return "SEQUENCE " + quote_identifier(schema) + "." + quote_identifier(name);
    case object_kind::function:
      return "FUNCTION " + quote_identifier(schema) + "." + quote_identifier(name) + "(" + args + ")";
  }
  return {};
}
std::string object_sql(const live_object& o) { return object_sql(o.kind, o.schema, o.name, o.args); }

std::string_view defacl_type(char t) {
  switch (t) {
    case 'r': return "TABLES";
    case 'S': return "SEQUENCES";
    case 'f': return "FUNCTIONS";
    case 'T': return "TYPES";
    case 'n': return "SCHEMAS";
  }
  return "TABLES";
}

std::string iam_sql(target t, bool grant, const std::string& role, const std::string& arn) {
  if (t == target::aurora_dsql)
    return std::string(grant ? "AWS IAM GRANT " : "AWS IAM REVOKE ") + quote_identifier(role) + (grant ? " TO " : " FROM ") +
           quote_literal(arn) + ";";
  return std::string(grant ? "CALL sys.aws_iam_grant(" : "CALL sys.aws_iam_revoke(") + quote_literal(role) + ", " +
         quote_literal(arn) + ");";
}

// (kind, schema, name, args)
using object_key = std::tuple<object_kind, std::string, std::string, std::string>;
// (object, grantee, is_public)
using grant_key = std::tuple<object_key, std::string, bool>;

struct builder {
  const spec& s;
  const state& live;
  const diff_options& o;
  plan p;
  std::set<std::string> managed, retired;
  std::set<std::pair<std::string, std::string>> gone_mappings;  // (role, arn) revoked early

  void add(step_kind k, char action, std::string role, std::string object, std::string sql, std::string reason,
           std::string act_as = {}) {
    p.steps.push_back({k, action, std::move(role), std::move(object), std::move(sql), std::move(act_as), std::move(reason), {}, {}});
  }
  bool is_managed(const std::string& r) const { return managed.count(r) != 0; }
  std::set<std::string> acting;  // roles the current user can act as, after planned steps

  // What survives the plan's revokes, per live ACL entry, as PostgreSQL's REVOKE ...
  // CASCADE computes it: an entry loses what is revoked from it, and a delegated entry
  // (grantor not the owner) loses what its grantor no longer holds WITH GRANT OPTION.
  std::map<std::size_t, privset> revoked;  // live.acls index -> privileges revoked by a step
  std::vector<privset> survive;
  std::map<std::size_t, std::vector<std::size_t>> by_object;  // object -> its ACL entries
  bool dirty = true;
  // memberships after the plan's membership steps: member -> roles it is in
  std::map<std::string, std::set<std::string>> graph;
  std::map<std::string, std::set<std::string>> ancestors_memo;
  // the role and every role it is (transitively) a member of: whose grant options it holds
  const std::set<std::string>& ancestors(const std::string& r) {
    auto it = ancestors_memo.find(r);
    if (it != ancestors_memo.end()) return it->second;
    std::set<std::string> seen{r};
    std::vector<std::string> todo{r};
    while (!todo.empty()) {
      std::string x = todo.back();
      todo.pop_back();
      for (const auto& y : graph[x])
        if (seen.insert(y).second) todo.push_back(y);
    }
    return ancestors_memo[r] = std::move(seen);
  }

  std::size_t index(const live_acl& a) const { return static_cast<std::size_t>(&a - live.acls.data()); }
  void note_revoke(const live_acl& a, privset privs) {
    revoked[index(a)] |= privs;
    // without grant options taken, no other entry changes: no cascade to recompute
    if (!dirty && !survive.empty() && !(a.grantable & privs)) {
      survive[index(a)] &= ~privs;
      return;
    }
    dirty = true;
  }
  void recompute() {
    if (!dirty) return;
    dirty = false;
    if (by_object.empty())
      for (std::size_t i = 0; i < live.acls.size(); ++i) by_object[live.acls[i].object].push_back(i);
    survive.resize(live.acls.size());
    for (std::size_t i = 0; i < live.acls.size(); ++i) {
      auto r = revoked.find(i);
      survive[i] = live.acls[i].privileges & ~(r == revoked.end() ? privset{0} : r->second);
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t i = 0; i < live.acls.size(); ++i) {
        const auto& a = live.acls[i];
        if (!a.column.empty() || !survive[i] || a.grantor == live.objects[a.object].owner) continue;
        privset can = 0;  // what the grantor still holds WITH GRANT OPTION (itself or by membership)
        const auto& mine = ancestors(a.grantor);
        for (std::size_t j : by_object[a.object])
          if (live.acls[j].column.empty() && !live.acls[j].is_public && mine.count(live.acls[j].grantee))
            can |= survive[j] & live.acls[j].grantable;
        if (const privset v = survive[i] & can; v != survive[i]) {
          survive[i] = v;
          changed = true;
        }
      }
    }
    if (survive0.empty()) survive0 = survive;
  }
  std::vector<privset> survive0;  // before any step: 0 marks an orphan
  privset surviving(const live_acl& a) {
    recompute();
    return survive[index(a)];
  }
  bool orphan(const live_acl& a) {
    recompute();
    return survive0[index(a)] == 0 && a.column.empty() && !a.is_public;
  }
  // taken away by a cascade of the plan's revokes (an orphan is not: it stays)
  bool gone(const live_acl& a) { return !orphan(a) && surviving(a) == 0; }
  // what the entry still grants: an orphan keeps what is not revoked explicitly
  privset current(const live_acl& a) {
    if (!orphan(a)) return surviving(a);
    auto r = revoked.find(index(a));
    return a.privileges & ~(r == revoked.end() ? privset{0} : r->second);
  }

  // role has USAGE on schema after the steps so far (its own entry, PUBLIC's, or ownership)
  std::set<std::pair<std::string, std::string>> usage_granted;  // (role, schema) by a grant step
  std::map<std::string, std::size_t> schema_objects;             // schema name -> object index
  bool has_usage(const std::string& role, const std::string& schema) {
    if (usage_granted.count({role, schema})) return true;
    recompute();
    if (schema_objects.empty())
      for (std::size_t i = 0; i < live.objects.size(); ++i)
        if (live.objects[i].kind == object_kind::schema) schema_objects[live.objects[i].name] = i;
    auto so = schema_objects.find(schema);
    if (so == schema_objects.end()) return false;
    for (std::size_t j : by_object[so->second]) {
      const auto& a = live.acls[j];
      const auto& x = live.objects[a.object];
      if (!a.column.empty()) continue;
      if (x.owner == role) return true;
      if ((a.is_public || a.grantee == role) && (surviving(a) & p_usage)) return true;
    }
    return false;
  }

  bool can_act_as(const std::string& role) const { return role == live.current_user || acting.count(role); }
  // postgres_local: PostgreSQL 15 accepts GRANTED BY only for the current user, and only
  // an owner grants on its objects; to act as `role` the current user needs membership
  // (admin, with CREATEROLE, may grant it to itself; not for a superuser role).
  // aurora_dsql has no SET ROLE: the statement runs as is.
  bool ensure_can_act_as(const std::string& role, const std::string& why) {
    if (can_act_as(role)) return true;
    if (live.on == target::aurora_dsql) return false;
    const live_role* r = live.find_role(role);
    if (!r || r->superuser || role.starts_with("pg_")) return false;
    const std::string me = quote_identifier(live.current_user);
    add(step_kind::grant_membership, '~', role, "membership of " + me + " in role " + quote_identifier(role),
        "GRANT " + quote_identifier(role) + " TO " + me + ";", why);
    acting.insert(role);
    return true;
  }

  // The REVOKE of privileges given by `grantor`. PostgreSQL 15 accepts GRANTED BY only
  // for the current user, so on postgres_local the step acts as the grantor (SET LOCAL
  // ROLE) when it is someone else; a plain REVOKE by another role would revoke nothing
  // (P4).
  void revoke(const std::string& role, const live_acl& a, privset privs, const std::string& reason) {
    const live_object& x = live.objects[a.object];
    const std::string what = object_sql(x);
    const std::string& grantor = a.grantor;
    const bool cascade = (a.grantable & privs) != 0;
    std::string priv = privilege_list(privs);
    if (!a.column.empty()) {
      std::string cols;
      for (const auto& n : privilege_names(privs)) cols += (cols.empty() ? "" : ", ") + n + " (" + quote_identifier(a.column) + ")";
      priv = cols;
    }
    std::string sql = "REVOKE " + priv + " ON " + what + " FROM " + grantee_sql(a.grantee, a.is_public) + " GRANTED BY " +
                      quote_identifier(grantor) + (cascade ? " CASCADE;" : ";");
    const bool other = grantor != live.current_user;
    const bool local = live.on == target::postgres_local;
    if (other)
      ensure_can_act_as(grantor, "to revoke what " + quote_identifier(grantor) +
                                     " granted the current user acts as it (GRANTED BY takes only the current user)");
    add(step_kind::revoke, '-', role, what, std::move(sql), reason + " (granted by " + quote_identifier(grantor) + ")",
        other && local ? grantor : std::string());
    if (!other || !local) return;
    step& st = p.steps.back();
    const std::string gq = quote_identifier(grantor);
    // Acting as the grantor needs USAGE on the object's schema to name the object: a
    // grantor without it gets it for this step only (granted and revoked in the step's
    // transaction, so its privileges are unchanged).
    if (!x.schema.empty() && !has_usage(grantor, x.schema)) {
      const std::string sq = quote_identifier(x.schema);
      st.prologue = "GRANT USAGE ON SCHEMA " + sq + " TO " + gq + ";";
      st.epilogue = "REVOKE USAGE ON SCHEMA " + sq + " FROM " + gq + ";";
    }
    // PostgreSQL revokes as the "best grantor" of the acting role: the role itself only
    // when it holds the grant option directly (otherwise a role it is a member of, or
    // nobody for an orphan whose grantor lost the option). A grantor without the option
    // directly gets it from the owner for this step, taken away again after.
    privset direct = 0;
    recompute();
    for (std::size_t j : by_object[a.object]) {
      const auto& e = live.acls[j];
      if (e.column.empty() && !e.is_public && e.grantee == grantor) direct |= surviving(e) & e.grantable;
    }
    if ((direct & privs) != privs && a.column.empty() && x.owner != grantor &&
        (x.owner == live.current_user || live.current_is_superuser)) {
      privset had = 0;  // what the grantor keeps from the owner, without grant option
      for (std::size_t j : by_object[a.object]) {
        const auto& e = live.acls[j];
        if (e.column.empty() && !e.is_public && e.grantee == grantor && e.grantor == x.owner) had |= surviving(e);
      }
      const privset lend = privs & ~direct;
      had &= lend;
      std::string pro = "GRANT " + privilege_list(lend) + " ON " + what + " TO " + gq + " WITH GRANT OPTION;";
      std::string epi;
      if (had) epi += "REVOKE GRANT OPTION FOR " + privilege_list(had) + " ON " + what + " FROM " + gq + " CASCADE;";
      if (lend & ~had)
        epi += std::string(epi.empty() ? "" : " ") + "REVOKE " + privilege_list(lend & ~had) + " ON " + what + " FROM " + gq +
               " CASCADE;";
      st.prologue += std::string(st.prologue.empty() ? "" : " ") + pro;
      st.epilogue = epi + (st.epilogue.empty() ? "" : " ") + st.epilogue;
    }
  }

  void roles() {
    for (const auto& r : s.roles) {
      const live_role* lr = live.find_role(r.name);
      if (lr && lr->superuser)
        throw engine_error("role \"" + r.name + "\" is a superuser on the server: superusers are never managed");
      const std::string q = quote_identifier(r.name);
      if (!lr)
        add(step_kind::create_role, '+', r.name, "role " + q,
            "CREATE ROLE " + q + (r.login ? " WITH LOGIN;" : " WITH NOLOGIN;"), "declared in the spec, missing");
      else if (lr->login != r.login) {
        // dsql_iam (and DSQL) refuse NOLOGIN on a mapped role: its mappings go first
        if (!r.login)
          for (const auto& m : live.mappings)
            if (m.role == r.name) {
              add(step_kind::iam_revoke, '-', r.name, "IAM mapping " + quote_literal(m.arn), iam_sql(live.on, false, m.role, m.arn),
                  "declared NOLOGIN: a mapped role must have LOGIN");
              gone_mappings.emplace(m.role, m.arn);
            }
        add(step_kind::alter_role, '~', r.name, "role " + q, "ALTER ROLE " + q + (r.login ? " WITH LOGIN;" : " WITH NOLOGIN;"),
            r.login ? "declared LOGIN, is NOLOGIN" : "declared NOLOGIN, is LOGIN");
      }
    }
  }

  void memberships() {
    std::set<std::pair<std::string, std::string>> want, have;  // (role, member)
    for (const auto& r : s.roles)
      for (const auto& m : r.member_of) {
        if (!live.find_role(m) && !is_managed(m))
          throw engine_error("role \"" + r.name + "\" is declared a member of \"" + m + "\", which does not exist");
        if (const live_role* lr = live.find_role(m); lr && lr->superuser)
          throw engine_error("role \"" + r.name + "\" is declared a member of \"" + m +
                             "\", a superuser: superuser memberships are never granted");
        want.emplace(m, r.name);
      }
    // Live memberships that would close a cycle with a declared one ("revokes before
    // grants when a membership is reversed"): for each missing (role, member), a chain
    // role -> ... -> member in the live graph (X member of Y as X -> Y) is cut at its
    // undeclared links between managed roles.
    std::set<std::pair<std::string, std::string>> cut;  // (role, member)
    {
      std::map<std::string, std::vector<std::string>> up;  // member -> roles it is in
      for (const auto& m : live.memberships) up[m.member].push_back(m.role);
      for (const auto& [role, member] : want) up[member].push_back(role);  // granted earlier in the plan
      for (const auto& [role, member] : want) {
        bool present = false;
        for (const auto& m : live.memberships) present = present || (m.role == role && m.member == member);
        if (present) continue;
        for (bool progress = true; progress;) {  // every chain, until none is left
          progress = false;
          std::map<std::string, std::string> parent;  // node -> the member it was reached from
          std::vector<std::string> todo{role};
          parent[role] = role;
          while (!todo.empty() && !parent.count(member)) {
            std::string x = todo.back();
            todo.pop_back();
            for (const auto& y : up[x])
              if (!parent.count(y) && !cut.count({y, x})) {
                parent[y] = x;
                todo.push_back(y);
              }
          }
          if (!parent.count(member)) break;
          for (std::string y = member; y != role; y = parent[y]) {
            const std::string& x = parent[y];  // x is a member of y
            const bool live_edge = std::any_of(live.memberships.begin(), live.memberships.end(),
                                               [&](const live_membership& m) { return m.role == y && m.member == x; });
            if (live_edge && !want.count({y, x}) && (is_managed(x) || retired.count(x) || retired.count(y)))
              progress = cut.emplace(y, x).second || progress;
          }
        }
      }
    }
    for (const auto& m : live.memberships) {
      have.emplace(m.role, m.member);
      graph[m.member].insert(m.role);
      const bool reversed = cut.count({m.role, m.member}) != 0;
      if (!reversed && (!is_managed(m.member) || retired.count(m.role) || want.count({m.role, m.member}))) continue;
      if (!o.prune && !reversed) continue;
      graph[m.member].erase(m.role);
      add(step_kind::revoke_membership, '-', m.member, "membership in role " + quote_identifier(m.role),
          "REVOKE " + quote_identifier(m.role) + " FROM " + quote_identifier(m.member) + ";",
          std::string(reversed ? "would form a cycle with a declared membership" : "not in the spec (prune)") + " (granted by " +
              quote_identifier(m.grantor) + ")");
    }
    for (const auto& [role, member] : want) graph[member].insert(role);
    for (const auto& [role, member] : want)
      if (!have.count({role, member}))
        add(step_kind::grant_membership, '+', member, "membership in role " + quote_identifier(role),
            "GRANT " + quote_identifier(role) + " TO " + quote_identifier(member) + ";", "declared in the spec, missing");
  }

  void schemas() {
    for (const auto& sc : s.schemas) {
      bool exists = std::any_of(live.objects.begin(), live.objects.end(),
                                [&](const live_object& x) { return x.kind == object_kind::schema && x.name == sc.name; });
      if (exists) continue;
      if (!sc.create) throw engine_error("schema \"" + sc.name + "\" is declared as existing, but the server has none");
      add(step_kind::create_schema, '+', "", "schema " + quote_identifier(sc.name),
          "CREATE SCHEMA " + quote_identifier(sc.name) + ";", "declared in the spec, missing");
    }
  }

  void privileges() {
    recompute();  // survive0: the entries as they are, orphans marked, before any step
    // desired privileges per (object, grantee), with the spec line that asks for them
    std::map<grant_key, std::pair<privset, std::string>> want;
    std::map<object_key, const live_object*> objects;
    for (const auto& x : live.objects) objects[{x.kind, x.schema, x.name, x.args}] = &x;
    auto wish = [&](object_key k, const grant_spec& g, std::string why) {
      auto& w = want[{std::move(k), g.to_public ? std::string() : g.grantee, g.to_public}];
      w.first |= g.privileges;
      if (w.second.empty()) w.second = std::move(why);
    };
    for (const auto& g : s.grants) {
      const std::string privs = privilege_list(g.privileges);
      switch (g.on) {
        case grant_on::database: {
          if (live.on == target::aurora_dsql) throw engine_error("database privileges are not managed on aurora_dsql");
          const std::string db = g.object.empty() ? live.database : g.object;
          wish({object_kind::database, "", db, ""}, g, "declared: " + privs + " on database " + quote_identifier(db));
          break;
        }
        case grant_on::schema:
          wish({object_kind::schema, "", g.schema, ""}, g, "declared: " + privs + " on schema " + quote_identifier(g.schema));
          break;
        case grant_on::table:
          if (!objects.count({object_kind::table, g.schema, g.object, ""}))
            throw engine_error("table " + quote_identifier(g.schema) + "." + quote_identifier(g.object) + " does not exist");
          wish({object_kind::table, g.schema, g.object, ""}, g,
               "declared: " + privs + " on table " + quote_identifier(g.schema) + "." + quote_identifier(g.object));
          break;
        case grant_on::all_tables:
          for (const auto& x : live.objects)
            if (x.kind == object_kind::table && x.schema == g.schema)
              wish({x.kind, x.schema, x.name, ""}, g,
                   "declared: " + privs + " on all tables in schema " + quote_identifier(g.schema) +
                       " (a table created after the last GRANT is not reached by it)");
          break;
      }
    }
    std::set<std::string> public_schemas(s.public_schemas.begin(), s.public_schemas.end());

    // Revokes first (the live ACL, per grantor). Delegated grants (grantor neither the
    // owner nor the current user) go before the grants they depend on; a revoke of a
    // privilege held WITH GRANT OPTION cascades, and what the cascade takes from a role
    // that the spec wants to keep it is granted again below.
    // passes: delegated grants on objects in schemas, other grants on them, then the
    // same for schemas and the database (a grantor keeps its USAGE while it is needed)
    for (int pass = 0; pass < 4; ++pass)
      for (const auto& a : live.acls) {
        const auto& x = live.objects[a.object];
        const bool delegated = a.grantor != x.owner && a.grantor != live.current_user;
        const bool container = x.kind == object_kind::schema || x.kind == object_kind::database;
        if (delegated != (pass % 2 == 0) || container != (pass >= 2)) continue;
        if (!a.is_public && x.owner == a.grantee) continue;  // ownership, not a grant (P2)
        const bool managed_public = a.is_public && x.kind == object_kind::schema && public_schemas.count(x.name);
        if (!managed_public && (a.is_public || !is_managed(a.grantee))) continue;
        if (!managed_public && !o.prune) continue;
        privset wanted = 0;
        if (a.column.empty())
          if (auto it = want.find({{x.kind, x.schema, x.name, x.args}, a.grantee, a.is_public}); it != want.end())
            wanted = it->second.first;
        const privset extra = current(a) & ~wanted;
        if (!extra) continue;
        note_revoke(a, extra);
        revoke(a.is_public ? "PUBLIC" : a.grantee, a, extra,
               managed_public ? "PUBLIC's privileges on schema " + quote_identifier(x.name) + " are managed and not declared"
                              : std::string("not in the spec (prune)"));
      }
    // what the server has after the revokes: per (object, grantee) the union over grantors
    std::map<grant_key, privset> have;
    for (const auto& a : live.acls)
      if (a.column.empty()) {
        const auto& x = live.objects[a.object];
        privset p = current(a);
        if (retired.count(a.grantor) && x.owner != a.grantor) p = 0;  // revoked with the retired role
        have[{{x.kind, x.schema, x.name, x.args}, a.grantee, a.is_public}] |= p;
      }
    for (const auto& [key, w] : want) {
      const auto& [obj, grantee, pub] = key;
      auto it = objects.find(obj);
      if (it != objects.end() && !pub && it->second->owner == grantee) continue;  // the owner has it (P2)
      privset current = 0;
      if (auto h = have.find(key); h != have.end()) current = h->second;
      const privset missing = w.first & ~current;
      if (!missing) continue;
      const auto& [kind, schema, name, args] = obj;
      const std::string what = object_sql(kind, schema, name, args);
      // Only the owner (or a member of it) may grant on an object: act as the owner
      // when the current user is a member (admin cannot grant on others' objects).
      std::string act_as;
      if (it != objects.end() && !live.current_is_superuser && live.on == target::postgres_local &&
          ensure_can_act_as(it->second->owner, "only the owner grants on its objects: the current user acts as " +
                                                   quote_identifier(it->second->owner)))
        if (it->second->owner != live.current_user) act_as = it->second->owner;
      if (kind == object_kind::schema && (missing & p_usage) && !pub) usage_granted.emplace(grantee, name);
      add(step_kind::grant, '+', pub ? "PUBLIC" : grantee, what,
          "GRANT " + privilege_list(missing) + " ON " + what + " TO " + grantee_sql(grantee, pub) + ";",
          w.second + (current ? "; has " + privilege_list(current) : std::string()), act_as);
    }
  }

  void default_privileges() {
    using key = std::tuple<std::string, std::string, std::string, bool>;  // for_role, schema, grantee, public
    std::map<key, privset> want, have;
    for (const auto& d : s.default_privileges) want[{d.for_role, d.schema, d.grantee, d.to_public}] |= d.privileges;
    for (const auto& d : live.default_acls) {
      if (d.objtype == 'r' && !d.schema.empty()) have[{d.for_role, d.schema, d.grantee, d.is_public}] |= d.privileges;
      if (!o.prune || d.is_public || !is_managed(d.grantee)) continue;
      privset wanted = 0;
      if (d.objtype == 'r' && !d.schema.empty())
        if (auto it = want.find({d.for_role, d.schema, d.grantee, d.is_public}); it != want.end()) wanted = it->second;
      const privset extra = d.privileges & ~wanted;
      if (extra && !live.current_is_superuser)
        ensure_can_act_as(d.for_role, "ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in that role");
      if (extra)
        add(step_kind::revoke_default, '-', d.grantee, "default privileges of " + quote_identifier(d.for_role),
            "ALTER DEFAULT PRIVILEGES FOR ROLE " + quote_identifier(d.for_role) +
                (d.schema.empty() ? std::string() : " IN SCHEMA " + quote_identifier(d.schema)) + " REVOKE " +
                privilege_list(extra) + " ON " + std::string(defacl_type(d.objtype)) + " FROM " + quote_identifier(d.grantee) + ";",
            "not in the spec (prune)");
    }
    for (const auto& [k, privs] : want) {
      const auto& [for_role, schema, grantee, pub] = k;
      privset current = 0;
      if (auto it = have.find(k); it != have.end()) current = it->second;
      const privset missing = privs & ~current;
      if (missing && !live.current_is_superuser)
        ensure_can_act_as(for_role, "ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in that role");
      if (missing)
        add(step_kind::grant_default, '+', pub ? "PUBLIC" : grantee,
            "default privileges of " + quote_identifier(for_role) + " in schema " + quote_identifier(schema),
            "ALTER DEFAULT PRIVILEGES FOR ROLE " + quote_identifier(for_role) + " IN SCHEMA " + quote_identifier(schema) +
                " GRANT " + privilege_list(missing) + " ON TABLES TO " + grantee_sql(grantee, pub) + ";",
            "declared: tables that " + quote_identifier(for_role) + " creates in schema " + quote_identifier(schema) +
                " get " + privilege_list(privs));
    }
  }

  void mappings() {
    if (!s.mappings.empty() && !live.has_mapping_view)
      throw engine_error("the spec maps IAM principals but sys.iam_pg_role_mappings does not exist (is dsql_iam created?)");
    std::set<std::pair<std::string, std::string>> want, have;
    for (const auto& m : s.mappings) want.emplace(m.role, m.arn);
    for (const auto& m : live.mappings) {
      have.emplace(m.role, m.arn);
      if (o.prune && is_managed(m.role) && !want.count({m.role, m.arn}) && !gone_mappings.count({m.role, m.arn}))
        add(step_kind::iam_revoke, '-', m.role, "IAM mapping " + quote_literal(m.arn), iam_sql(live.on, false, m.role, m.arn),
            "not in the spec (prune)");
    }
    for (const auto& [role, arn] : want)
      if (!have.count({role, arn}))
        add(step_kind::iam_grant, '+', role, "IAM mapping " + quote_literal(arn), iam_sql(live.on, true, role, arn),
            "declared in the spec, missing");
  }

  void retire() {
    for (const auto& name : s.retired_roles) {
      const live_role* lr = live.find_role(name);
      if (!lr) continue;
      if (lr->superuser) throw engine_error("role \"" + name + "\" is a superuser: never dropped by the engine");
      const std::string q = quote_identifier(name);
      const std::string me = quote_identifier(live.current_user);
      ensure_can_act_as(name, "REASSIGN OWNED and ALTER DEFAULT PRIVILEGES FOR ROLE need the privileges of the retired role");
      for (const auto& d : live.default_acls) {
        if (d.for_role != name && d.grantee != name) continue;
        add(step_kind::revoke_default, '-', name, "default privileges of " + quote_identifier(d.for_role),
            "ALTER DEFAULT PRIVILEGES FOR ROLE " + quote_identifier(d.for_role) +
                (d.schema.empty() ? std::string() : " IN SCHEMA " + quote_identifier(d.schema)) + " REVOKE ALL ON " +
                std::string(defacl_type(d.objtype)) + " FROM " + grantee_sql(d.grantee, d.is_public) + ";",
            "the role is retired");
      }
      // what the role granted on objects it does not own (delegated grants) would keep
      // DROP ROLE from succeeding: revoked as the role, naming it
      // DROP OWNED only revokes what the owner granted to the role; what others granted
      // it, and what it granted (even to itself), are revoked one by one, delegated first
      for (int pass = 0; pass < 2; ++pass)
        for (const auto& a : live.acls) {
          const auto& x = live.objects[a.object];
          if ((a.grantor != name && a.grantee != name) || x.owner == name || (a.is_public && a.grantor != name)) continue;
          if ((a.grantor != x.owner) != (pass == 0) || gone(a)) continue;
          const privset privs = current(a);
          note_revoke(a, privs);
          revoke(name, a, privs,
                 a.grantor == name ? "the role is retired: what it granted goes with it" : "the role is retired");
        }
      add(step_kind::reassign_owned, '~', name, "objects owned by " + q, "REASSIGN OWNED BY " + q + " TO " + me + ";",
          "the role is retired: its objects go to " + me);
      add(step_kind::drop_owned, '-', name, "privileges of " + q, "DROP OWNED BY " + q + ";",
          "the role is retired: its privileges and default privileges go");
      for (const auto& m : live.mappings)
        if (m.role == name)
          add(step_kind::iam_revoke, '-', name, "IAM mapping " + quote_literal(m.arn), iam_sql(live.on, false, name, m.arn),
              "the role is retired: a mapped role cannot be dropped");
      add(step_kind::drop_role, '-', name, "role " + q, "DROP ROLE " + q + ";", "the role is retired");
    }
  }
};

}  // namespace

plan diff(const spec& s, const state& live, const diff_options& o) {
  validate(s);
  builder b{s, live, o, {}, {}, {}, {}, {}, {}, {}, {}, true, {}, {}, {}, {}, {}};
  b.p.on = live.on;
  b.p.spec_name = s.name;
  for (const auto& r : s.roles) b.managed.insert(r.name);
  for (const auto& r : s.retired_roles) b.retired.insert(r);
  // Only what the plan cannot take away: the current user's direct memberships (the
  // current user is never managed), the implicit pg_database_owner, everything for a
  // superuser. An inherited membership may go with a membership revoke earlier in the plan.
  for (const auto& r : live.can_act_as)
    if (live.current_is_superuser || r == "pg_database_owner") b.acting.insert(r);
  for (const auto& m : live.memberships)
    if (m.member == live.current_user) b.acting.insert(m.role);
  b.roles();
  b.memberships();
  b.schemas();
  b.privileges();
  b.default_privileges();
  b.mappings();
  b.retire();
  return std::move(b.p);
}

// ---- printing ---------------------------------------------------------------------------

std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
    if (u == '\n') out += "\\n";
    else if (u == '\r') out += "\\r";
    else if (u == '\t') out += "\\t";
    else if (u < 0x20U || u == 0x7FU) out += std::string("\\x") + hex[u >> 4U] + hex[u & 15U];
    else if (u == 0xC2U && next >= 0x80U && next <= 0x9FU) {  // C1 control as UTF-8
      out += std::string("\\u00") + hex[next >> 4U] + hex[next & 15U];
      ++i;
    } else out += text[i];
  }
  return out;
}

std::string to_text(const plan& p) {
  std::size_t add = 0, change = 0, remove = 0;
  for (const auto& st : p.steps) (st.action == '+' ? add : st.action == '~' ? change : remove)++;
  const std::string name = printable(p.spec_name);
  if (p.steps.empty())
    return "No changes. The database matches the spec" + (name.empty() ? std::string() : " \"" + name + "\"") + ".\n";
  std::string out = "Plan for spec \"" + name + "\" on " + std::string(to_string(p.on)) + ": " + std::to_string(add) +
                    " to add, " + std::to_string(change) + " to change, " + std::to_string(remove) +
                    " to remove (steps run in the order of their numbers).\n";
  // group by role, groups in order of first appearance
  std::vector<std::string> groups;
  for (const auto& st : p.steps)
    if (std::find(groups.begin(), groups.end(), st.role) == groups.end()) groups.push_back(st.role);
  const std::size_t width = std::to_string(p.steps.size()).size();
  for (const auto& g : groups) {
    out += "\n" +
           (g.empty() ? std::string("schemas") : g == "PUBLIC" ? std::string("PUBLIC") : "role " + printable(quote_identifier(g))) +
           "\n";
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      const auto& st = p.steps[i];
      if (st.role != g) continue;
      std::string n = std::to_string(i + 1);
      n.insert(0, width - n.size(), ' ');
      out += "  " + std::string(1, st.action) + " " + n + ". " + printable(st.sql) + "\n";
      if (!st.act_as.empty())
        out += std::string(width + 7, ' ') + "(as " + printable(quote_identifier(st.act_as)) +
               (st.prologue.empty() ? ")\n" : ", with USAGE on the schema for this step only)\n");
      out += std::string(width + 7, ' ') + "# " + printable(st.reason) + "\n";
    }
  }
  return out;
}

std::string to_json(const plan& p) {
  using json = nlohmann::json;
  json j;
  j["spec"] = p.spec_name;
  j["target"] = to_string(p.on);
  j["changes"] = p.steps.size();
  j["steps"] = json::array();
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    json e{{"n", i + 1}, {"kind", to_string(st.kind)}, {"action", std::string(1, st.action)}, {"role", st.role},
           {"object", st.object}, {"sql", st.sql}, {"reason", st.reason}};
    if (!st.act_as.empty()) e["act_as"] = st.act_as;
    if (!st.prologue.empty()) e["prologue"] = st.prologue;
    if (!st.epilogue.empty()) e["epilogue"] = st.epilogue;
    j["steps"].push_back(std::move(e));
  }
  return j.dump(2) + "\n";
}

}  // namespace dsql::engine
