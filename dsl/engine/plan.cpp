// Diff: the spec (dsql::model::cluster) against the live state, as an ordered list of typed
// steps and a list of findings (drift the steps do not remove).
//
// Rules (../shared/cases/privilege-bugs.md; the managed scope is in engine.hpp):
//   - roles: created with every declared attribute; LOGIN/NOLOGIN always compared,
//     INHERIT and CONNECTION LIMIT when declared (as the bootstrap does); aurora_dsql
//     refuses ALTER ROLE ... WITH, so there a difference is a finding with the way out;
//   - a privilege is present when any grantor gave it; the owner's rights are ownership,
//     never missing and never extra (P2);
//   - a declared revoke is applied whenever it does not hold, from every grantor; what a
//     declared role has beyond the spec is drift, revoked with prune, per (object,
//     grantee, grantor), naming the grantor (GRANTED BY, acting as it) (P4); a grant option
//     held beyond the spec is taken with REVOKE GRANT OPTION FOR;
//   - on a sensitive<> schema and its objects, anything held by a role the schema does not
//     list (PUBLIC included) is drift: revoked with prune for declared roles and PUBLIC,
//     with prune_undeclared for the others;
//   - ON ALL TABLES IN SCHEMA is expanded to the tables that exist now, so a table created
//     later is named in the next plan (P5); default privileges only as declared, with
//     their creator role (P6);
//   - order: roles, memberships (revokes first), schemas, privileges (revokes first),
//     default privileges, IAM mappings, then retired roles: default-privilege revokes,
//     the grants it received or made one by one, REASSIGN OWNED, DROP OWNED, IAM revokes,
//     DROP ROLE (P7);
//   - grants of the same privileges to the same grantees on objects of one kind are one
//     statement (GRANT SELECT ON TABLE a, b, c TO r): on aurora_dsql each statement is
//     its own transaction, and each commit costs milliseconds.
// PostgreSQL 15 details the plan follows (each found by the property tests):
//   - GRANTED BY accepts only the current user, and REVOKE runs as the acting role's
//     "best grantor": a delegated grant is revoked acting as its grantor (SET LOCAL
//     ROLE; admin first gets membership in it, which CREATEROLE allows), with USAGE on
//     the schema and the grant option lent for that step when the grantor lacks them
//     (orphans: grants whose grantor lost the option through a membership);
//   - only the owner grants on its objects: a grant on another role's object acts as it;
//   - a revoke of a privilege held WITH GRANT OPTION cascades (cascade.hpp models it);
//   - a table-level REVOKE also revokes the same column privileges;
//   - a declared membership that would close a cycle cuts the undeclared links on it;
//   - a mapped role cannot become NOLOGIN: its mappings go first.
// Aurora DSQL details (../shared/reference/dsql-rules.md): no SET ROLE and GRANTED BY only
// CURRENT_USER, so a grant that must act as another role, or a revoke of what another
// grantor gave, is a finding with the way out; schema public is a system entity (grants
// and revokes on it are refused): USAGE there comes through PUBLIC, and a difference is a
// finding; ALTER DEFAULT PRIVILEGES is not applied (as the bootstrap: re-run after
// migrations), a note.
#include <dsql/name.hpp>
#include <dsql/render.hpp>
#include <dsql/validate.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "engine/cascade.hpp"
#include "engine/intent.hpp"

namespace dsql::engine {

std::string privilege_list(privilege_set p) { return dsql::sql::privilege_list(p.list()); }

std::string_view to_string(step_kind k) noexcept {
  switch (k) {
    case step_kind::create_role:
      return "create_role";
    case step_kind::alter_role:
      return "alter_role";
    case step_kind::set_password:
      return "set_password";
    case step_kind::grant_membership:
      return "grant_membership";
    case step_kind::revoke_membership:
      return "revoke_membership";
    case step_kind::create_schema:
      return "create_schema";
    case step_kind::alter_schema_owner:
      return "alter_schema_owner";
    case step_kind::grant:
      return "grant";
    case step_kind::revoke:
      return "revoke";
    case step_kind::grant_default:
      return "grant_default";
    case step_kind::revoke_default:
      return "revoke_default";
    case step_kind::iam_grant:
      return "iam_grant";
    case step_kind::iam_revoke:
      return "iam_revoke";
    case step_kind::reassign_owned:
      return "reassign_owned";
    case step_kind::drop_owned:
      return "drop_owned";
    case step_kind::drop_role:
      return "drop_role";
  }
  return {};
}

std::string_view to_string(finding::kind k) noexcept {
  switch (k) {
    case finding::kind::excess:
      return "excess";
    case finding::kind::sensitive:
      return "sensitive";
    case finding::kind::undeclared:
      return "undeclared";
    case finding::kind::not_on_target:
      return "not_on_target";
    case finding::kind::cannot_alter:
      return "cannot_alter";
    case finding::kind::missing_object:
      return "missing_object";
  }
  return {};
}

bool plan::drift() const noexcept {
  return !steps.empty() || std::any_of(findings.begin(), findings.end(), [](const finding& f) { return f.drift; });
}

std::string statement_text(const step& s, target t) {
  if (s.kind == step_kind::set_password)
    return "ALTER ROLE " + dsql::quote_identifier(std::get<sql::role_statement>(s.what).role) +
           " WITH PASSWORD <the value of $" + s.password_env + ">;";
  return sql::render(s.what, t);
}

namespace {

using detail::acl_key;
using detail::object_key;
using dsql::quote_identifier;
using dsql::quote_literal;

std::string grantee_text(const std::string& g, bool pub) { return pub ? "PUBLIC" : quote_identifier(g); }

std::string object_text(object_kind k, const std::string& schema, const std::string& name, const std::string& args) {
  switch (k) {
    case object_kind::database:
      return "database " + quote_identifier(name);
    case object_kind::schema:
      return "schema " + quote_identifier(name);
    case object_kind::sequence:
      return "sequence " + sql::qualified(schema, name);
    case object_kind::function:
      return "function " + sql::qualified(schema, name) + "(" + args + ")";
    default:
      return "table " + sql::qualified(schema, name);
  }
}
std::string object_text(const live_object& o) { return object_text(o.kind, o.schema, o.name, o.args); }
std::string object_text(const object_key& k) {
  return object_text(std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k));
}

// The statement skeleton for privileges on one live (or planned) object.
sql::privilege_statement statement_on(const object_key& k, const std::string& column, char prokind) {
  sql::privilege_statement st;
  const auto& [kind, schema, name, args] = k;
  sql::object_ref o;
  switch (kind) {
    case object_kind::database:
      st.on = object_kind::database;
      o.name = name;
      break;
    case object_kind::schema:
      st.on = object_kind::schema;
      o.name = name;
      break;
    case object_kind::sequence:
      st.on = object_kind::sequence;
      o.schema = schema;
      o.name = name;
      break;
    case object_kind::function:
      st.on = object_kind::function;
      st.routine = prokind == 'p';  // a procedure: ON ROUTINE
      o.schema = schema;
      o.name = name;
      o.arguments = args;
      break;
    default:
      st.on = column.empty() ? object_kind::table : object_kind::columns;
      o.schema = schema;
      o.name = name;
      if (!column.empty()) st.columns = {column};
      break;
  }
  st.objects.push_back(std::move(o));
  return st;
}

struct builder {
  const model::cluster& s;
  const state& live;
  const diff_options& o;
  std::string account;
  plan p;
  std::set<std::string> managed, retired;
  std::map<std::string, std::set<std::string>> readers;  // sensitive schema -> the roles it lists
  std::set<std::string> declared_schemas;
  std::set<std::pair<std::string, std::string>> gone_mappings;  // (role, arn) revoked early
  std::set<std::string> acting;  // roles the current user can act as, after planned steps
  // memberships after the plan's membership steps: member -> roles it is in
  std::map<std::string, std::set<std::string>> graph;
  std::map<std::string, std::set<std::string>> ancestors_memo;
  detail::revoke_cascade cascade;
  std::set<std::pair<std::string, std::string>> usage_granted;  // (role, schema) by a grant step
  std::map<std::string, std::size_t> schema_objects;            // schema name -> object index

