// dsql/cluster_rules.hpp - the rules of a cluster as a whole, written once.
//
// A cluster rule looks across declarations: names are unique, what a grant, membership,
// owner or IAM mapping names is declared, memberships form no cycle, sensitive schemas
// reach only their listed readers, every IAM principal is used. Each is one constexpr
// check over the model in `first_cluster_rule(const model::cluster&)`, which
//   - at compile time, a cluster's check (check_t<cluster<...>>, cluster.hpp) evaluates
//     on the model its declarations describe, once every element's own rules hold; the
//     violation's element index is mapped back to the declaration type, so the error
//     names the culprit (detail/rule.hpp: located);
//   - at run time, dsql::validate (validate.hpp) calls on any model (JSON, the engine's
//     CLI, a test) and throws the same rule's sentence.
// This is the {fmt} pattern: one validator, run by the compiler or by the program. The
// rules of single declarations (a name's characters, a privilege that fits its object)
// are shared constexpr predicates (name.hpp, privilege.hpp, iam.hpp) used by the element's
// type check and by validate's element loop; the rules of a target are
// `first_target_rule` (validate.hpp), asked the same two ways.
//
// Cost: O(n log n) in the number of declarations (sorted name indexes); the membership
// cycle's culprit search is quadratic in the memberships, and only runs when a cycle exists.
//
// Include order: model.hpp includes this header at its end, and cluster.hpp includes
// model.hpp at its end, so whichever of the three comes first, this file is read after
// the cluster types and the model structs it uses.
#ifndef DSQL_CLUSTER_RULES_HPP
#define DSQL_CLUSTER_RULES_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "cluster.hpp"
#include "model.hpp"

