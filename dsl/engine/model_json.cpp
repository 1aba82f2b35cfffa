// The spec as JSON (see model_json.hpp).
#include "engine/model_json.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <set>
#include <vector>

namespace dsql::engine {

namespace {

using json = nlohmann::json;

// ---- writing ------------------------------------------------------------------------------

constexpr std::array<std::pair<object_kind, std::string_view>, 9> kind_names{{
    {object_kind::database, "database"},
    {object_kind::schema, "schema"},
    {object_kind::all_tables_in_schema, "all_tables_in_schema"},
    {object_kind::table, "table"},
    {object_kind::columns, "columns"},
    {object_kind::sequence, "sequence"},
    {object_kind::all_sequences_in_schema, "all_sequences_in_schema"},
    {object_kind::function, "function"},
    {object_kind::all_functions_in_schema, "all_functions_in_schema"},
}};

std::string_view kind_name(object_kind k) {
  for (const auto& [kind, name] : kind_names)
    if (kind == k) return name;
  return {};
}

json privileges_json(const std::vector<privilege_kind>& ps) {
  json a = json::array();
  for (auto p : ps) a.push_back(std::string(sql_keyword(p)));
  return a;
}

json principal_json(const model::principal& p) {
  return {{"kind", p.kind == principal_kind::iam_user ? "user" : "role"}, {"name", p.name}, {"account", p.account}};
}

json grant_json(const model::grant& g) {
  json e{{"privileges", privileges_json(g.privileges)},
         {"on", kind_name(g.on)},
         {"schema", g.schema},
         {"object", g.object},
         {"arguments", g.arguments},
         {"columns", g.columns},
         {"with_grant_option", g.with_grant_option}};
  if (g.to_public)
    e["public"] = true;
  else
    e["grantee"] = g.grantee;
  return e;
}

// ---- reading ------------------------------------------------------------------------------

// Finds keys given twice, with their path (nlohmann keeps the last one silently).
class duplicate_keys : public nlohmann::json_sax<json> {
 public:
  std::string error;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    frames_.push_back({true, {}, {}, 0});
    return true;
  }
  bool key(string_t& k) override {
    auto& f = frames_.back();
    if (!f.keys.insert(k).second) {
      error = path() + (path().empty() ? "" : ".") + k + ": the key is given twice";
      return false;
    }
    f.key = k;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return value();
  }
  bool start_array(std::size_t) override {
    frames_.push_back({false, {}, {}, 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return value();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error = "not valid JSON at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

 private:
  struct frame {
    bool object;
    std::set<std::string> keys;
    std::string key;
    std::size_t index;
  };
  std::vector<frame> frames_;
  bool value() {  // a value ended: the next array element
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  std::string path() const {
    std::string p;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const auto& f = frames_[i];
      if (f.object)
        p += (p.empty() ? "" : ".") + f.key;
      else
        p += "[" + std::to_string(f.index) + "]";
    }
    return p;
  }
};

struct reader {
  [[noreturn]] static void fail(const std::string& path, const std::string& what) {
    throw spec_json_error("spec JSON: " + (path.empty() ? std::string("the document") : path) + ": " + what);
  }
  static std::string at(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  static std::string type_of(const json& j) { return j.type_name(); }

  // An object with only the given keys; required ones present.
  static void keys(const json& j, const std::string& path, std::initializer_list<std::string_view> allowed,
                   std::initializer_list<std::string_view> required = {}) {
    if (!j.is_object()) fail(path, "must be an object, not " + type_of(j));
    for (const auto& [k, v] : j.items()) {
      bool known = false;
      for (auto a : allowed) known = known || a == k;
      if (!known) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(at(path, k), "unknown key (known here: " + list + ")");
      }
    }
    for (auto r : required)
      if (!j.contains(std::string(r))) fail(at(path, r), "is required");
  }
  static std::string str(const json& j, const std::string& path, std::string_view key, std::string def = {}) {
    auto it = j.find(std::string(key));
    if (it == j.end()) return def;
    if (!it->is_string()) fail(at(path, key), "must be a string, not " + type_of(*it));
    return it->get<std::string>();
  }
  static bool boolean(const json& j, const std::string& path, std::string_view key, bool def) {
    auto it = j.find(std::string(key));
    if (it == j.end()) return def;
    if (!it->is_boolean()) fail(at(path, key), "must be true or false, not " + type_of(*it));
    return it->get<bool>();
  }
  static std::vector<std::string> strings(const json& j, const std::string& path, std::string_view key) {
    std::vector<std::string> out;
    auto it = j.find(std::string(key));
    if (it == j.end()) return out;
    if (!it->is_array()) fail(at(path, key), "must be an array of strings, not " + type_of(*it));
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      if (!e.is_string()) fail(at(path, key) + "[" + std::to_string(i) + "]", "must be a string, not " + type_of(e));
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  static const json* array(const json& j, const std::string& path, std::string_view key) {
    auto it = j.find(std::string(key));
    if (it == j.end()) return nullptr;
    if (!it->is_array()) fail(at(path, key), "must be an array, not " + type_of(*it));
    return &*it;
  }
  static std::string item(const std::string& path, std::string_view key, std::size_t i) {
    return at(path, key) + "[" + std::to_string(i) + "]";
  }

  static object_kind kind(const json& j, const std::string& path) {
    const std::string v = str(j, path, "on");
    for (const auto& [k, n] : kind_names)
      if (n == v) return k;
    std::string list;
    for (const auto& [k, n] : kind_names) list += (list.empty() ? "" : ", ") + std::string(n);
    fail(at(path, "on"), "must be one of " + list + ", not \"" + v + "\"");
  }
  // ["SELECT", ...], or "ALL" / ["ALL"]: the object kind's whole set (dsql::all)
  static std::vector<privilege_kind> privileges(const json& j, const std::string& path, object_kind on) {
    const std::string p = at(path, "privileges");
    const json& v = j.at("privileges");
    auto all = [&] {
      auto set = privileges_of(on);
      return std::vector<privilege_kind>(set.begin(), set.end());
    };
    if (v.is_string()) {
      if (v.get<std::string>() == "ALL") return all();
      fail(p, "must be an array of privileges or \"ALL\", not \"" + v.get<std::string>() + "\"");
    }
    if (!v.is_array()) fail(p, "must be an array of privileges or \"ALL\", not " + type_of(v));
    if (v.size() == 1 && v[0].is_string() && v[0].get<std::string>() == "ALL") return all();
    std::vector<privilege_kind> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string ip = p + "[" + std::to_string(i) + "]";
      if (!v[i].is_string()) fail(ip, "must be a string, not " + type_of(v[i]));
      const auto k = privilege_of_keyword(v[i].get<std::string>());
      if (!k) fail(ip, "unknown privilege \"" + v[i].get<std::string>() + "\"");
      out.push_back(*k);
    }
    return out;
  }
  static model::principal principal(const json& j, const std::string& path) {
    keys(j, path, {"kind", "name", "account"}, {"name"});
    model::principal p;
    const std::string k = str(j, path, "kind", "role");
    if (k == "user")
      p.kind = principal_kind::iam_user;
    else if (k != "role")
      fail(at(path, "kind"), "must be \"role\" or \"user\", not \"" + k + "\"");
    p.name = str(j, path, "name");
    p.account = str(j, path, "account");
    return p;
  }
  // "grantee": "x" or "public": true (exactly one)
  static void grantee(const json& j, const std::string& path, std::string& name, bool& to_public) {
    to_public = boolean(j, path, "public", false);
    if (j.contains("public") && !to_public)
      fail(at(path, "public"), "is only ever true (PUBLIC); name a role with \"grantee\"");
    if (to_public == j.contains("grantee"))
      fail(path, "needs exactly one of \"grantee\" (a role) and \"public\": true");
    if (!to_public) name = str(j, path, "grantee");
  }
  static model::grant grant(const json& j, const std::string& path) {
    keys(j, path,
         {"privileges", "on", "schema", "object", "arguments", "columns", "grantee", "public", "with_grant_option"},
         {"privileges", "on"});
    model::grant g;
    g.on = kind(j, path);
    g.privileges = privileges(j, path, g.on);
    g.schema = str(j, path, "schema");
    g.object = str(j, path, "object");
    g.arguments = str(j, path, "arguments");
    g.columns = strings(j, path, "columns");
    grantee(j, path, g.grantee, g.to_public);
    g.with_grant_option = boolean(j, path, "with_grant_option", false);
    return g;
  }

  static model::cluster cluster(const json& j) {
    keys(j, "",
         {"name", "account_id", "region", "cluster_id", "roles", "schemas", "grants", "revokes", "default_privileges",
          "memberships", "mappings", "admins", "principals", "retired_roles"});
    model::cluster c;
    c.name = str(j, "", "name");
    c.account_id = str(j, "", "account_id");
    c.region = str(j, "", "region");
    c.cluster_id = str(j, "", "cluster_id");
    if (const json* a = array(j, "", "roles"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& r = (*a)[i];
        const std::string p = item("", "roles", i);
        keys(r, p, {"name", "login", "inherit", "connection_limit", "password_env", "component"}, {"name"});
        model::role m;
        m.name = str(r, p, "name");
        m.login = boolean(r, p, "login", false);
        if (auto it = r.find("inherit"); it != r.end() && !it->is_null()) {
          if (!it->is_boolean()) fail(at(p, "inherit"), "must be true, false or null, not " + type_of(*it));
          m.inherit = it->get<bool>();
        }
        if (auto it = r.find("connection_limit"); it != r.end() && !it->is_null()) {
          if (!it->is_number_integer())
            fail(at(p, "connection_limit"), "must be an integer or null, not " + type_of(*it));
          const auto v = it->get<long long>();
          if (v < -1 || v > 2147483647) fail(at(p, "connection_limit"), "must be -1 or more");
          m.connection_limit = static_cast<int>(v);
        }
        m.password_env = str(r, p, "password_env");
        m.component = str(r, p, "component");
        c.roles.push_back(std::move(m));
      }
    if (const json* a = array(j, "", "schemas"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& s = (*a)[i];
        const std::string p = item("", "schemas", i);
        keys(s, p, {"name", "create", "owner", "sensitive", "readers"}, {"name"});
        model::schema m;
        m.name = str(s, p, "name");
        m.create = boolean(s, p, "create", true);
        m.owner = str(s, p, "owner");
        m.sensitive = boolean(s, p, "sensitive", false);
        m.readers = strings(s, p, "readers");
        if (!m.sensitive && !m.readers.empty())
          fail(at(p, "readers"), "lists readers of a schema that is not sensitive");
        c.schemas.push_back(std::move(m));
      }
    if (const json* a = array(j, "", "grants"))
      for (std::size_t i = 0; i < a->size(); ++i) c.grants.push_back(grant((*a)[i], item("", "grants", i)));
    if (const json* a = array(j, "", "revokes"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        c.revokes.push_back(grant((*a)[i], item("", "revokes", i)));
        if (c.revokes.back().with_grant_option)
          fail(at(item("", "revokes", i), "with_grant_option"), "has no meaning on a revoke");
      }
    if (const json* a = array(j, "", "default_privileges"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& d = (*a)[i];
        const std::string p = item("", "default_privileges", i);
        keys(d, p, {"creator", "privileges", "on", "schema", "grantee", "public", "with_grant_option"},
             {"creator", "privileges", "on", "schema"});
        model::default_privilege m;
        m.creator = str(d, p, "creator");
        m.on = kind(d, p);
        m.privileges = privileges(d, p, m.on);
        m.schema = str(d, p, "schema");
        grantee(d, p, m.grantee, m.to_public);
        m.with_grant_option = boolean(d, p, "with_grant_option", false);
        c.default_privileges.push_back(std::move(m));
      }
    if (const json* a = array(j, "", "memberships"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& m = (*a)[i];
        const std::string p = item("", "memberships", i);
        keys(m, p, {"group", "member", "admin_option", "predefined_group"}, {"group", "member"});
        c.memberships.push_back({str(m, p, "group"), str(m, p, "member"), boolean(m, p, "admin_option", false),
                                 boolean(m, p, "predefined_group", false)});
      }
    if (const json* a = array(j, "", "mappings"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& m = (*a)[i];
        const std::string p = item("", "mappings", i);
        keys(m, p, {"role", "principal"}, {"role", "principal"});
        c.mappings.push_back({str(m, p, "role"), principal(m.at("principal"), at(p, "principal"))});
      }
    if (const json* a = array(j, "", "admins"))
      for (std::size_t i = 0; i < a->size(); ++i) c.admins.push_back(principal((*a)[i], item("", "admins", i)));
    if (const json* a = array(j, "", "principals"))
      for (std::size_t i = 0; i < a->size(); ++i) c.principals.push_back(principal((*a)[i], item("", "principals", i)));
    c.retired_roles = strings(j, "", "retired_roles");
    return c;
  }
};

}  // namespace

std::string model_to_json(const model::cluster& c) {
  json j;
  j["name"] = c.name;
  j["account_id"] = c.account_id;
  j["region"] = c.region;
  j["cluster_id"] = c.cluster_id;
  j["roles"] = json::array();
  for (const auto& r : c.roles) {
    json e{{"name", r.name}, {"login", r.login}, {"password_env", r.password_env}, {"component", r.component}};
    e["inherit"] = r.inherit ? json(*r.inherit) : json(nullptr);
    e["connection_limit"] = r.connection_limit ? json(*r.connection_limit) : json(nullptr);
    j["roles"].push_back(std::move(e));
  }
  j["schemas"] = json::array();
  for (const auto& s : c.schemas)
    j["schemas"].push_back({{"name", s.name},
                            {"create", s.create},
                            {"owner", s.owner},
                            {"sensitive", s.sensitive},
                            {"readers", s.readers}});
  j["grants"] = json::array();
  for (const auto& g : c.grants) j["grants"].push_back(grant_json(g));
  j["revokes"] = json::array();
  for (const auto& g : c.revokes) {
    json e = grant_json(g);
    e.erase("with_grant_option");
    j["revokes"].push_back(std::move(e));
  }
  j["default_privileges"] = json::array();
  for (const auto& d : c.default_privileges) {
    json e{{"creator", d.creator},
           {"privileges", privileges_json(d.privileges)},
           {"on", kind_name(d.on)},
           {"schema", d.schema},
           {"with_grant_option", d.with_grant_option}};
    if (d.to_public)
      e["public"] = true;
    else
      e["grantee"] = d.grantee;
    j["default_privileges"].push_back(std::move(e));
  }
  j["memberships"] = json::array();
  for (const auto& m : c.memberships)
    j["memberships"].push_back({{"group", m.group},
                                {"member", m.member},
                                {"admin_option", m.admin_option},
                                {"predefined_group", m.predefined_group}});
  j["mappings"] = json::array();
  for (const auto& m : c.mappings) j["mappings"].push_back({{"role", m.role}, {"principal", principal_json(m.who)}});
  j["admins"] = json::array();
  for (const auto& a : c.admins) j["admins"].push_back(principal_json(a));
  j["principals"] = json::array();
  for (const auto& p : c.principals) j["principals"].push_back(principal_json(p));
  j["retired_roles"] = c.retired_roles;
  return j.dump(2) + "\n";
}

model::cluster model_from_json(std::string_view text) {
  duplicate_keys check;
  if (!json::sax_parse(text, &check)) throw spec_json_error("spec JSON: " + check.error);
  try {
    return reader::cluster(json::parse(text));
  } catch (const json::exception& e) {  // (the checks above leave none; kept for safety)
    throw spec_json_error(std::string("spec JSON: ") + e.what());
  }
}

}  // namespace dsql::engine