  builder(const model::cluster& spec, const state& l, const diff_options& opts)
      : s(spec),
        live(l),
        o(opts),
        cascade(l, [this](const std::string& r) -> const std::set<std::string>& { return ancestors(r); }) {}

  bool dsql_target() const { return live.on == target::aurora_dsql; }

  step& add(step_kind k, char action, std::string role, std::string object, sql::statement what, std::string reason,
            std::string act_as = {}) {
    step st;
    st.kind = k;
    st.action = action;
    st.role = std::move(role);
    st.object = std::move(object);
    st.what = std::move(what);
    st.reason = std::move(reason);
    st.act_as = std::move(act_as);
    p.steps.push_back(std::move(st));
    return p.steps.back();
  }
  void note(finding::kind k, std::string role, std::string object, std::string detail, bool drift = true) {
    p.findings.push_back({k, std::move(role), std::move(object), std::move(detail), drift});
  }
  bool is_managed(const std::string& r) const { return managed.count(r) != 0; }

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

  const live_object* schema_object(const std::string& schema) {
    if (schema_objects.empty())
      for (std::size_t i = 0; i < live.objects.size(); ++i)
        if (live.objects[i].kind == object_kind::schema) schema_objects[live.objects[i].name] = i;
    auto so = schema_objects.find(schema);
    return so == schema_objects.end() ? nullptr : &live.objects[so->second];
  }

  // role has USAGE on schema after the steps so far (its own entry, PUBLIC's, or ownership)
  bool has_usage(const std::string& role, const std::string& schema) {
    if (usage_granted.count({role, schema})) return true;
    const live_object* so = schema_object(schema);
    if (!so) return false;
    for (std::size_t j : cascade.entries_of(static_cast<std::size_t>(so - live.objects.data()))) {
      const auto& a = live.acls[j];
      const auto& x = live.objects[a.object];
      if (!a.column.empty()) continue;
      if (x.owner == role) return true;
      if ((a.is_public || a.grantee == role) && cascade.surviving(a).has(privilege_kind::usage)) return true;
    }
    return false;
  }

  bool can_act_as(const std::string& role) const { return role == live.current_user || acting.count(role); }
  // postgres_local: PostgreSQL 15 accepts GRANTED BY only for the current user, and only
  // an owner grants on its objects; to act as `role` the current user needs membership,
  // which admin (CREATEROLE) lends itself for the step (not for a superuser or pg_ role).
  // Returns the role to lend ("" when the current user is a member already); nullopt when
  // the current user cannot act as it (aurora_dsql has no SET ROLE).
  std::optional<std::string> act_as_lend(const std::string& role) const {
    if (can_act_as(role)) return std::string();
    if (dsql_target()) return std::nullopt;
    const live_role* r = live.find_role(role);
    if (r && (r->superuser || role.starts_with("pg_"))) return std::nullopt;
    if (!r && !is_managed(role)) return std::nullopt;
    return role;
  }

  // The role whose membership the current user needs to name objects in `schema` (USAGE
  // on it), after the plan's schema steps: its owner, when that is someone else and the
  // current user has no USAGE there of its own or through PUBLIC; "" when none is needed.
  std::string schema_lend_for(const std::string& schema) {
    if (schema.empty() || live.current_is_superuser || dsql_target()) return {};
    const live_object* x = schema_object(schema);
    std::string owner = x ? x->owner : std::string();
    for (const auto& sc : s.schemas)
      if (sc.name == schema && !sc.owner.empty()) owner = sc.owner;
    if (owner.empty() || owner == live.current_user || can_act_as(owner)) return {};
    if (x)
      for (std::size_t j : cascade.entries_of(static_cast<std::size_t>(x - live.objects.data()))) {
        const auto& a = live.acls[j];
        if (!a.is_public && a.grantee == x->owner) continue;  // the old owner's: goes with ALTER ... OWNER TO
        if (a.column.empty() && (a.is_public || a.grantee == live.current_user) &&
            cascade.surviving(a).has(privilege_kind::usage))
          return {};
      }
    return owner;
  }

  // ---- revokes of live ACL entries -----------------------------------------------------------