namespace dsql {

// The cluster rules, in the order they are checked (the first one broken is reported).
enum class cluster_rule {
  ok,
  role_names_unique,
  schema_names_unique,
  schema_owner_declared,
  grantee_declared,
  grant_schema_declared,
  creator_declared,
  membership_acyclic,
  sensitive_schema_reader,
  revoke_not_from_schema_owner,
  mapped_role_declared,
  mapped_role_has_login,
  admin_identity_not_mapped,
  iam_entries_unique,
  principal_mapped,
  role_declared_or_retired,
};

namespace detail {
// Rule types indexed by an enum whose first value (ok) is ok_t: the type and the sentence of
// each value, from one list.
template <class... Rules>
struct rule_table {
  template <auto R>
  using type = type_at_t<static_cast<std::size_t>(R), Rules...>;
  static constexpr std::array<std::string_view, sizeof...(Rules)> messages{Rules::message...};
  template <class Enum>
  static constexpr std::string_view message(Enum r) noexcept {
    const auto i = static_cast<std::size_t>(r);
    return i < messages.size() ? messages[i] : std::string_view{};
  }
};
using cluster_rules_table =
    rule_table<ok_t, assert_role_names_unique_t, assert_schema_names_unique_t, assert_schema_owner_declared_t,
               assert_grantee_declared_t, assert_grant_schema_declared_t, assert_creator_declared_t,
               assert_membership_acyclic_t, assert_sensitive_schema_reader_t, assert_revoke_not_from_schema_owner_t,
               assert_mapped_role_declared_t, assert_mapped_role_has_login_t, assert_admin_identity_not_mapped_t,
               assert_iam_entries_unique_t, assert_principal_mapped_t, assert_role_declared_or_retired_t>;
}  // namespace detail

// The rule type (its sentence, its static_assert) of each cluster_rule.
template <cluster_rule R>
using cluster_rule_t = detail::cluster_rules_table::type<R>;

constexpr std::string_view cluster_rule_message(cluster_rule r) noexcept {
  return detail::cluster_rules_table::message(r);
}

// Which declarations a violation's index counts, in declaration order.
enum class cluster_part { none, roles, schemas, grants, iam, retired_roles };

// A broken cluster rule and the declaration at fault: element `index` of `part` (grants
// counts grants, revokes, default privileges and memberships together, as dsql::grants<...>
// lists them; iam counts mappings, admin identities and principals as dsql::iam<...> does).
struct cluster_rule_violation {
  cluster_rule rule = cluster_rule::ok;
  cluster_part part = cluster_part::none;
  std::size_t index = 0;
  constexpr explicit operator bool() const noexcept { return rule != cluster_rule::ok; }
};

namespace detail {

// A cluster as its rules read it: the descriptions of its declarations (model.hpp:
// role_desc ...), string views into the spec's constants at compile time or into a
// model at run time.
struct cluster_desc {
  std::span<const role_desc> roles;
  std::span<const schema_desc> schemas;
  std::span<const grant_desc> grants;  // grants, revokes, default privileges, memberships
  std::span<const iam_desc> iam;       // mappings, admin identities, declared principals
  std::span<const std::string_view> retired_roles;
};

// The descriptions of a run-time model (views into it: the model must outlive this).
// Grants, revokes, default privileges and memberships are described in that order.
// `normalize_arguments` maps a function grant's argument types to another spelling (the
// live catalog's, for dsql::access::model_view); nullptr keeps them as written.
class model_description {
 public:
  constexpr explicit model_description(const model::cluster& c,
                                       std::string (*normalize_arguments)(std::string_view) = nullptr)
      : normalize_(normalize_arguments) {
    std::size_t readers = 0, columns = 0;
    for (const auto& s : c.schemas) readers += s.readers.size();
    for (const auto& g : c.grants) columns += g.columns.size();
    for (const auto& g : c.revokes) columns += g.columns.size();
    // reserved up front: the spans below point into these vectors
    names_.reserve(readers + columns + c.grants.size() + c.revokes.size() + c.default_privileges.size());
    if (normalize_) normalized_.reserve(c.grants.size() + c.revokes.size());
    for (const auto& r : c.roles)
      roles_.push_back({r.name, r.login, r.inherit ? int{*r.inherit} : -1, r.connection_limit.has_value(),
                        r.connection_limit.value_or(-1), r.password_env, r.component});
    for (const auto& s : c.schemas) schemas_.push_back({s.name, s.create, s.owner, s.sensitive, views(s.readers)});
    for (const model::grant& g : c.grants) grants_.push_back(describe(g, grant_desc_kind::grant));
    for (const model::grant& g : c.revokes) grants_.push_back(describe(g, grant_desc_kind::revoke));
    for (const auto& d : c.default_privileges) {
      grant_desc x;
      x.kind = grant_desc_kind::default_privileges;
      x.creator = d.creator;
      x.privileges = d.privileges;
      x.on = d.on;
      x.schema = d.schema;
      x.grantees = grantee(d.grantee);
      x.grant_option = d.with_grant_option;
      grants_.push_back(x);
    }
    for (const auto& m : c.memberships) {
      grant_desc x;
      x.kind = grant_desc_kind::membership;
      x.group = m.group;
      x.member = m.member;
      x.admin_option = m.admin_option;
      x.predefined_group = m.predefined_group;
      grants_.push_back(x);
    }
    auto who = [](const model::principal& p) { return principal_desc{p.kind, p.name, p.account}; };
    for (const auto& m : c.mappings) iam_.push_back({0, m.role, who(m.who)});
    for (const auto& a : c.admins) iam_.push_back({1, {}, who(a)});
    for (const auto& p : c.principals) iam_.push_back({2, {}, who(p)});
    for (const auto& r : c.retired_roles) retired_.emplace_back(r);
  }
  model_description(const model_description&) = delete;
  model_description& operator=(const model_description&) = delete;

  constexpr cluster_desc view() const { return {roles_, schemas_, grants_, iam_, retired_}; }

 private:
  constexpr std::span<const std::string_view> views(const std::vector<std::string>& strings) {
    const std::size_t first = names_.size();
    for (const auto& s : strings) names_.emplace_back(s);
    return std::span<const std::string_view>(names_).subspan(first, strings.size());
  }
  constexpr std::span<const std::string_view> grantee(std::string_view g) {
    names_.push_back(g);  // "" for PUBLIC, as in a spec's description
    return std::span<const std::string_view>(names_).subspan(names_.size() - 1, 1);
  }
  constexpr grant_desc describe(const model::grant& g, grant_desc_kind kind) {
    grant_desc x;
    x.kind = kind;
    x.privileges = g.privileges;
    x.on = g.on;
    x.schema = g.schema;
    x.object = g.object;
    x.arguments = g.arguments;
    if (normalize_ && g.on == object_kind::function) x.arguments = normalized_.emplace_back(normalize_(g.arguments));
    x.columns = views(g.columns);
    x.grantees = grantee(g.to_public ? std::string_view{} : std::string_view(g.grantee));
    x.grant_option = g.with_grant_option;
    return x;
  }

