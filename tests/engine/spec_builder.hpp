// Specs (dsql::model::cluster) built at run time in tests, in a few words each.
#pragma once

#include <dsql/model.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dsql::engine::test {

inline model::role role(std::string name, bool login = false) {
  model::role r;
  r.name = std::move(name);
  r.login = login;
  return r;
}

inline model::schema schema(std::string name, bool create = true) {
  model::schema s;
  s.name = std::move(name);
  s.create = create;
  return s;
}

inline model::grant grant(object_kind on, std::string schema, std::string object, privilege_set p,
                          std::string grantee) {
  model::grant g;
  g.privileges = p.list();
  g.on = on;
  g.schema = std::move(schema);
  g.object = std::move(object);
  if (grantee.empty())
    g.to_public = true;
  else
    g.grantee = std::move(grantee);
  return g;
}
// grantee "" is PUBLIC
inline model::grant on_schema(std::string schema, privilege_set p, std::string grantee) {
  return grant(object_kind::schema, std::move(schema), {}, p, std::move(grantee));
}
inline model::grant on_all_tables(std::string schema, privilege_set p, std::string grantee) {
  return grant(object_kind::all_tables_in_schema, std::move(schema), {}, p, std::move(grantee));
}
inline model::grant on_table(std::string schema, std::string table, privilege_set p, std::string grantee) {
  return grant(object_kind::table, std::move(schema), std::move(table), p, std::move(grantee));
}
inline model::grant on_database(privilege_set p, std::string grantee) {
  return grant(object_kind::database, {}, {}, p, std::move(grantee));
}
inline model::grant with_option(model::grant g) {
  g.with_grant_option = true;
  return g;
}

inline model::membership member_of(std::string group, std::string member, bool admin_option = false) {
  return {std::move(group), std::move(member), admin_option, false};
}

inline model::default_privilege default_on_tables(std::string creator, std::string schema, privilege_set p,
                                                  std::string grantee) {
  model::default_privilege d;
  d.creator = std::move(creator);
  d.privileges = p.list();
  d.on = object_kind::all_tables_in_schema;
  d.schema = std::move(schema);
  if (grantee.empty())
    d.to_public = true;
  else
    d.grantee = std::move(grantee);
  return d;
}

// arn:aws:iam::<account>:role/<path/name> or :user/<name>
inline model::principal principal_of(const std::string& arn) {
  const std::string prefix = "arn:aws:iam::";
  const auto colon = arn.find(':', prefix.size());
  const std::string account = arn.substr(prefix.size(), colon - prefix.size());
  const std::string rest = arn.substr(colon + 1);
  const bool user = rest.rfind("user/", 0) == 0;
  return {user ? principal_kind::iam_user : principal_kind::iam_role, rest.substr(5), account};
}
inline model::mapping mapping(std::string role, const std::string& arn) { return {std::move(role), principal_of(arn)}; }

inline privilege_set privs(std::initializer_list<privilege_kind> ps) {
  privilege_set s;
  for (auto p : ps) s |= p;
  return s;
}

}  // namespace dsql::engine::test