  // The REVOKE of privileges `privs` (or only their grant option) given by a.grantor.
  // PostgreSQL 15 accepts GRANTED BY only for the current user, so on postgres_local the
  // step acts as the grantor (SET LOCAL ROLE) when it is someone else; a plain REVOKE by
  // another role would revoke nothing (P4). aurora_dsql: only what the current user gave.
  void revoke(const std::string& group, const live_acl& a, privilege_set privs, bool option_only,
              const std::string& reason) {
    const live_object& x = live.objects[a.object];
    const std::string& grantor = a.grantor;
    const bool other = grantor != live.current_user;
    if (other && dsql_target()) {
      note(finding::kind::cannot_alter, a.is_public ? "PUBLIC" : a.grantee, object_text(x),
           reason + ": " + privilege_list(privs) + " on " + object_text(x) + " granted by " +
               quote_identifier(grantor) + " - Aurora DSQL takes GRANTED BY only for the current user, so connect as " +
               quote_identifier(grantor) + " and revoke it");
      return;
    }
    if (option_only)
      cascade.note_revoke_grant_option(a, privs);
    else
      cascade.note_revoke(a, privs);
    sql::privilege_statement st = statement_on(detail::key_of(x), a.column, x.prokind);
    st.revoke = true;
    st.grant_option_for = option_only;
    st.privileges = privs.list();
    st.grantees = {{a.is_public ? std::string() : a.grantee, a.is_public}};
    if (!dsql_target()) st.granted_by = grantor;
    st.cascade = !(a.grantable & privs).empty();
    std::string lend;
    if (other)  // acting as the grantor: GRANTED BY takes only the current user
      lend = act_as_lend(grantor).value_or(std::string());
    std::string what = object_text(x) + (a.column.empty() ? std::string() : " column " + quote_identifier(a.column));
    step& stp = add(step_kind::revoke, '-', group, what, st, reason + " (granted by " + quote_identifier(grantor) + ")",
                    other ? grantor : std::string());
    stp.lend = lend.empty() && !other ? schema_lend_for(x.schema) : lend;
    if (!other) return;
    // Acting as the grantor needs USAGE on the object's schema to name the object: a
    // grantor without it gets it for this step only (granted and revoked in the step's
    // transaction, so its privileges are unchanged).
    if (!x.schema.empty() && !has_usage(grantor, x.schema)) {
      sql::privilege_statement u = statement_on({object_kind::schema, "", x.schema, ""}, "", 0);
      u.privileges = {privilege_kind::usage};
      u.grantees = {{grantor, false}};
      stp.before.push_back(u);
      u.revoke = true;
      stp.after.push_back(u);
    }
    // PostgreSQL revokes as the "best grantor" of the acting role: the role itself only
    // when it holds the grant option directly (otherwise a role it is a member of, or
    // nobody for an orphan whose grantor lost the option). A grantor without the option
    // directly gets it from the owner for this step, taken away again after.
    privilege_set direct;
    for (std::size_t j : cascade.entries_of(a.object)) {
      const auto& e = live.acls[j];
      if (e.column.empty() && !e.is_public && e.grantee == grantor) direct |= cascade.surviving_grantable(e);
    }
    if ((direct & privs) != privs && a.column.empty() && x.owner != grantor &&
        (x.owner == live.current_user || live.current_is_superuser)) {
      privilege_set had;  // what the grantor keeps from the owner, without grant option
      for (std::size_t j : cascade.entries_of(a.object)) {
        const auto& e = live.acls[j];
        if (e.column.empty() && !e.is_public && e.grantee == grantor && e.grantor == x.owner)
          had |= cascade.surviving(e);
      }
      const privilege_set lend = privs.minus(direct);
      had &= lend;
      sql::privilege_statement g = statement_on(detail::key_of(x), "", x.prokind);
      g.privileges = lend.list();
      g.grantees = {{grantor, false}};
      g.with_grant_option = true;
      stp.before.push_back(g);
      std::vector<sql::privilege_statement> epi;
      if (!had.empty()) {
        sql::privilege_statement r = g;
        r.with_grant_option = false;
        r.revoke = true;
        r.grant_option_for = true;
        r.privileges = had.list();
        r.cascade = true;
        epi.push_back(r);
      }
      if (!lend.minus(had).empty()) {
        sql::privilege_statement r = g;
        r.with_grant_option = false;
        r.revoke = true;
        r.privileges = lend.minus(had).list();
        r.cascade = true;
        epi.push_back(r);
      }
      stp.after.insert(stp.after.begin(), epi.begin(), epi.end());
    }
  }

  // ---- roles ------------------------------------------------------------------------------

  void roles() {
    const bool local = !dsql_target();
    for (const auto& r : s.roles) {
      const live_role* lr = live.find_role(r.name);
      if (lr && lr->superuser)
        throw engine_error("role \"" + r.name + "\" is a superuser on the server: superusers are never managed");
      const std::string q = quote_identifier(r.name);
      const sql::role_attributes attrs{r.login, r.inherit, r.connection_limit};
      if (!lr) {
        add(step_kind::create_role, '+', r.name, "role " + q, sql::role_statement{false, r.name, attrs},
            "declared in the spec, missing");
        if (local && !r.password_env.empty() && std::getenv(r.password_env.c_str())) {
          step& st = add(step_kind::set_password, '~', r.name, "password of role " + q,
                         sql::role_statement{true, r.name, attrs}, "declared: password from $" + r.password_env);
          st.password_env = r.password_env;
        }
        continue;
      }
      std::string differs;
      if (lr->login != r.login) differs += r.login ? "declared LOGIN, is NOLOGIN" : "declared NOLOGIN, is LOGIN";
      if (r.inherit && lr->inherit != *r.inherit)
        differs += std::string(differs.empty() ? "" : "; ") +
                   (*r.inherit ? "declared INHERIT, is NOINHERIT" : "declared NOINHERIT, is INHERIT");
      if (r.connection_limit && lr->connection_limit != *r.connection_limit)
        differs += std::string(differs.empty() ? "" : "; ") + "declared CONNECTION LIMIT " +
                   std::to_string(*r.connection_limit) + ", is " + std::to_string(lr->connection_limit);
      if (local && o.set_passwords && !r.password_env.empty() && std::getenv(r.password_env.c_str())) {
        step& st =
            add(step_kind::set_password, '~', r.name, "password of role " + q, sql::role_statement{true, r.name, attrs},
                "declared: password from $" + r.password_env + " (set_passwords: a password hash cannot be compared)");
        st.password_env = r.password_env;
      }
      if (differs.empty()) continue;
      if (!local) {
        note(finding::kind::cannot_alter, r.name, "role " + q,
             differs +
                 " - Aurora DSQL refuses ALTER ROLE ... WITH, so a role's attributes are set when it is created: "
                 "revoke its IAM mappings, drop it (dsql::render_revoke ... {.drop = true}) and apply again to "
                 "recreate it");
        continue;
      }
      // dsql_iam (and DSQL) refuse NOLOGIN on a mapped role: its mappings go first
      if (!r.login && lr->login)
        for (const auto& m : live.mappings)
          if (m.role == r.name) {
            add(step_kind::iam_revoke, '-', r.name, "IAM mapping " + quote_literal(m.arn),
                sql::iam_statement{false, m.role, m.arn}, "declared NOLOGIN: a mapped role must have LOGIN");
            gone_mappings.emplace(m.role, m.arn);
          }
      add(step_kind::alter_role, '~', r.name, "role " + q, sql::role_statement{true, r.name, attrs}, differs);
    }
  }

