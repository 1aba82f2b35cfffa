// Printers: plans and live states as text for people (names escaped by printable(), so a
// catalog name cannot fake or hide a line) and as JSON for machines.
#include <dsql/name.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "engine/engine.hpp"

namespace dsql::engine {

using dsql::quote_identifier;

// ---- printing ---------------------------------------------------------------------------

std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
    if (u == '\n')
      out += "\\n";
    else if (u == '\r')
      out += "\\r";
    else if (u == '\t')
      out += "\\t";
    else if (u < 0x20U || u == 0x7FU)
      out += std::string("\\x") + hex[u >> 4U] + hex[u & 15U];
    else if (u == 0xC2U && next >= 0x80U && next <= 0x9FU) {  // C1 control as UTF-8
      out += std::string("\\u00") + hex[next >> 4U] + hex[next & 15U];
      ++i;
    } else
      out += text[i];
  }
  return out;
}

std::string printable_message(std::string_view text) {
  std::string out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t nl = text.find('\n', from);
    out += printable(text.substr(from, nl == std::string_view::npos ? std::string_view::npos : nl - from));
    if (nl == std::string_view::npos) break;
    out += '\n';
    from = nl + 1;
  }
  return out;
}

namespace {
std::string findings_text(const std::vector<finding>& fs) {
  std::string out;
  std::size_t drift = 0;
  for (const auto& f : fs) drift += f.drift ? 1 : 0;
  if (drift) out += "\nDrift the steps do not remove (" + std::to_string(drift) + "):\n";
  for (const auto& f : fs)
    if (f.drift) out += "  ! [" + std::string(to_string(f.what)) + "] " + printable(f.detail) + "\n";
  if (drift != fs.size()) out += "\nNotes:\n";
  for (const auto& f : fs)
    if (!f.drift) out += "  note [" + std::string(to_string(f.what)) + "] " + printable(f.detail) + "\n";
  return out;
}
}  // namespace

std::string to_text(const plan& p) {
  std::size_t add = 0, change = 0, remove = 0;
  for (const auto& st : p.steps) (st.action == '+' ? add : st.action == '~' ? change : remove)++;
  const std::string name = printable(p.spec_name);
  if (p.steps.empty()) {
    std::string out = p.drift() ? "No changes to apply, but the database differs from the spec" +
                                      (name.empty() ? std::string() : " \"" + name + "\"") + ".\n"
                                : "No changes. The database matches the spec" +
                                      (name.empty() ? std::string() : " \"" + name + "\"") + ".\n";
    return out + findings_text(p.findings);
  }
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
           (g.empty()       ? std::string("schemas")
            : g == "PUBLIC" ? std::string("PUBLIC")
                            : "role " + printable(quote_identifier(g))) +
           "\n";
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      const auto& st = p.steps[i];
      if (st.role != g) continue;
      std::string n = std::to_string(i + 1);
      n.insert(0, width - n.size(), ' ');
      out += "  " + std::string(1, st.action) + " " + n + ". " + printable(statement_text(st, p.on)) + "\n";
      if (!st.act_as.empty() || !st.lend.empty())
        out += std::string(width + 7, ' ') + "(" +
               (st.act_as.empty() ? std::string() : "as " + printable(quote_identifier(st.act_as))) +
               (st.lend.empty() ? std::string()
                                : std::string(st.act_as.empty() ? "" : ", ") + "membership in " +
                                      printable(quote_identifier(st.lend)) + " lent for this step") +
               (st.before.empty() ? ")\n" : ", with privileges lent for this step)\n");
      out += std::string(width + 7, ' ') + "# " + printable(st.reason) + "\n";
    }
  }
  return out + findings_text(p.findings);
}

std::string to_json(const plan& p) {
  using json = nlohmann::json;
  json j;
  j["spec"] = p.spec_name;
  j["target"] = to_string(p.on);
  j["changes"] = p.steps.size();
  j["drift"] = p.drift();
  j["steps"] = json::array();
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    json e{{"n", i + 1},         {"kind", to_string(st.kind)}, {"action", std::string(1, st.action)},
           {"role", st.role},    {"object", st.object},        {"sql", statement_text(st, p.on)},
           {"reason", st.reason}};
    if (!st.act_as.empty()) e["act_as"] = st.act_as;
    if (!st.lend.empty()) e["lend"] = st.lend;
    for (const auto& b : st.before) e["before"].push_back(sql::render(b));
    for (const auto& a : st.after) e["after"].push_back(sql::render(a));
    j["steps"].push_back(std::move(e));
  }
  j["findings"] = json::array();
  for (const auto& f : p.findings)
    j["findings"].push_back({{"kind", to_string(f.what)},
                             {"role", f.role},
                             {"object", f.object},
                             {"detail", f.detail},
                             {"drift", f.drift}});
  return j.dump(2) + "\n";
}

// ---- printing the state ------------------------------------------------------------------