  std::vector<role_desc> roles_;
  std::vector<schema_desc> schemas_;
  std::vector<grant_desc> grants_;
  std::vector<iam_desc> iam_;
  std::vector<std::string_view> retired_;
  std::vector<std::string_view> names_;  // readers, columns and grantees the spans above view
  std::vector<std::string> normalized_;  // normalized function arguments, reserved likewise
  std::string (*normalize_)(std::string_view) = nullptr;
};

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Sorted (name, index) pairs: logarithmic lookups, and duplicates next to each other.
class name_lookup {
 public:
  template <class T, class Name>
  constexpr name_lookup(std::span<const T> items, Name name_of) {
    entries_.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) entries_.push_back({name_of(items[i]), i});
    std::sort(entries_.begin(), entries_.end(), [](const entry& a, const entry& b) {
      return a.name < b.name || (a.name == b.name && a.index < b.index);
    });
  }
  // Index of the first item named n, or npos.
  constexpr std::size_t find(std::string_view n) const {
    std::size_t lo = 0, hi = entries_.size();
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (entries_[mid].name < n)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < entries_.size() && entries_[lo].name == n ? entries_[lo].index : npos;
  }
  constexpr bool contains(std::string_view n) const { return find(n) != npos; }
  // The smallest index whose name an earlier item already has, or npos.
  constexpr std::size_t first_repeat() const {
    std::size_t best = npos;
    for (std::size_t i = 1; i < entries_.size(); ++i)
      if (entries_[i].name == entries_[i - 1].name) best = std::min(best, entries_[i].index);
    return best;
  }

 private:
  struct entry {
    std::string_view name;
    std::size_t index;
  };
  std::vector<entry> entries_;
};

// An IAM entry's identity: which kind of entry, the role, the principal.
struct iam_key {
  int which;
  std::string_view role;
  principal_kind kind;
  std::string_view name, account;
  constexpr bool operator==(const iam_key&) const = default;
  constexpr bool operator<(const iam_key& o) const {
    if (which != o.which) return which < o.which;
    if (role != o.role) return role < o.role;
    if (kind != o.kind) return kind < o.kind;
    if (name != o.name) return name < o.name;
    return account < o.account;
  }
};
constexpr iam_key key_of(const iam_desc& e) { return {e.which, e.role, e.who.kind, e.who.name, e.who.account}; }
constexpr iam_key principal_key(const principal_desc& p) { return {0, {}, p.kind, p.name, p.account}; }

// The smallest index of an IAM entry equal to an earlier one, or npos.
constexpr std::size_t first_repeated_entry(std::span<const iam_desc> iam) {
  std::vector<std::size_t> order(iam.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&iam](std::size_t a, std::size_t b) {
    const iam_key ka = key_of(iam[a]), kb = key_of(iam[b]);
    return ka < kb || (ka == kb && a < b);
  });
  std::size_t best = npos;
  for (std::size_t i = 1; i < order.size(); ++i)
    if (key_of(iam[order[i]]) == key_of(iam[order[i - 1]])) best = std::min(best, order[i]);
  return best;
}

// Is there a cycle among the membership edges member -> group? Kahn's algorithm over the
// role names: a role whose groups are all removed is removed; a cycle never is.
constexpr bool memberships_have_cycle(std::span<const grant_desc> grants) {
  std::vector<std::string_view> names;
  for (const auto& d : grants)
    if (d.kind == grant_desc_kind::membership) {
      names.push_back(d.group);
      names.push_back(d.member);
    }
  if (names.empty()) return false;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto id = [&names](std::string_view s) {
    return static_cast<std::size_t>(std::lower_bound(names.begin(), names.end(), s) - names.begin());
  };
  std::vector<std::size_t> groups_left(names.size(), 0);
  std::vector<std::vector<std::size_t>> members_of(names.size());
  for (const auto& d : grants)
    if (d.kind == grant_desc_kind::membership) {
      ++groups_left[id(d.member)];
      members_of[id(d.group)].push_back(id(d.member));
    }
  std::vector<std::size_t> ready;
  for (std::size_t r = 0; r < names.size(); ++r)
    if (groups_left[r] == 0) ready.push_back(r);
  std::size_t removed = 0;
  while (!ready.empty()) {
    const std::size_t r = ready.back();
    ready.pop_back();
    ++removed;
    for (std::size_t member : members_of[r])
      if (--groups_left[member] == 0) ready.push_back(member);
  }
  return removed != names.size();
}