  // ---- memberships ---------------------------------------------------------------------------

  struct wanted_membership {
    bool admin_option = false;
    std::string why;
  };

  void memberships() {
    std::map<std::pair<std::string, std::string>, wanted_membership> want;  // (group, member)
    for (const auto& m : s.memberships) {
      if (!live.find_role(m.group) && !is_managed(m.group))
        throw engine_error("role \"" + m.member + "\" is declared a member of \"" + m.group +
                           "\", which does not exist");
      if (const live_role* lr = live.find_role(m.group); lr && lr->superuser)
        throw engine_error("role \"" + m.member + "\" is declared a member of \"" + m.group +
                           "\", a superuser: superuser memberships are never granted");
      want[{m.group, m.member}] = {m.admin_option, "declared in the spec"};
    }
    auto declared = [&](const std::string& group, const std::string& member) -> const wanted_membership* {
      auto it = want.find({group, member});
      return it == want.end() ? nullptr : &it->second;
    };
    // Live memberships that would close a cycle with a declared one ("revokes before
    // grants when a membership is reversed"): for each missing (group, member), a chain
    // group -> ... -> member in the live graph (X member of Y as X -> Y) is cut at its
    // undeclared links between managed roles.
    std::set<std::pair<std::string, std::string>> cut;  // (group, member)
    {
      std::map<std::string, std::vector<std::string>> up;  // member -> roles it is in
      for (const auto& m : live.memberships) up[m.member].push_back(m.role);
      for (const auto& [k, w] : want) up[k.second].push_back(k.first);  // granted earlier in the plan
      for (const auto& [k, w] : want) {
        const auto& [group, member] = k;
        bool present = false;
        for (const auto& m : live.memberships) present = present || (m.role == group && m.member == member);
        if (present) continue;
        for (bool progress = true; progress;) {  // every chain, until none is left
          progress = false;
          std::map<std::string, std::string> parent;  // node -> the member it was reached from
          std::vector<std::string> todo{group};
          parent[group] = group;
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
          for (std::string y = member; y != group; y = parent[y]) {
            const std::string& x = parent[y];  // x is a member of y
            const bool live_edge = std::any_of(live.memberships.begin(), live.memberships.end(),
                                               [&](const live_membership& m) { return m.role == y && m.member == x; });
            if (live_edge && !want.count({y, x}) && (is_managed(x) || retired.count(x) || retired.count(y)))
              progress = cut.emplace(y, x).second || progress;
          }
        }
      }
    }
    std::set<std::pair<std::string, std::string>> have;
    for (const auto& m : live.memberships) {
      have.emplace(m.role, m.member);
      graph[m.member].insert(m.role);
      const wanted_membership* w = declared(m.role, m.member);
      const bool reversed = cut.count({m.role, m.member}) != 0;
      sql::membership_statement st;
      st.revoke = true;
      st.group = m.role;
      st.member = m.member;
      if (w && !reversed) {
        // declared without ADMIN OPTION: one granted by hand is taken back (as the bootstrap does)
        if (m.admin_option && !w->admin_option && dsql_target()) {
          note(finding::kind::cannot_alter, m.member, "admin option on role " + quote_identifier(m.role),
               "declared without ADMIN OPTION; Aurora DSQL was not seen accepting REVOKE ADMIN OPTION FOR: revoke the "
               "membership and grant it again");
        } else if (m.admin_option && !w->admin_option) {
          st.admin_option = true;
          add(step_kind::revoke_membership, '~', m.member, "admin option on role " + quote_identifier(m.role), st,
              "declared without ADMIN OPTION");
        }
        continue;
      }
      const bool member_managed = is_managed(m.member) && !retired.count(m.role);
      // (the runner acts for schema owners and creators: its memberships are the tool's)
      const std::string sensitive_at =
          m.member == live.current_user ? std::string() : sensitive_reach(m.role, m.member);
      if (!reversed && !member_managed) {
        if (!sensitive_at.empty()) {
          if (o.prune_undeclared && !is_reserved_role_name(m.member)) {
            graph[m.member].erase(m.role);
            add(step_kind::revoke_membership, '-', m.member, "membership in role " + quote_identifier(m.role), st,
                "an undeclared role inherits access to sensitive schema " + sensitive_at + " (prune_undeclared)");
          } else {
            note(finding::kind::sensitive, m.member, "membership in role " + quote_identifier(m.role),
                 "role " + quote_identifier(m.member) + " is not listed on sensitive schema " + sensitive_at +
                     " and inherits access there as a member of " + quote_identifier(m.role) +
                     " (prune_undeclared revokes the membership)");
          }
        } else if (is_managed(m.role) && !retired.count(m.member) && m.member != live.current_user) {
          note(finding::kind::undeclared, m.member, "membership in role " + quote_identifier(m.role),
               "undeclared role " + quote_identifier(m.member) + " is a member of declared role " +
                   quote_identifier(m.role) + " and holds its privileges",
               false);
        }
        continue;
      }
      if (!o.prune && !reversed) {
        note(sensitive_at.empty() ? finding::kind::excess : finding::kind::sensitive, m.member,
             "membership in role " + quote_identifier(m.role),
             "role " + quote_identifier(m.member) + " is a member of " + quote_identifier(m.role) +
                 ", which the spec does not declare (prune revokes it)");
        continue;
      }
      graph[m.member].erase(m.role);
      add(step_kind::revoke_membership, '-', m.member, "membership in role " + quote_identifier(m.role), st,
          std::string(reversed ? "would form a cycle with a declared membership" : "not in the spec (prune)") +
              " (granted by " + quote_identifier(m.grantor) + ")");
    }
    for (const auto& [k, w] : want) graph[k.second].insert(k.first);
    ancestors_memo.clear();
    cascade.invalidate();
    for (const auto& [k, w] : want) {
      const auto& [group, member] = k;
      bool admin = false, present = false;
      for (const auto& m : live.memberships)
        if (m.role == group && m.member == member) present = true, admin = m.admin_option;
      if (present && (admin || !w.admin_option)) continue;
      if (member == live.current_user) acting.insert(group);
      sql::membership_statement st;
      st.group = group;
      st.member = member;
      st.admin_option = w.admin_option;
      add(step_kind::grant_membership, present ? '~' : '+', member, "membership in role " + quote_identifier(group), st,
          present ? w.why + " WITH ADMIN OPTION, granted without" : w.why + ", missing");
    }
  }

