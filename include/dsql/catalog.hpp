// dsql/catalog.hpp - the tables an application's statements touch, beside the spec.
//
//   using users = dsql::table<users_schema, "users", dsql::columns<"id", "email", "name">,
//                             dsql::owned_by<user_service>>;
//   using products = dsql::table<dsql::public_schema, "products">;          // columns not declared
//   using app = dsql::catalog<seed::spec, dsql::tables<users, products>,
//                             dsql::search_path<dsql::public_schema>>;
//   dsql::statement<app, seed::app_readonly, "SELECT name FROM products">  // statement.hpp
//
// Why a separate dsql::catalog and not tables inside dsql::cluster: the cluster is the
// model the plan/apply engine manages and serialises (model_json); tables are not
// managed by it (migrations create them), only read by the statement checker. Keeping
// them in a wrapper of the one spec leaves the engine and its JSON untouched, and the
// privileges are still answered from the one model (dsql::model_of<Cluster>()); a
// plain dsql::cluster is a catalog with no tables and PostgreSQL's default search_path.
//
// What a declaration changes (statement.hpp, allows.hpp):
//   - a schema with at least one declared table is "declared": a name in it that is not
//     declared is refused (a typo, or a table the spec does not know);
//   - dsql::columns<...> lets `*` and column-only grants be checked column by column, and
//     refuses an unknown column; without it, `*` needs a table-level SELECT;
//   - dsql::owned_by<Role> names the table's owner, who holds every table privilege
//     (PostgreSQL: owners have all privileges), and whose ALTER DEFAULT PRIVILEGES FOR ROLE
//     reach the table (the assumption: the owner created it; default privileges count for
//     no table whose owner is not declared).
//   - dsql::search_path<S...> resolves unqualified names in that order, as PostgreSQL's
//     search_path does; the default is PostgreSQL's "$user", public (a schema named like
//     the role, then public).
// Adopting a live database: `dsqlctl inspect --format cpp` writes its tables in this form
// (columns in order, owned_by when the owner is an adopted role) and `adopted::catalog`.
#ifndef DSQL_CATALOG_HPP
#define DSQL_CATALOG_HPP

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cluster.hpp"
#include "fixed_string.hpp"
#include "schema.hpp"