// The first membership whose member reaches itself through its group's groups, or npos.
// Quadratic: asked only once memberships_have_cycle said there is a cycle.
constexpr std::size_t first_membership_on_cycle(std::span<const grant_desc> grants) {
  for (std::size_t start = 0; start < grants.size(); ++start) {
    if (grants[start].kind != grant_desc_kind::membership) continue;
    std::vector<bool> seen(grants.size(), false);
    std::vector<std::string_view> frontier{grants[start].group};
    for (std::size_t head = 0; head < frontier.size(); ++head) {
      if (frontier[head] == grants[start].member) return start;
      for (std::size_t e = 0; e < grants.size(); ++e)
        if (!seen[e] && grants[e].kind == grant_desc_kind::membership && grants[e].member == frontier[head]) {
          seen[e] = true;
          frontier.push_back(grants[e].group);
        }
    }
  }
  return npos;
}

// May `grantee` ("" for PUBLIC) be granted on schema s? Only a sensitive schema's readers.
constexpr bool sensitive_allows(const schema_desc& s, std::string_view grantee) {
  if (!s.sensitive) return true;
  if (grantee.empty()) return false;
  for (std::string_view r : s.readers)
    if (r == grantee) return true;
  return false;
}

constexpr bool names_schema(const grant_desc& d) {
  return d.kind != grant_desc_kind::membership && d.on != object_kind::database;
}

// The first cluster rule c breaks, with the declaration at fault; a false value when none.
// The rules of single declarations (names, privileges, principals) are not asked here:
// each declaration's type check and validate()'s element loop ask them first.
constexpr cluster_rule_violation first_cluster_rule(const cluster_desc& c) {
  const name_lookup roles(c.roles, [](const role_desc& r) { return r.name; });
  const name_lookup schemas(c.schemas, [](const schema_desc& s) { return s.name; });
  const auto at = [](cluster_rule r, cluster_part p, std::size_t i) { return cluster_rule_violation{r, p, i}; };
  using enum cluster_rule;
  const auto grants = c.grants;

  if (std::size_t i = roles.first_repeat(); i != npos) return at(role_names_unique, cluster_part::roles, i);
  if (std::size_t i = schemas.first_repeat(); i != npos) return at(schema_names_unique, cluster_part::schemas, i);
  for (std::size_t i = 0; i < c.schemas.size(); ++i)
    if (!c.schemas[i].owner.empty() && !roles.contains(c.schemas[i].owner))
      return at(schema_owner_declared, cluster_part::schemas, i);

  // What grants, revokes, default privileges and memberships name is declared.
  for (std::size_t i = 0; i < grants.size(); ++i) {
    const grant_desc& d = grants[i];
    bool declared = true;
    if (d.kind == grant_desc_kind::membership) {
      declared = (d.predefined_group || roles.contains(d.group)) && roles.contains(d.member);
    } else {
      for (std::string_view g : d.grantees) declared = declared && (g.empty() || roles.contains(g));
    }
    if (!declared) return at(grantee_declared, cluster_part::grants, i);
  }
  for (std::size_t i = 0; i < grants.size(); ++i)
    if (names_schema(grants[i]) && !schemas.contains(grants[i].schema))
      return at(grant_schema_declared, cluster_part::grants, i);
  for (std::size_t i = 0; i < grants.size(); ++i)
    if (grants[i].kind == grant_desc_kind::default_privileges && !roles.contains(grants[i].creator))
      return at(creator_declared, cluster_part::grants, i);

  if (memberships_have_cycle(grants))
    return at(membership_acyclic, cluster_part::grants, first_membership_on_cycle(grants));

  // Sensitive schemas: granted on only to their readers, and a reader's members are readers
  // (revokes take away, so they may name anyone).
  bool any_sensitive = false;
  for (const schema_desc& s : c.schemas) any_sensitive = any_sensitive || s.sensitive;
  for (std::size_t i = 0; any_sensitive && i < grants.size(); ++i) {
    const grant_desc& d = grants[i];
    bool ok = true;
    if (d.kind == grant_desc_kind::membership) {
      for (const schema_desc& s : c.schemas)
        ok = ok && !(s.sensitive && sensitive_allows(s, d.group) && !sensitive_allows(s, d.member));
    } else if (d.kind != grant_desc_kind::revoke && names_schema(d)) {
      const schema_desc& s = c.schemas[schemas.find(d.schema)];
      for (std::string_view g : d.grantees) ok = ok && sensitive_allows(s, g);
    }
    if (!ok) return at(sensitive_schema_reader, cluster_part::grants, i);
  }
  for (std::size_t i = 0; i < grants.size(); ++i) {
    const grant_desc& d = grants[i];
    if (d.kind != grant_desc_kind::revoke || d.on != object_kind::schema) continue;
    const std::string_view owner = c.schemas[schemas.find(d.schema)].owner;
    for (std::string_view g : d.grantees)
      if (!owner.empty() && g == owner) return at(revoke_not_from_schema_owner, cluster_part::grants, i);
  }

  // IAM: mapped roles declared and able to log in, admin identities not mapped, each
  // entry once, every declared principal mapped or an admin identity.
  for (std::size_t i = 0; i < c.iam.size(); ++i)
    if (c.iam[i].which == 0 && !roles.contains(c.iam[i].role)) return at(mapped_role_declared, cluster_part::iam, i);
  for (std::size_t i = 0; i < c.iam.size(); ++i)
    if (c.iam[i].which == 0 && !c.roles[roles.find(c.iam[i].role)].login)
      return at(mapped_role_has_login, cluster_part::iam, i);
  std::vector<iam_key> mapped, admins;
  for (const iam_desc& e : c.iam)
    if (e.which == 0)
      mapped.push_back(principal_key(e.who));
    else if (e.which == 1)
      admins.push_back(principal_key(e.who));
  std::sort(mapped.begin(), mapped.end());
  std::sort(admins.begin(), admins.end());
  const auto among = [](const std::vector<iam_key>& keys, const principal_desc& p) {
    return std::binary_search(keys.begin(), keys.end(), principal_key(p));
  };
  for (std::size_t i = 0; i < c.iam.size(); ++i)
    if (c.iam[i].which == 1 && among(mapped, c.iam[i].who)) return at(admin_identity_not_mapped, cluster_part::iam, i);
  if (std::size_t i = first_repeated_entry(c.iam); i != npos) return at(iam_entries_unique, cluster_part::iam, i);
  for (std::size_t i = 0; i < c.iam.size(); ++i)
    if (c.iam[i].which == 2 && !among(mapped, c.iam[i].who) && !among(admins, c.iam[i].who))
      return at(principal_mapped, cluster_part::iam, i);

  for (std::size_t i = 0; i < c.retired_roles.size(); ++i)
    if (roles.contains(c.retired_roles[i])) return at(role_declared_or_retired, cluster_part::retired_roles, i);
  return {};
}

}  // namespace detail