  // The sensitive schema (quoted) a member of `group` reaches although `member` is not
  // listed there, or "".
  std::string sensitive_reach(const std::string& group, const std::string& member) {
    for (const auto& [schema, listed] : readers) {
      if (listed.count(member)) continue;
      for (const auto& g : ancestors(group))
        if (listed.count(g)) return quote_identifier(schema);
    }
    return {};
  }

  // ---- schemas ------------------------------------------------------------------------------

  void schemas() {
    for (const auto& sc : s.schemas) {
      const live_object* x = schema_object(sc.name);
      const std::string q = quote_identifier(sc.name);
      if (!x) {
        if (!sc.create)
          throw engine_error("schema \"" + sc.name + "\" is declared as existing, but the server has none");
        // giving a schema to another role needs membership in it
        add(step_kind::create_schema, '+', "", "schema " + q, sql::schema_statement{false, sc.name, sc.owner},
            "declared in the spec, missing")
            .lend = sc.owner.empty() || live.current_is_superuser ? std::string() : act_as_lend(sc.owner).value_or("");
        continue;
      }
      if (!sc.owner.empty() && x->owner != sc.owner)
        add(step_kind::alter_schema_owner, '~', "", "schema " + q, sql::schema_statement{true, sc.name, sc.owner},
            "declared owner " + quote_identifier(sc.owner) + ", owned by " + quote_identifier(x->owner))
            .lend = live.current_is_superuser ? std::string() : act_as_lend(sc.owner).value_or("");
    }
  }

  // ---- privileges -----------------------------------------------------------------------------

  bool is_public_schema(const object_key& k) const {
    return std::get<0>(k) == object_kind::schema && std::get<2>(k) == "public";
  }
  // the sensitive schema an object is (in), or ""
  std::string sensitive_schema_of(const live_object& x) const {
    const std::string& sc = x.kind == object_kind::schema ? x.name : x.schema;
    return readers.count(sc) ? sc : std::string();
  }

  void privileges() {
    detail::intent in = detail::expand(s, live);
    for (auto& n : in.notes) p.findings.push_back(std::move(n));
    std::map<object_key, const live_object*> objects;
    for (const auto& x : live.objects) objects[detail::key_of(x)] = &x;
    auto wanted_of = [&](const acl_key& k) -> const detail::wanted* {
      auto it = in.grants.find(k);
      return it == in.grants.end() ? nullptr : &it->second;
    };
    auto managed_object = [&](const live_object& x) {
      const std::string& sc = x.kind == object_kind::schema ? x.name : x.schema;
      return x.kind == object_kind::database ? false : declared_schemas.count(sc) != 0;
    };

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
        const privilege_set cur = cascade.current(a);
        if (cur.empty()) continue;
        const acl_key key{detail::key_of(x), a.column, a.is_public ? std::string() : a.grantee, a.is_public};
        if (!a.is_public && x.owner == a.grantee) {  // ownership, not a grant (P2)...
          // ...but a revoke the spec declares from the owner is run as declared (the
          // bootstrap runs it too; an owner may take privileges from itself)
          if (auto it = in.revokes.find(key); it != in.revokes.end() && !(cur & it->second.privileges).empty())
            revoke(a.grantee, a, cur & it->second.privileges, false, it->second.why);
          continue;
        }
        const std::string who = a.is_public ? "PUBLIC" : a.grantee;
        const std::string what =
            object_text(x) + (a.column.empty() ? std::string() : " column " + quote_identifier(a.column));
        // 1. declared revokes hold, whatever the grantor (a table-level one covers columns too)
        privilege_set revoked;
        if (auto it = in.revokes.find(key); it != in.revokes.end()) revoked |= it->second.privileges;
        if (!a.column.empty())
          if (auto it = in.revokes.find({key.object, "", key.grantee, key.is_public}); it != in.revokes.end())
            revoked |= it->second.privileges;
        privilege_set left = cur;
        if (const privilege_set r = cur & revoked; !r.empty()) {
          if (dsql_target() && is_public_schema(key.object)) {
            note(
                finding::kind::cannot_alter, who, what,
                "declared revoke of " + privilege_list(r) + " from " + grantee_text(a.grantee, a.is_public) +
                    " does not hold on schema public, a system entity on Aurora DSQL (grants and revokes on it are refused)");
            continue;
          }
          revoke(who, a, r, false, in.revokes.count(key) ? in.revokes[key].why : "declared revoke");
          left = left.minus(r);
          if (left.empty()) continue;
        }
        // 2. beyond the spec
        const detail::wanted* w = wanted_of(key);
        const privilege_set extra = left.minus(w ? w->privileges : privilege_set{});
        const privilege_set extra_option =
            (cascade.surviving_grantable(a) & left).minus(w ? w->grantable : privilege_set{}).minus(extra);
        if (extra.empty() && extra_option.empty()) continue;
        const std::string sensitive = sensitive_schema_of(x);
        const bool listed = !sensitive.empty() && !a.is_public && readers[sensitive].count(a.grantee);
        const bool declared_grantee = !a.is_public && is_managed(a.grantee);
        if (!sensitive.empty() && !listed) {
          // not listed on a sensitive schema: drift, whoever holds it. PUBLIC gets nothing
          // there (sensitive<> declares it; the bootstrap revokes it too), a declared role
          // is revoked with prune, an undeclared one with prune_undeclared.
          const bool may =
              a.is_public || (o.prune && declared_grantee) || (o.prune_undeclared && !declared_grantee && !a.is_public);
          if (may && !(dsql_target() && is_public_schema(key.object))) {
            revoke(who, a, left, false,
                   grantee_text(a.grantee, a.is_public) + " is not listed on sensitive schema " +
                       quote_identifier(sensitive));
          } else {
            note(finding::kind::sensitive, who, what,
                 grantee_text(a.grantee, a.is_public) + " holds " + privilege_list(left) + " on " + what +
                     " but is not listed on sensitive schema " + quote_identifier(sensitive) +
                     (declared_grantee ? " (prune revokes it)" : " (prune_undeclared revokes it)"));
          }
          continue;
        }
        if (a.is_public) continue;  // PUBLIC: only what the spec names is managed
        if (!declared_grantee) {
          if (!managed_object(x) || retired.count(a.grantee)) continue;
          if (o.prune_undeclared && a.grantee != live.current_user &&
              !(dsql_target() && is_public_schema(key.object))) {
            revoke(who, a, extra, false, "undeclared role on a managed object (prune_undeclared)");
          } else {
            note(finding::kind::undeclared, who, what,
                 "undeclared role " + quote_identifier(a.grantee) + " holds " + privilege_list(extra | extra_option) +
                     " on " + what + " (prune_undeclared revokes it)",
                 false);
          }
          continue;
        }
        if (!o.prune) {
          note(finding::kind::excess, who, what,
               quote_identifier(a.grantee) + " holds " +
                   (extra.empty() ? "the grant option of " + privilege_list(extra_option) : privilege_list(extra)) +
                   " on " + what + " beyond the spec (prune revokes it)");
          continue;
        }
        if (dsql_target() && is_public_schema(key.object)) {
          note(finding::kind::cannot_alter, who, what,
               quote_identifier(a.grantee) + " holds " + privilege_list(extra) +
                   " on schema public beyond the spec; schema public is a system entity on Aurora DSQL");
          continue;
        }
        if (!extra.empty()) revoke(who, a, extra, false, "not in the spec (prune)");
        if (!extra_option.empty()) revoke(who, a, extra_option, true, "grant option not in the spec (prune)");
      }