namespace dsql {

template <fixed_string... Columns>
struct columns {};
template <class Schema, fixed_string Name, class... Options>
struct table {};
template <class... Tables>
struct tables {};
template <class... Schemas>
struct search_path {};
template <class Cluster, class... Parts>
struct catalog;

namespace model {
// A declared table (not managed by the engine: read by the statement checker only).
struct table {
  std::string schema{};
  std::string name{};
  bool columns_declared = false;
  std::vector<std::string> columns{};
  std::string owner{};  // empty: not declared
  constexpr bool operator==(const table&) const = default;
};
}  // namespace model

namespace detail {

template <class T>
struct columns_of {
  static constexpr bool is = false;
  static constexpr std::array<std::string_view, 0> names{};
};
template <fixed_string... C>
struct columns_of<columns<C...>> {
  static constexpr bool is = true;
  static constexpr std::array<std::string_view, sizeof...(C)> names{C.view()...};
};

struct table_desc {
  std::string_view schema, name, owner;
  bool columns_declared = false;
  std::span<const std::string_view> columns;
};

template <class T>
struct table_traits {
  static constexpr bool is_table = false;
};
template <class S, fixed_string Name, class... Options>
struct table_traits<table<S, Name, Options...>> {
  static constexpr bool is_table = true;
  using schema = S;
  using column_part = type_at_t<first_true(std::array<bool, sizeof...(Options) + 1>{columns_of<Options>::is..., true}),
                                Options..., void>;
  using owner_part =
      type_at_t<first_true(std::array<bool, sizeof...(Options) + 1>{owner_of<Options>::is..., true}), Options..., void>;
  static constexpr bool options_ok = ((columns_of<Options>::is || owner_of<Options>::is) && ...) &&
                                     (0 + ... + int{columns_of<Options>::is}) <= 1 &&
                                     (0 + ... + int{owner_of<Options>::is}) <= 1;
  static constexpr table_desc describe() {
    table_desc d{schema_traits<S>::name, Name.view(), {}, columns_of<column_part>::is, columns_of<column_part>::names};
    if constexpr (!std::is_void_v<typename owner_of<owner_part>::role>)
      d.owner = role_traits<typename owner_of<owner_part>::role>::name;
    return d;
  }
};

template <class T>
struct catalog_parts;
template <class Cluster, class... Parts>
struct catalog_parts<catalog<Cluster, Parts...>> {
  using cluster = Cluster;
  using tables = part_t<dsql::tables, Parts...>;
  using path = part_t<dsql::search_path, Parts...>;
  static constexpr bool path_declared = (is_instance_of<dsql::search_path, Parts> || ...);
};

template <class Tables, class Path>
struct catalog_descriptions;
template <class... T, class... S>
struct catalog_descriptions<tables<T...>, search_path<S...>> {
  static constexpr std::array<table_desc, sizeof...(T)> tables{table_traits<T>::describe()...};
  static constexpr std::array<std::string_view, sizeof...(S)> path{schema_traits<S>::name...};
};

template <class Tables, class Path, class... SchemaOfCluster>
inline constexpr bool catalog_ok = false;
template <class... T, class... S, class... C>
inline constexpr bool catalog_ok<tables<T...>, search_path<S...>, C...> =
    (table_traits<T>::is_table && ...) && ((table_traits<T>::is_table && table_traits<T>::options_ok) && ...) &&
    (one_of<typename table_traits<T>::schema, C...> && ...) && (one_of<S, C...> && ...);

template <class Schemas, class Tables, class Path>
inline constexpr bool catalog_ok_in = false;
template <class... C, class Tables, class Path>
inline constexpr bool catalog_ok_in<schemas<C...>, Tables, Path> = catalog_ok<Tables, Path, C...>;

}  // namespace detail

// A spec with the tables its statements touch and the search_path they run with.
// Parts, each at most once and in any order: dsql::tables<table...>, dsql::search_path<schema...>.
// Every table's schema and every search_path schema must be declared in the cluster.
template <class Cluster, class... Parts>
struct catalog {
  static_assert(cluster_spec<Cluster>, "dsql::catalog<Cluster, ...> takes a dsql::cluster<...> first.");
  static_assert(((detail::is_instance_of<tables, Parts> || detail::is_instance_of<search_path, Parts>)&&...) &&
                    (0 + ... + int{detail::is_instance_of<tables, Parts>}) <= 1 &&
                    (0 + ... + int{detail::is_instance_of<search_path, Parts>}) <= 1,
                "A dsql::catalog takes dsql::tables<dsql::table<schema, \"name\", dsql::columns<...>, "
                "dsql::owned_by<role>>...> and dsql::search_path<schema...>, each at most once.");
  static_assert(detail::catalog_ok_in<typename detail::cluster_traits<Cluster>::schemas,
                                      typename detail::catalog_parts<catalog>::tables,
                                      typename detail::catalog_parts<catalog>::path>,
                "Each dsql::table is written dsql::table<schema, \"name\", dsql::columns<\"c\"...>, "
                "dsql::owned_by<role>> (options at most once each), and every schema of a table or of the "
                "search_path must be declared in the cluster's dsql::schemas<...>.");
  using cluster = Cluster;
};

// The cluster of a spec: the catalog's, or the spec itself.
template <class Spec>
struct cluster_of {
  using type = Spec;
};
template <class Cluster, class... Parts>
struct cluster_of<catalog<Cluster, Parts...>> {
  using type = Cluster;
};
template <class Spec>
using cluster_of_t = typename cluster_of<Spec>::type;

// A cluster, or a catalog of one.
template <class Spec>
concept spec_or_catalog = cluster_spec<cluster_of_t<Spec>>;

namespace model {
// The tables and search_path of a catalog (both empty for a bare cluster).
struct catalog {
  std::vector<table> tables{};
  bool path_declared = false;
  std::vector<std::string> search_path{};
  // Is any table of schema s declared (then its tables are exactly the declared ones)?
  constexpr bool declares_schema(std::string_view s) const {
    for (const auto& t : tables)
      if (t.schema == s) return true;
    return false;
  }
  constexpr const table* find(std::string_view s, std::string_view n) const {
    for (const auto& t : tables)
      if (t.schema == s && t.name == n) return &t;
    return nullptr;
  }
};
}  // namespace model

template <class Spec>
constexpr model::catalog catalog_of() {
  model::catalog c;
  if constexpr (requires { typename detail::catalog_parts<Spec>::tables; }) {
    using parts = detail::catalog_parts<Spec>;
    using d = detail::catalog_descriptions<typename parts::tables, typename parts::path>;
    for (const auto& t : d::tables) {
      model::table m{std::string(t.schema), std::string(t.name), t.columns_declared, {}, std::string(t.owner)};
      for (auto col : t.columns) m.columns.emplace_back(col);
      c.tables.push_back(std::move(m));
    }
    c.path_declared = parts::path_declared;
    for (auto s : d::path) c.search_path.emplace_back(s);
  }
  return c;
}

}  // namespace dsql

#endif  // DSQL_CATALOG_HPP