// The first cluster rule model c breaks (a false value when none), with the declaration at
// fault counted in c's lists in the order grants, revokes, default privileges, memberships
// (cluster_part::grants) and mappings, admins, principals (cluster_part::iam).
constexpr cluster_rule_violation first_cluster_rule(const model::cluster& c) {
  const detail::model_description d(c);
  return detail::first_cluster_rule(d.view());
}

namespace detail {

// The I-th type of a std::tuple<X...> (type_at_t: no recursion, for specs of thousands of declarations).
template <std::size_t I, class Tuple>
struct pack_element;
template <std::size_t I, class... X>
struct pack_element<I, std::tuple<X...>> {
  using type = type_at_t<I, X...>;
};

template <bool Broken, cluster_rule_violation V, class Packs>
struct cluster_rule_located {
  using type = ok_t;
};
template <cluster_rule_violation V, class Packs>
struct cluster_rule_located<true, V, Packs> {
  static constexpr std::size_t pack = V.part == cluster_part::roles     ? 0
                                      : V.part == cluster_part::schemas ? 1
                                      : V.part == cluster_part::grants  ? 2
                                                                        : 3;
  using type = located<cluster_rule_t<V.rule>, typename pack_element<V.index, std::tuple_element_t<pack, Packs>>::type>;
};

// The compile-time side: first_cluster_rule over the spec's descriptions (the constants
// model_of builds the model from), its answer located at the declaration it names.
template <class... R, class... S, class... G, class... E>
struct cluster_rules_check<roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  using d = descriptions<roles<R...>, schemas<S...>, grants<G...>, iam<E...>>;
  static constexpr cluster_rule_violation violation =
      first_cluster_rule(cluster_desc{d::roles, d::schemas, d::grants, d::iam, {}});
  using type = typename cluster_rule_located<
      static_cast<bool>(violation), violation,
      std::tuple<std::tuple<R...>, std::tuple<S...>, std::tuple<G...>, std::tuple<E...>>>::type;
};

}  // namespace detail
}  // namespace dsql

#endif  // DSQL_CLUSTER_RULES_HPP