    // what the server has after the revokes: per ACL key the union over grantors
    std::map<acl_key, std::pair<privilege_set, privilege_set>> have;  // privileges, grantable
    for (const auto& a : live.acls) {
      const auto& x = live.objects[a.object];
      privilege_set cur = cascade.current(a), opt = cascade.surviving_grantable(a) & cur;
      if (retired.count(a.grantor) && x.owner != a.grantor) cur = opt = {};  // revoked with the retired role
      auto& h = have[{detail::key_of(x), a.column, a.is_public ? std::string() : a.grantee, a.is_public}];
      h.first |= cur;
      h.second |= opt;
    }
    for (const auto& [key, w] : in.grants) {
      auto it = objects.find(key.object);
      if (it != objects.end() && !key.is_public && it->second->owner == key.grantee) continue;  // the owner has it (P2)
      privilege_set cur, cur_option;
      if (auto h = have.find(key); h != have.end()) std::tie(cur, cur_option) = h->second;
      // Aurora DSQL: schema public is a system entity; USAGE there comes through PUBLIC
      if (dsql_target() && is_public_schema(key.object)) {
        privilege_set via_public;
        if (auto h = have.find({key.object, "", "", true}); h != have.end()) via_public = h->second.first;
        const privilege_set lacking = w.privileges.minus(cur | via_public);
        if (!lacking.empty() || !w.grantable.minus(cur_option).empty())
          note(finding::kind::cannot_alter, grantee_text(key.grantee, key.is_public), "schema \"public\"",
               w.why + ": " + grantee_text(key.grantee, key.is_public) + " lacks " +
                   privilege_list(lacking | w.grantable) +
                   " on schema public, a system entity on Aurora DSQL (grants on it are refused)");
        continue;
      }
      const privilege_set missing = w.privileges.minus(cur);
      const privilege_set missing_option = w.grantable.minus(cur_option);
      if (missing.empty() && missing_option.empty()) continue;
      // Only the owner (or a member of it) may grant on an object: act as the owner
      // when the current user is a member (admin cannot grant on others' objects).
      std::string act_as, lend;
      // the owner after the plan: a schema's declared owner (ALTER SCHEMA ... OWNER TO above)
      std::string owner_after = it != objects.end() ? it->second->owner : std::string();
      if (std::get<0>(key.object) == object_kind::schema)
        for (const auto& sc : s.schemas)
          if (sc.name == std::get<2>(key.object) && !sc.owner.empty()) owner_after = sc.owner;
      if (!key.is_public && owner_after == key.grantee) continue;  // the owner has it (P2)
      if (!owner_after.empty() && !live.current_is_superuser && owner_after != live.current_user) {
        const std::string& owner = owner_after;
        const auto how = act_as_lend(owner);  // only the owner grants on its objects: act as it
        if (!how && dsql_target()) {
          note(finding::kind::cannot_alter, grantee_text(key.grantee, key.is_public), object_text(key.object),
               w.why + ": " + object_text(key.object) + " is owned by " + quote_identifier(owner) +
                   ", and Aurora DSQL's admin cannot grant on objects other roles created - connect as " +
                   quote_identifier(owner) + " to grant it, or create the object as admin");
          continue;
        }
        if (how && !dsql_target()) {
          act_as = owner;
          lend = *how;
        }
      }
      if (std::get<0>(key.object) == object_kind::schema && missing.has(privilege_kind::usage) && !key.is_public)
        usage_granted.emplace(key.grantee, std::get<2>(key.object));
      const char prokind = it != objects.end() ? it->second->prokind : 0;
      auto grant = [&](privilege_set privs, bool option) {
        sql::privilege_statement st = statement_on(key.object, key.column, prokind);
        st.privileges = privs.list();
        st.grantees = {{key.grantee, key.is_public}};
        st.with_grant_option = option;
        std::string what =
            object_text(key.object) + (key.column.empty() ? std::string() : " column " + quote_identifier(key.column));
        add(step_kind::grant, '+', key.is_public ? "PUBLIC" : key.grantee, what, st,
            w.why + (cur.empty() ? std::string() : "; has " + privilege_list(cur)), act_as)
            .lend = lend.empty() && act_as.empty() ? schema_lend_for(std::get<1>(key.object)) : lend;
      };
      const privilege_set plain = missing.minus(w.grantable);
      const privilege_set with_option = missing_option | (missing & w.grantable);
      if (!plain.empty()) grant(plain, false);
      if (!with_option.empty()) grant(with_option, true);
    }
  }