namespace {
// names for people: quoted, control characters escaped (printable())
std::string shown(std::string_view n) { return printable(dsql::quote_identifier(n)); }
std::string shown_literal(std::string_view n) { return printable(dsql::quote_literal(n)); }
std::string object_name(const live_object& o) {
  std::string s;
  if (!o.schema.empty()) s = shown(o.schema) + ".";
  s += shown(o.name);
  if (o.kind == object_kind::function) s += "(" + printable(o.args) + ")";
  return s;
}
std::string grantee_name(const std::string& g, bool pub) { return pub ? "PUBLIC" : shown(g); }
std::vector<std::string> names(privilege_set p) {
  std::vector<std::string> out;
  for (auto k : p.list()) out.emplace_back(dsql::sql_keyword(k));
  return out;
}
}  // namespace

std::string to_text(const state& s) {
  std::string out = "-- live state of database " + shown(s.database) + " as " + shown(s.current_user) + " (server " +
                    std::to_string(s.server_version) + ", target " + std::string(to_string(s.on)) + ", " +
                    std::to_string(s.round_trips) + " round trips)\n";
  out += "roles:\n";
  for (const auto& r : s.roles) {
    if (r.name.starts_with("pg_")) continue;
    out += "  " + shown(r.name) + (r.login ? " LOGIN" : " NOLOGIN") + (r.superuser ? " SUPERUSER" : "") +
           (r.createrole ? " CREATEROLE" : "") + (r.inherit ? "" : " NOINHERIT") +
           (r.connection_limit >= 0 ? " CONNECTION LIMIT " + std::to_string(r.connection_limit) : "") + "\n";
  }
  out += "memberships:\n";
  for (const auto& m : s.memberships)
    out += "  " + shown(m.member) + " in " + shown(m.role) + " (granted by " + shown(m.grantor) +
           (m.admin_option ? ", with admin option)\n" : ")\n");
  out += "privileges:\n";
  for (const auto& a : s.acls) {
    const auto& o = s.objects[a.object];
    out += "  " + std::string(to_string(o.kind)) + " " + object_name(o) +
           (a.column.empty() ? "" : " column " + shown(a.column)) + ": " + grantee_name(a.grantee, a.is_public) + " " +
           privilege_list(a.privileges) +
           (a.grantable ? " (grantable: " + privilege_list(a.grantable) + ")" : std::string()) + " from " +
           shown(a.grantor) + (a.grantee == o.owner && !a.is_public ? " [owner]" : "") + "\n";
  }
  out += "default privileges:\n";
  for (const auto& d : s.default_acls)
    out += "  for role " + shown(d.for_role) +
           (d.schema.empty() ? std::string(" (all schemas)") : " in schema " + shown(d.schema)) + " on type " +
           std::string(1, d.objtype) + ": " + grantee_name(d.grantee, d.is_public) + " " +
           privilege_list(d.privileges) + "\n";
  out += "IAM mappings:\n";
  for (const auto& m : s.mappings)
    out += "  " + shown(m.role) + " <- " + shown_literal(m.arn) + " (granted by " + shown(m.grantor) + ")\n";
  return out;
}

std::string to_json(const state& s) {
  using json = nlohmann::json;
  json j;
  j["target"] = to_string(s.on);
  j["database"] = s.database;
  j["current_user"] = s.current_user;
  j["server_version"] = s.server_version;
  j["round_trips"] = s.round_trips;
  j["roles"] = json::array();
  for (const auto& r : s.roles)
    j["roles"].push_back({{"name", r.name},
                          {"login", r.login},
                          {"superuser", r.superuser},
                          {"createrole", r.createrole},
                          {"inherit", r.inherit},
                          {"connection_limit", r.connection_limit}});
  j["memberships"] = json::array();
  for (const auto& m : s.memberships)
    j["memberships"].push_back(
        {{"role", m.role}, {"member", m.member}, {"grantor", m.grantor}, {"admin_option", m.admin_option}});
  j["privileges"] = json::array();
  for (const auto& a : s.acls) {
    const auto& o = s.objects[a.object];
    json e{{"kind", to_string(o.kind)},
           {"schema", o.schema},
           {"name", o.name},
           {"owner", o.owner},
           {"grantee", a.is_public ? json(nullptr) : json(a.grantee)},
           {"public", a.is_public},
           {"grantor", a.grantor},
           {"privileges", names(a.privileges)},
           {"grantable", names(a.grantable)}};
    if (o.kind == object_kind::function) e["args"] = o.args;
    if (!a.column.empty()) e["column"] = a.column;
    j["privileges"].push_back(std::move(e));
  }
  j["default_privileges"] = json::array();
  for (const auto& d : s.default_acls)
    j["default_privileges"].push_back({{"for_role", d.for_role},
                                       {"schema", d.schema},
                                       {"objtype", std::string(1, d.objtype)},
                                       {"grantee", d.is_public ? json(nullptr) : json(d.grantee)},
                                       {"public", d.is_public},
                                       {"privileges", names(d.privileges)},
                                       {"grantable", names(d.grantable)}});
  j["mappings"] = json::array();
  for (const auto& m : s.mappings) j["mappings"].push_back({{"role", m.role}, {"arn", m.arn}, {"grantor", m.grantor}});
  return j.dump(2) + "\n";
}

}  // namespace dsql::engine