  // ---- default privileges ---------------------------------------------------------------------

  void default_privileges() {
    using key =
        std::tuple<std::string, std::string, char, std::string, bool>;  // creator, schema, objtype, grantee, public
    std::map<key, detail::wanted> want;
    for (const auto& d : s.default_privileges) {
      const char t = sql::default_object_type(d.on);
      auto& w = want[{d.creator, d.schema, t, d.to_public ? std::string() : d.grantee, d.to_public}];
      const privilege_set ps = privilege_set::of(d.privileges);
      w.privileges |= ps;
      if (d.with_grant_option) w.grantable |= ps;
    }
    if (dsql_target()) {
      for (const auto& [k, w] : want) {
        const auto& [creator, schema, t, grantee, pub] = k;
        note(finding::kind::not_on_target, pub ? "PUBLIC" : grantee,
             "default privileges of " + quote_identifier(creator) + " in schema " + quote_identifier(schema),
             "default privileges are not applied on aurora_dsql (Aurora DSQL refuses ALTER DEFAULT PRIVILEGES for "
             "another role): apply again after each migration, as the bootstrap script is run again",
             false);
      }
      return;
    }
    std::map<key, std::pair<privilege_set, privilege_set>> have;
    auto statement = [](const key& k) {
      const auto& [creator, schema, t, grantee, pub] = k;
      sql::default_privilege_statement st;
      st.creator = creator;
      st.schema = schema;
      st.objtype = t;
      st.grantees = {{grantee, pub}};
      return st;
    };
    for (const auto& d : live.default_acls) {
      const key k{d.for_role, d.schema, d.objtype, d.is_public ? std::string() : d.grantee, d.is_public};
      if (!d.schema.empty()) {
        have[k].first |= d.privileges;
        have[k].second |= d.grantable;
      }
      if (d.schema.empty() || retired.count(d.for_role)) continue;
      const bool declared_grantee = !d.is_public && is_managed(d.grantee);
      const detail::wanted* w = want.count(k) ? &want[k] : nullptr;
      const privilege_set extra = d.privileges.minus(w ? w->privileges : privilege_set{});
      const privilege_set extra_option = d.grantable.minus(w ? w->grantable : privilege_set{}).minus(extra);
      if (extra.empty() && extra_option.empty()) continue;
      const std::string what =
          "default privileges of " + quote_identifier(d.for_role) + " in schema " + quote_identifier(d.schema);
      const bool sensitive = readers.count(d.schema) && (d.is_public || !readers[d.schema].count(d.grantee));
      if (!declared_grantee && !sensitive) continue;
      if (!(o.prune || (sensitive && !declared_grantee && o.prune_undeclared))) {
        note(sensitive ? finding::kind::sensitive : finding::kind::excess, d.is_public ? "PUBLIC" : d.grantee, what,
             grantee_text(d.grantee, d.is_public) + " gets " + privilege_list(extra | extra_option) + " on new " +
                 std::string(sql::default_object_keyword(d.objtype)) + " beyond the spec (prune revokes it)");
        continue;
      }
      // ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in that role
      const std::string lend =
          live.current_is_superuser ? std::string() : act_as_lend(d.for_role).value_or(std::string());
      sql::default_privilege_statement st = statement(k);
      st.revoke = true;
      if (!extra.empty()) {
        st.privileges = extra.list();
        add(step_kind::revoke_default, '-', d.is_public ? "PUBLIC" : d.grantee, what, st, "not in the spec (prune)")
            .lend = lend;
      }
      if (!extra_option.empty()) {
        st.grant_option_for = true;
        st.privileges = extra_option.list();
        add(step_kind::revoke_default, '-', d.is_public ? "PUBLIC" : d.grantee, what, st,
            "grant option not in the spec (prune)")
            .lend = lend;
      }
    }
    for (const auto& [k, w] : want) {
      const auto& [creator, schema, t, grantee, pub] = k;
      privilege_set cur, cur_option;
      if (auto it = have.find(k); it != have.end()) std::tie(cur, cur_option) = it->second;
      const privilege_set missing = w.privileges.minus(cur);
      const privilege_set missing_option = w.grantable.minus(cur_option);
      if (missing.empty() && missing_option.empty()) continue;
      // ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in that role
      const std::string lend = live.current_is_superuser ? std::string() : act_as_lend(creator).value_or(std::string());
      const std::string what =
          "default privileges of " + quote_identifier(creator) + " in schema " + quote_identifier(schema);
      const std::string why = "declared: " + std::string(sql::default_object_keyword(t)) + " that " +
                              quote_identifier(creator) + " creates in schema " + quote_identifier(schema) + " get " +
                              privilege_list(w.privileges) + (w.grantable.empty() ? "" : " (with grant option)");
      const privilege_set plain = missing.minus(w.grantable);
      const privilege_set with_option = missing_option | (missing & w.grantable);
      for (int pass = 0; pass < 2; ++pass) {
        const privilege_set privs = pass == 0 ? plain : with_option;
        if (privs.empty()) continue;
        sql::default_privilege_statement st = statement(k);
        st.privileges = privs.list();
        st.with_grant_option = pass == 1;
        add(step_kind::grant_default, '+', pub ? "PUBLIC" : grantee, what, st, why).lend = lend;
      }
    }
  }

  // ---- IAM mappings ---------------------------------------------------------------------------

  void mappings() {
    if (!s.mappings.empty() && !live.has_mapping_view)
      throw engine_error(
          "the spec maps IAM principals but sys.iam_pg_role_mappings does not exist (is dsql_iam created?)");
    std::set<std::pair<std::string, std::string>> want, have;
    for (const auto& m : s.mappings) want.emplace(m.role, m.who.arn(account));
    for (const auto& m : live.mappings) {
      have.emplace(m.role, m.arn);
      if (!is_managed(m.role) || want.count({m.role, m.arn}) || gone_mappings.count({m.role, m.arn})) continue;
      if (!o.prune) {
        note(finding::kind::excess, m.role, "IAM mapping " + quote_literal(m.arn),
             "IAM principal " + m.arn + " is mapped to " + quote_identifier(m.role) +
                 ", which the spec does not declare (prune revokes it)");
        continue;
      }
      add(step_kind::iam_revoke, '-', m.role, "IAM mapping " + quote_literal(m.arn),
          sql::iam_statement{false, m.role, m.arn}, "not in the spec (prune)");
    }
    for (const auto& [role, arn] : want)
      if (!have.count({role, arn}))
        add(step_kind::iam_grant, '+', role, "IAM mapping " + quote_literal(arn), sql::iam_statement{true, role, arn},
            "declared in the spec, missing");
  }

  // ---- retired roles --------------------------------------------------------------------------

  void retire() {
    std::set<std::string> dropped;  // earlier in this loop: their entries went with them
    for (const auto& name : s.retired_roles) {
      const live_role* lr = live.find_role(name);
      if (!lr) continue;
      if (lr->superuser) throw engine_error("role \"" + name + "\" is a superuser: never dropped by the engine");
      const std::string q = quote_identifier(name);
      // REASSIGN OWNED, DROP OWNED and ALTER DEFAULT PRIVILEGES FOR ROLE need its privileges
      const std::string lend = live.current_is_superuser ? std::string() : act_as_lend(name).value_or(std::string());
      for (const auto& d : live.default_acls) {
        if (d.for_role != name && d.grantee != name) continue;
        if (dropped.count(d.for_role) || (!d.is_public && dropped.count(d.grantee))) continue;
        sql::default_privilege_statement st;
        st.revoke = true;
        st.creator = d.for_role;
        st.schema = d.schema;
        st.objtype = d.objtype;
        st.grantees = {{d.is_public ? std::string() : d.grantee, d.is_public}};
        add(step_kind::revoke_default, '-', name, "default privileges of " + quote_identifier(d.for_role), st,
            "the role is retired")
            .lend = d.for_role == name          ? lend
                    : live.current_is_superuser ? std::string()
                                                : act_as_lend(d.for_role).value_or(std::string());
      }
      // DROP OWNED only revokes what the owner granted to the role; what others granted
      // it, and what it granted (even to itself), are revoked one by one, delegated first
      for (int pass = 0; pass < 2; ++pass)
        for (const auto& a : live.acls) {
          const auto& x = live.objects[a.object];
          if ((a.grantor != name && a.grantee != name) || x.owner == name || (a.is_public && a.grantor != name))
            continue;
          if ((a.grantor != x.owner) != (pass == 0) || cascade.gone(a)) continue;
          const privilege_set privs = cascade.current(a);
          if (privs.empty()) continue;
          revoke(name, a, privs, false,
                 a.grantor == name ? "the role is retired: what it granted goes with it" : "the role is retired");
        }
      using action = sql::owned_statement::action;
      add(step_kind::reassign_owned, '~', name, "objects owned by " + q,
          sql::owned_statement{action::reassign_owned, name, live.current_user},
          "the role is retired: its objects go to " + quote_identifier(live.current_user))
          .lend = lend;
      add(step_kind::drop_owned, '-', name, "privileges of " + q, sql::owned_statement{action::drop_owned, name, {}},
          "the role is retired: its privileges and default privileges go")
          .lend = lend;
      for (const auto& m : live.mappings)
        if (m.role == name)
          add(step_kind::iam_revoke, '-', name, "IAM mapping " + quote_literal(m.arn),
              sql::iam_statement{false, name, m.arn}, "the role is retired: a mapped role cannot be dropped");
      add(step_kind::drop_role, '-', name, "role " + q, sql::owned_statement{action::drop_role, name, {}},
          "the role is retired");
      dropped.insert(name);
    }
  }

  // ---- one statement for many objects ---------------------------------------------------------

  // Grant steps that differ only in their object become one statement (up to
  // max_objects objects): fewer round trips, and on aurora_dsql fewer transactions.
  static constexpr std::size_t max_objects = 500;
  void merge_grants() {
    std::vector<step> out;
    out.reserve(p.steps.size());
    std::map<std::string, std::size_t> open;                 // signature -> index in out
    std::map<std::size_t, std::vector<std::string>> labels;  // index in out -> its objects, for people
    for (auto& st : p.steps) {
      auto* g = std::get_if<sql::privilege_statement>(&st.what);
      if (st.kind != step_kind::grant || !g || !st.before.empty() || !st.after.empty() ||
          g->on == object_kind::columns || g->objects.size() != 1) {
        out.push_back(std::move(st));
        continue;
      }
      sql::privilege_statement sig = *g;
      sig.objects.clear();
      const std::string key = sql::render(sig) + '\0' + st.act_as + '\0' + st.lend;
      if (auto it = open.find(key); it != open.end()) {
        auto& mg = std::get<sql::privilege_statement>(out[it->second].what);
        if (mg.objects.size() < max_objects) {
          mg.objects.push_back(g->objects.front());
          labels[it->second].push_back(st.object);
          std::string& reason = out[it->second].reason;
          if (reason != st.reason && reason.find(st.reason) == std::string::npos) reason += "; " + st.reason;
          continue;
        }
      }
      open[key] = out.size();
      labels[out.size()] = {st.object};
      out.push_back(std::move(st));
    }
    for (const auto& [i, l] : labels) {
      if (l.size() < 2) continue;
      std::string text = std::to_string(l.size()) + " objects: ";
      for (std::size_t k = 0; k < l.size() && k < 3; ++k) text += (k ? ", " : "") + l[k];
      if (l.size() > 3) text += ", ...";
      out[i].object = std::move(text);
    }
    p.steps = std::move(out);
  }
};

}  // namespace

plan diff(const model::cluster& spec, const state& live, const diff_options& o) {
  dsql::validate_for(spec, live.on);
  builder b{spec, live, o};
  b.p.on = live.on;
  b.p.spec_name = spec.name;
  if (dsql::detail::needs_account(spec)) b.account = dsql::detail::resolve_account(spec, {});
  for (const auto& r : spec.roles) b.managed.insert(r.name);
  for (const auto& r : spec.retired_roles) b.retired.insert(r);
  for (const auto& sc : spec.schemas) {
    b.declared_schemas.insert(sc.name);
    if (sc.sensitive) b.readers[sc.name].insert(sc.readers.begin(), sc.readers.end());
  }
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
  b.merge_grants();
  return std::move(b.p);
}

}  // namespace dsql::engine
