// dsql/detail/sql_parse.hpp - a constexpr lexer and parser for the checked DML subset.
//
// The parse is what the privilege check needs and no more: the statement's kind, the
// tables it names (with aliases, per query level), and every column reference with the
// privilege PostgreSQL checks for it (SELECT for a column read, INSERT for an INSERT's
// column list, UPDATE for a SET target). Expressions are scanned with an operand/
// operator state machine that knows functions, casts, CASE, IS/IN/LIKE/BETWEEN, and
// subqueries (each a new query level whose parent is the enclosing one, so correlated
// references resolve outward as in PostgreSQL). Anything else is refused with the reason
// and the byte offset: the checker never guesses about SQL it does not understand.
//
// The subset (dsql::statement refuses everything else; dsql::unchecked runs it as is):
//   SELECT [DISTINCT [ON (...)] | ALL] items FROM from_item [, ...] [WHERE] [GROUP BY]
//          [HAVING] [ORDER BY ... [ASC|DESC] [NULLS FIRST|LAST]] [LIMIT] [OFFSET]
//     from_item: [schema.]table [[AS] alias] | (SELECT ...) [AS] alias, joined by
//                [INNER|LEFT|RIGHT|FULL [OUTER]] JOIN ... ON expr | USING (cols), CROSS JOIN
//   INSERT INTO [schema.]table [AS alias] [(cols)] VALUES (...), ... | SELECT ... | DEFAULT VALUES
//          [ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET ... [WHERE]] [RETURNING items]
//   UPDATE [schema.]table [[AS] alias] SET col = expr | (cols) = (...) [, ...] [FROM ...]
//          [WHERE] [RETURNING items]
//   DELETE FROM [schema.]table [[AS] alias] [USING ...] [WHERE] [RETURNING items]
//   expressions: columns (c, t.c, s.t.c), literals ('it''s', 1.5e3, $1), operators,
//          function calls (f(...), count(*), agg(DISTINCT ...)), CAST(x AS type), x::type,
//          CASE, [NOT] IN / EXISTS / ANY / ALL (subquery or list), [NOT] LIKE/ILIKE,
//          BETWEEN, IS [NOT] NULL/TRUE/FALSE/DISTINCT FROM, typed literals (date '...'),
//          INTERVAL '...', ARRAY[...], comments (-- and /* */), "Quoted" identifiers.
//   Refused: WITH, UNION/INTERSECT/EXCEPT, window functions (OVER), LATERAL, NATURAL JOIN,
//          FOR UPDATE/SHARE, several statements, E'' / $$ strings, and every other command.
// Function calls are not checked for EXECUTE (PostgreSQL grants EXECUTE to PUBLIC by
// default); unquoted names fold to lower case as in PostgreSQL.
#ifndef DSQL_DETAIL_SQL_PARSE_HPP
#define DSQL_DETAIL_SQL_PARSE_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "../privilege.hpp"

namespace dsql::detail::sqlp {

enum class tk { end, ident, number, string, param, punct, op };

// A name as the statement or the spec spells it, compared without copying: an unquoted
// identifier folds to lower case (PostgreSQL), a quoted one keeps its bytes with "" read as
// ", a spec name is exact. (Everything here is string_view into the statement's literal or
// the spec's constants: gcc evaluates constexpr std::string too slowly for 100 statements.)
struct ident {
  enum class mode : unsigned char { folded, quoted, exact };
  std::string_view raw{};
  mode how = mode::exact;
  constexpr bool empty() const { return raw.empty(); }
};

constexpr char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The n-th byte of an identifier's value and its length, walking quoted "" as one ".
struct ident_cursor {
  const ident& id;
  std::size_t i = 0;
  constexpr bool done() const { return i >= id.raw.size(); }
  constexpr char next() {
    char c = id.raw[i++];
    if (id.how == ident::mode::folded) return fold(c);
    if (id.how == ident::mode::quoted && c == '"') ++i;  // the second " of ""
    return c;
  }
};

constexpr bool operator==(const ident& a, const ident& b) {
  ident_cursor x{a}, y{b};
  while (!x.done() && !y.done())
    if (x.next() != y.next()) return false;
  return x.done() && y.done();
}
constexpr bool operator==(const ident& a, std::string_view b) { return a == ident{b, ident::mode::exact}; }

constexpr std::string text_of(const ident& a) {
  std::string s;
  ident_cursor x{a};
  while (!x.done()) s += x.next();
  return s;
}

constexpr bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
constexpr bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_op_char(char c) {
  return c == '+' || c == '-' || c == '*' || c == '/' || c == '<' || c == '>' || c == '=' || c == '~' || c == '!' ||
         c == '@' || c == '#' || c == '%' || c == '^' || c == '&' || c == '|' || c == '`' || c == '?';
}

// ASCII case-insensitive equality with a lower-case word.
constexpr bool is_word(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (fold(text[i]) != lower[i]) return false;
  return true;
}

// The functions a checked statement may call: PostgreSQL built-ins (pg_catalog, EXECUTE to
// PUBLIC) that read no table, touch no sequence, change no setting and have no side
// effect, so that the statement's privileges are exactly its tables' and columns'. Any
// other call (nextval, set_config, query_to_xml, lo_import, a function of the spec's
// schemas, a schema-qualified call) is outside the checked subset: dsql::unchecked.
constexpr bool is_checked_function(std::string_view name) {
  constexpr std::string_view allowed[] = {"count",
                                          "sum",
                                          "avg",
                                          "min",
                                          "max",
                                          "bool_and",
                                          "bool_or",
                                          "every",
                                          "array_agg",
                                          "string_agg",
                                          "json_agg",
                                          "jsonb_agg",
                                          "json_object_agg",
                                          "jsonb_object_agg",
                                          "lower",
                                          "upper",
                                          "length",
                                          "char_length",
                                          "character_length",
                                          "octet_length",
                                          "substr",
                                          "ltrim",
                                          "rtrim",
                                          "btrim",
                                          "replace",
                                          "concat",
                                          "concat_ws",
                                          "strpos",
                                          "split_part",
                                          "lpad",
                                          "rpad",
                                          "initcap",
                                          "md5",
                                          "starts_with",
                                          "reverse",
                                          "repeat",
                                          "regexp_replace",
                                          "regexp_match",
                                          "abs",
                                          "round",
                                          "ceil",
                                          "ceiling",
                                          "floor",
                                          "trunc",
                                          "mod",
                                          "power",
                                          "sqrt",
                                          "greatest",
                                          "least",
                                          "coalesce",
                                          "nullif",
                                          "now",
                                          "date_trunc",
                                          "date_part",
                                          "age",
                                          "to_char",
                                          "to_date",
                                          "to_timestamp",
                                          "make_date",
                                          "make_interval",
                                          "clock_timestamp",
                                          "statement_timestamp",
                                          "transaction_timestamp",
                                          "to_json",
                                          "to_jsonb",
                                          "json_build_object",
                                          "jsonb_build_object",
                                          "json_build_array",
                                          "jsonb_build_array",
                                          "jsonb_set",
                                          "json_extract_path_text",
                                          "jsonb_extract_path_text",
                                          "json_array_length",
                                          "jsonb_array_length",
                                          "gen_random_uuid",
                                          "array_length",
                                          "cardinality",
                                          "unnest",
                                          "array_position",
                                          "array_remove",
                                          "array_append",
                                          "row_number",
                                          "rank",
                                          "dense_rank"};
  for (auto a : allowed)
    if (is_word(name, a)) return true;
  return false;
}

// Words that are never a column or alias here (PostgreSQL's reserved words that the
// subset meets, and the clause words it refuses), and the other words the parser knows.
enum class K : unsigned char {
  none,
  k_all,
  k_and,
  k_any,
  k_array,
  k_as,
  k_asc,
  k_at,
  k_between,
  k_both,
  k_by,
  k_case,
  k_cast,
  k_collate,
  k_conflict,
  k_constraint,
  k_create,
  k_cross,
  k_current,
  k_current_date,
  k_current_role,
  k_current_time,
  k_current_timestamp,
  k_current_user,
  k_default,
  k_delete,
  k_desc,
  k_distinct,
  k_do,
  k_else,
  k_end,
  k_escape,
  k_except,
  k_exists,
  k_extract,
  k_false,
  k_fetch,
  k_filter,
  k_first,
  k_for,
  k_from,
  k_full,
  k_group,
  k_having,
  k_ilike,
  k_in,
  k_inner,
  k_insert,
  k_intersect,
  k_interval,
  k_into,
  k_is,
  k_isnull,
  k_join,
  k_last,
  k_lateral,
  k_leading,
  k_left,
  k_like,
  k_limit,
  k_localtime,
  k_localtimestamp,
  k_natural,
  k_not,
  k_nothing,
  k_notnull,
  k_null,
  k_nulls,
  k_of,
  k_offset,
  k_on,
  k_only,
  k_or,
  k_order,
  k_outer,
  k_over,
  k_placing,
  k_precision,
  k_returning,
  k_right,
  k_row,
  k_rows,
  k_select,
  k_session_user,
  k_set,
  k_similar,
  k_some,
  k_symmetric,
  k_table,
  k_tablesample,
  k_then,
  k_time,
  k_to,
  k_trailing,
  k_true,
  k_union,
  k_unknown,
  k_update,
  k_user,
  k_using,
  k_values,
  k_varying,
  k_when,
  k_where,
  k_window,
  k_with,
  k_within,
  k_without,
  k_zone,
};
inline constexpr std::string_view keyword_words[] = {
    "",
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "at",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "collate",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "delete",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "escape",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "filter",
    "first",
    "for",
    "from",
    "full",
    "group",
    "having",
    "ilike",
    "in",
    "inner",
    "insert",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "last",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "placing",
    "precision",
    "returning",
    "right",
    "row",
    "rows",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "to",
    "trailing",
    "true",
    "union",
    "unknown",
    "update",
    "user",
    "using",
    "values",
    "varying",
    "when",
    "where",
    "window",
    "with",
    "within",
    "without",
    "zone",
};

// The keyword an unquoted identifier spells (K::none if none): one switch on its first
// letter and a few comparisons (called once per token; gcc's constant evaluation is slow
// per call, so the parser compares these ids, never strings).
constexpr K keyword_of(std::string_view t) {
  if (t.empty()) return K::none;
  switch (fold(t[0])) {
    case 'a':
      if (is_word(t, "all")) return K::k_all;
      if (is_word(t, "and")) return K::k_and;
      if (is_word(t, "any")) return K::k_any;
      if (is_word(t, "array")) return K::k_array;
      if (is_word(t, "as")) return K::k_as;
      if (is_word(t, "asc")) return K::k_asc;
      if (is_word(t, "at")) return K::k_at;
      return K::none;
    case 'b':
      if (is_word(t, "between")) return K::k_between;
      if (is_word(t, "both")) return K::k_both;
      if (is_word(t, "by")) return K::k_by;
      return K::none;
    case 'c':
      if (is_word(t, "case")) return K::k_case;
      if (is_word(t, "cast")) return K::k_cast;
      if (is_word(t, "collate")) return K::k_collate;
      if (is_word(t, "conflict")) return K::k_conflict;
      if (is_word(t, "constraint")) return K::k_constraint;
      if (is_word(t, "create")) return K::k_create;
      if (is_word(t, "cross")) return K::k_cross;
      if (is_word(t, "current")) return K::k_current;
      if (is_word(t, "current_date")) return K::k_current_date;
      if (is_word(t, "current_role")) return K::k_current_role;
      if (is_word(t, "current_time")) return K::k_current_time;
      if (is_word(t, "current_timestamp")) return K::k_current_timestamp;
      if (is_word(t, "current_user")) return K::k_current_user;
      return K::none;
    case 'd':
      if (is_word(t, "default")) return K::k_default;
      if (is_word(t, "delete")) return K::k_delete;
      if (is_word(t, "desc")) return K::k_desc;
      if (is_word(t, "distinct")) return K::k_distinct;
      if (is_word(t, "do")) return K::k_do;
      return K::none;
    case 'e':
      if (is_word(t, "else")) return K::k_else;
      if (is_word(t, "end")) return K::k_end;
      if (is_word(t, "escape")) return K::k_escape;
      if (is_word(t, "except")) return K::k_except;
      if (is_word(t, "exists")) return K::k_exists;
      if (is_word(t, "extract")) return K::k_extract;
      return K::none;
    case 'f':
      if (is_word(t, "false")) return K::k_false;
      if (is_word(t, "fetch")) return K::k_fetch;
      if (is_word(t, "filter")) return K::k_filter;
      if (is_word(t, "first")) return K::k_first;
      if (is_word(t, "for")) return K::k_for;
      if (is_word(t, "from")) return K::k_from;
      if (is_word(t, "full")) return K::k_full;
      return K::none;
    case 'g':
      if (is_word(t, "group")) return K::k_group;
      return K::none;
    case 'h':
      if (is_word(t, "having")) return K::k_having;
      return K::none;
    case 'i':
      if (is_word(t, "ilike")) return K::k_ilike;
      if (is_word(t, "in")) return K::k_in;
      if (is_word(t, "inner")) return K::k_inner;
      if (is_word(t, "insert")) return K::k_insert;
      if (is_word(t, "intersect")) return K::k_intersect;
      if (is_word(t, "interval")) return K::k_interval;
      if (is_word(t, "into")) return K::k_into;
      if (is_word(t, "is")) return K::k_is;
      if (is_word(t, "isnull")) return K::k_isnull;
      return K::none;
    case 'j':
      if (is_word(t, "join")) return K::k_join;
      return K::none;
    case 'l':
      if (is_word(t, "last")) return K::k_last;
      if (is_word(t, "lateral")) return K::k_lateral;
      if (is_word(t, "leading")) return K::k_leading;
      if (is_word(t, "left")) return K::k_left;
      if (is_word(t, "like")) return K::k_like;
      if (is_word(t, "limit")) return K::k_limit;
      if (is_word(t, "localtime")) return K::k_localtime;
      if (is_word(t, "localtimestamp")) return K::k_localtimestamp;
      return K::none;
    case 'n':
      if (is_word(t, "natural")) return K::k_natural;
      if (is_word(t, "not")) return K::k_not;
      if (is_word(t, "nothing")) return K::k_nothing;
      if (is_word(t, "notnull")) return K::k_notnull;
      if (is_word(t, "null")) return K::k_null;
      if (is_word(t, "nulls")) return K::k_nulls;
      return K::none;
    case 'o':
      if (is_word(t, "of")) return K::k_of;
      if (is_word(t, "offset")) return K::k_offset;
      if (is_word(t, "on")) return K::k_on;
      if (is_word(t, "only")) return K::k_only;
      if (is_word(t, "or")) return K::k_or;
      if (is_word(t, "order")) return K::k_order;
      if (is_word(t, "outer")) return K::k_outer;
      if (is_word(t, "over")) return K::k_over;
      return K::none;
    case 'p':
      if (is_word(t, "placing")) return K::k_placing;
      if (is_word(t, "precision")) return K::k_precision;
      return K::none;
    case 'r':
      if (is_word(t, "returning")) return K::k_returning;
      if (is_word(t, "right")) return K::k_right;
      if (is_word(t, "row")) return K::k_row;
      if (is_word(t, "rows")) return K::k_rows;
      return K::none;
    case 's':
      if (is_word(t, "select")) return K::k_select;
      if (is_word(t, "session_user")) return K::k_session_user;
      if (is_word(t, "set")) return K::k_set;
      if (is_word(t, "similar")) return K::k_similar;
      if (is_word(t, "some")) return K::k_some;
      if (is_word(t, "symmetric")) return K::k_symmetric;
      return K::none;
    case 't':
      if (is_word(t, "table")) return K::k_table;
      if (is_word(t, "tablesample")) return K::k_tablesample;
      if (is_word(t, "then")) return K::k_then;
      if (is_word(t, "time")) return K::k_time;
      if (is_word(t, "to")) return K::k_to;
      if (is_word(t, "trailing")) return K::k_trailing;
      if (is_word(t, "true")) return K::k_true;
      return K::none;
    case 'u':
      if (is_word(t, "union")) return K::k_union;
      if (is_word(t, "unknown")) return K::k_unknown;
      if (is_word(t, "update")) return K::k_update;
      if (is_word(t, "user")) return K::k_user;
      if (is_word(t, "using")) return K::k_using;
      return K::none;
    case 'v':
      if (is_word(t, "values")) return K::k_values;
      if (is_word(t, "varying")) return K::k_varying;
      return K::none;
    case 'w':
      if (is_word(t, "when")) return K::k_when;
      if (is_word(t, "where")) return K::k_where;
      if (is_word(t, "window")) return K::k_window;
      if (is_word(t, "with")) return K::k_with;
      if (is_word(t, "within")) return K::k_within;
      if (is_word(t, "without")) return K::k_without;
      return K::none;
    case 'z':
      if (is_word(t, "zone")) return K::k_zone;
      return K::none;
    default:
      return K::none;
  }
}
constexpr bool is_reserved(K k) {
  switch (k) {
    case K::k_all:
    case K::k_and:
    case K::k_any:
    case K::k_array:
    case K::k_as:
    case K::k_asc:
    case K::k_between:
    case K::k_both:
    case K::k_case:
    case K::k_cast:
    case K::k_collate:
    case K::k_conflict:
    case K::k_constraint:
    case K::k_create:
    case K::k_cross:
    case K::k_current_date:
    case K::k_current_role:
    case K::k_current_time:
    case K::k_current_timestamp:
    case K::k_current_user:
    case K::k_default:
    case K::k_delete:
    case K::k_desc:
    case K::k_distinct:
    case K::k_do:
    case K::k_else:
    case K::k_end:
    case K::k_except:
    case K::k_exists:
    case K::k_false:
    case K::k_fetch:
    case K::k_for:
    case K::k_from:
    case K::k_full:
    case K::k_group:
    case K::k_having:
    case K::k_ilike:
    case K::k_in:
    case K::k_inner:
    case K::k_insert:
    case K::k_intersect:
    case K::k_into:
    case K::k_is:
    case K::k_isnull:
    case K::k_join:
    case K::k_lateral:
    case K::k_leading:
    case K::k_left:
    case K::k_like:
    case K::k_limit:
    case K::k_localtime:
    case K::k_localtimestamp:
    case K::k_natural:
    case K::k_not:
    case K::k_notnull:
    case K::k_null:
    case K::k_nulls:
    case K::k_offset:
    case K::k_on:
    case K::k_only:
    case K::k_or:
    case K::k_order:
    case K::k_outer:
    case K::k_over:
    case K::k_returning:
    case K::k_right:
    case K::k_select:
    case K::k_session_user:
    case K::k_set:
    case K::k_similar:
    case K::k_some:
    case K::k_table:
    case K::k_then:
    case K::k_trailing:
    case K::k_true:
    case K::k_union:
    case K::k_update:
    case K::k_user:
    case K::k_using:
    case K::k_values:
    case K::k_when:
    case K::k_where:
    case K::k_window:
    case K::k_with:
      return true;
    default:
      return false;
  }
}
constexpr bool value_keyword(K k) {
  switch (k) {
    case K::k_null:
    case K::k_true:
    case K::k_false:
    case K::k_default:
    case K::k_current_date:
    case K::k_current_time:
    case K::k_current_timestamp:
    case K::k_localtime:
    case K::k_localtimestamp:
    case K::k_current_user:
    case K::k_current_role:
    case K::k_session_user:
    case K::k_user:
      return true;
    default:
      return false;
  }
}

struct token {
  tk kind = tk::end;
  std::string_view text{};  // as written; a quoted identifier without its outer quotes
  bool quoted = false;
  std::size_t pos = 0;
  bool reserved = false;  // an unquoted reserved word (computed once by the lexer)
  K kw = K::none;         // an unquoted keyword
  constexpr ident name() const { return {text, quoted ? ident::mode::quoted : ident::mode::folded}; }
};

struct lexed {
  std::vector<token> tokens{};
  std::string error{};
  std::size_t error_pos = 0;
};

constexpr lexed lex(std::string_view s) {
  lexed out;
  auto fail = [&](const std::string& why, std::size_t at) {
    out.error = why;
    out.error_pos = at;
  };
  std::size_t i = 0;
  const std::size_t n = s.size();
  // After an opening quote q: to just past its closing q ("" or '' inside is one quote
  // character); false when the text ends first.
  auto skip_quoted = [&i, n, s](char q) {
    while (i < n) {
      if (s[i] != q)
        ++i;
      else if (i + 1 < n && s[i + 1] == q)
        i += 2;
      else {
        ++i;
        return true;
      }
    }
    return false;
  };
  while (i < n && out.error.empty()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;  // scan.l: newline is [\n\r]
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      std::size_t depth = 0;
      const std::size_t start = i;
      do {
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*')
          ++depth, i += 2;
        else if (i + 1 < n && s[i] == '*' && s[i + 1] == '/')
          --depth, i += 2;
        else
          ++i;
      } while (depth > 0 && i < n);
      if (depth > 0) fail("an unterminated /* comment", start);
    } else if (is_ident_start(c)) {
      const std::size_t start = i;
      while (i < n && is_ident_char(s[i])) ++i;
      const char p = fold(s[start]);
      if (i < n && (s[i] == '\'' || s[i] == '&') && i - start == 1 &&
          (p == 'e' || p == 'b' || p == 'x' || p == 'n' || p == 'u'))
        fail(std::string("an escape, bit, national or Unicode string (") + p + "'...')", start);
      if (i - start > 63)
        fail("an identifier longer than 63 bytes (PostgreSQL truncates it, so it may name another object)", start);
      const K k = keyword_of(s.substr(start, i - start));
      out.tokens.push_back({tk::ident, s.substr(start, i - start), false, start, is_reserved(k), k});
    } else if (c == '"') {
      const std::size_t start = i++;
      const bool closed = skip_quoted('"');
      if (!closed)
        fail("an unterminated quoted identifier", start);
      else if (i - start == 2)
        fail("an empty quoted identifier", start);
      else {
        std::size_t bytes = 0;  // the value's length: "" is one byte
        for (std::size_t k = start + 1; k + 1 < i; ++k, ++bytes)
          if (s[k] == '"') ++k;
        if (bytes > 63)
          fail("an identifier longer than 63 bytes (PostgreSQL truncates it, so it may name another object)", start);
      }
      out.tokens.push_back({tk::ident, s.substr(start + 1, i - start - 2), true, start});
    } else if (c == '\'') {
      const std::size_t start = i++;
      const bool closed = skip_quoted('\'');
      if (!closed) fail("an unterminated string literal", start);
      out.tokens.push_back({tk::string, s.substr(start, i - start), false, start});
    } else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s[i + 1]))) {
      const std::size_t start = i;
      while (i < n && (is_digit(s[i]) || s[i] == '.')) ++i;
      if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        while (i < n && is_digit(s[i])) ++i;
      }
      out.tokens.push_back({tk::number, s.substr(start, i - start), false, start});
    } else if (c == '$') {
      const std::size_t start = i++;
      if (i < n && is_digit(s[i])) {
        while (i < n && is_digit(s[i])) ++i;
        out.tokens.push_back({tk::param, s.substr(start, i - start), false, start});
      } else {
        fail("a dollar-quoted string", start);
      }
    } else if (c == ':' && i + 1 < n && s[i + 1] == ':') {
      out.tokens.push_back({tk::punct, "::", false, i});
      i += 2;
    } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.' || c == '[' || c == ']' || c == ':') {
      out.tokens.push_back({tk::punct, s.substr(i, 1), false, i});
      ++i;
    } else if (is_op_char(c)) {
      const std::size_t start = i;
      while (i < n && is_op_char(s[i]) && !(s[i] == '-' && i + 1 < n && s[i + 1] == '-') &&
             !(s[i] == '/' && i + 1 < n && s[i + 1] == '*'))
        ++i;
      out.tokens.push_back({tk::op, s.substr(start, i - start), false, start});
    } else {
      fail(std::string("the character '") + c + "'", i);
    }
  }
  out.tokens.push_back({tk::end, {}, false, n});
  return out;
}

// A table of one query level.
struct entry {
  ident schema{}, table{}, alias{};
  bool base = true;           // a table (false: a subquery in FROM, or EXCLUDED)
  bool pseudo = false;        // EXCLUDED: only by qualified name
  int mirrors = -1;           // EXCLUDED: the INSERT's target entry, whose columns it reads
  bool read = false;          // read by the statement (FROM, JOIN, USING): SELECT on some column
  bool outputs_known = true;  // subquery: its output names are known (no *)
  std::vector<ident> outputs{};
  std::size_t pos = 0;
  std::string_view rschema{}, rtable{};  // resolved by the checker: the spec's spelling
  privilege_set held{};                  // the checker's table-level privileges, once known
  bool held_known = false;
};

struct level {
  int parent = -1;
  std::vector<entry> entries{};
  std::vector<ident> output_names{};  // select list aliases and bare column names
  bool outputs_known = true;
};

// A column reference (or a star), with the privilege it needs.
struct colref {
  int level = 0;
  ident schema{}, table{};  // qualifiers as written (table: a table name or alias)
  ident column{};           // empty for a star
  bool star = false;
  privilege_kind privilege = privilege_kind::select;
  int only_entry = -1;                                 // bound to that entry of its level (targets, USING)
  std::size_t visible = static_cast<std::size_t>(-1);  // entries of its level it may see
  bool output_alias_ok = false;                        // ORDER BY / GROUP BY may name an output column
  std::size_t pos = 0;
};

enum class statement_kind { select, insert, update, delete_ };

struct parsed {
  statement_kind kind = statement_kind::select;
  std::vector<level> levels{};
  std::vector<colref> refs{};
  int target_level = -1, target_entry = -1;  // INSERT/UPDATE/DELETE target
  bool insert_all_columns = false;           // INSERT without a column list
  std::string error{};
  std::size_t error_pos = 0;
};

class parser {
 public:
  constexpr parser(const std::vector<token>& t, parsed& out) : toks_(t.data()), n_(t.size()), out_(out) {}

  constexpr void run() {
    if (kw(K::k_select)) {
      out_.kind = statement_kind::select;
      select(-1);
    } else if (kw(K::k_insert)) {
      out_.kind = statement_kind::insert;
      insert();
    } else if (kw(K::k_update)) {
      out_.kind = statement_kind::update;
      update();
    } else if (kw(K::k_delete)) {
      out_.kind = statement_kind::delete_;
      delete_();
    } else {
      fail("only SELECT, INSERT, UPDATE and DELETE are checked, and this statement begins with " + describe(peek()));
    }
    if (ok() && punct(";")) ++i_;
    if (ok() && peek().kind != tk::end)
      fail(describe(peek()) + " follows the statement, and only one statement of the subset is checked");
  }

 private:
  // A pointer and a count, not the vector: every peek is a constexpr call, and gcc's
  // constant evaluation pays for each nested call into std::vector.
  const token* toks_;
  std::size_t n_;
  std::size_t i_ = 0;
  parsed& out_;

  constexpr bool ok() const { return out_.error.empty(); }
  constexpr void fail(const std::string& why) {
    if (!ok()) return;
    out_.error = why;
    out_.error_pos = peek().pos;
  }
  constexpr const token& peek(std::size_t k = 0) const { return toks_[i_ + k < n_ ? i_ + k : n_ - 1]; }
  constexpr bool kw_at(std::size_t k, K w) const { return peek(k).kw == w; }
  constexpr bool kw(K w) const { return peek().kw == w; }
  constexpr bool punct_at(std::size_t k, std::string_view p) const {
    const token& t = peek(k);
    return t.kind == tk::punct && t.text == p;
  }
  constexpr bool punct(std::string_view p) const { return punct_at(0, p); }
  constexpr bool op(std::string_view p) const { return peek().kind == tk::op && peek().text == p; }
  constexpr bool accept_kw(K w) {
    if (!kw(w)) return false;
    ++i_;
    return true;
  }
  constexpr void expect_kw(K w) {
    if (!accept_kw(w))
      fail("expected " + upper(keyword_words[static_cast<std::size_t>(w)]) + ", found " + describe(peek()));
  }
  constexpr void expect_punct(std::string_view p) {
    if (punct(p))
      ++i_;
    else
      fail("expected '" + std::string(p) + "', found " + describe(peek()));
  }
  static constexpr std::string upper(std::string_view w) {
    std::string s;
    for (char c : w) s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    return s;
  }
  static constexpr std::string describe(const token& t) {
    switch (t.kind) {
      case tk::end:
        return "the end of the statement";
      case tk::ident:
        if (t.quoted) return "\"" + std::string(t.text) + "\"";
        if (t.reserved) return upper(t.text);
        return text_of(t.name());
      case tk::string:
        return "a string literal";
      case tk::number:
        return "the number " + std::string(t.text);
      case tk::param:
        return "the parameter " + std::string(t.text);
      default:
        return "'" + std::string(t.text) + "'";
    }
  }
  // A name: a quoted identifier, or an unquoted one that is not reserved.
  constexpr bool name_here(std::size_t k = 0) const {
    const token& t = peek(k);
    return t.kind == tk::ident && !t.reserved;
  }
  constexpr ident take_name(std::string_view what) {
    if (!name_here()) {
      fail("expected " + std::string(what) + ", found " + describe(peek()));
      return {};
    }
    return toks_[i_++].name();
  }

  constexpr int new_level(int parent) {
    out_.levels.push_back(level{parent, {}, {}, true});
    return static_cast<int>(out_.levels.size()) - 1;
  }
  // (by const reference: gcc 12 mis-evaluates a by-value parameter holding std::string
  // in constant evaluation)
  constexpr void add_ref(const colref& r) { out_.refs.push_back(r); }

  // ---- statements ----------------------------------------------------------------------
  constexpr int select(int parent) {
    const int lv = new_level(parent);
    expect_kw(K::k_select);
    if (accept_kw(K::k_distinct)) {
      if (accept_kw(K::k_on)) {
        expect_punct("(");
        expr_list(lv, false);
        expect_punct(")");
      }
    } else {
      accept_kw(K::k_all);
    }
    items(lv, -1, true);
    if (accept_kw(K::k_from)) from_list(lv);
    if (accept_kw(K::k_where)) expr(lv);
    if (accept_kw(K::k_group)) {
      expect_kw(K::k_by);
      expr_list(lv, true);
    }
    if (accept_kw(K::k_having)) expr(lv);
    if (accept_kw(K::k_order)) {
      expect_kw(K::k_by);
      do {
        expr(lv, true);
        if (!accept_kw(K::k_asc)) accept_kw(K::k_desc);
        if (accept_kw(K::k_nulls) && !accept_kw(K::k_first)) expect_kw(K::k_last);
      } while (ok() && punct(",") && (++i_, true));
    }
    for (int k = 0; k < 2 && ok(); ++k) {
      if (accept_kw(K::k_limit)) {
        if (!accept_kw(K::k_all)) expr(lv);
      } else if (accept_kw(K::k_offset)) {
        expr(lv);
        if (!accept_kw(K::k_rows)) accept_kw(K::k_row);
      }
    }
    if (ok() && (kw(K::k_union) || kw(K::k_intersect) || kw(K::k_except)))
      fail(upper(peek().text) + " is outside the checked subset (check each SELECT on its own)");
    if (ok() && kw(K::k_for)) fail("FOR UPDATE/SHARE locking is outside the checked subset");
    if (ok() && kw(K::k_fetch)) fail("FETCH FIRST is outside the checked subset (use LIMIT)");
    if (ok() && kw(K::k_window)) fail("WINDOW is outside the checked subset");
    return lv;
  }

  constexpr void insert() {
    expect_kw(K::k_insert);
    expect_kw(K::k_into);
    const int lv = new_level(-1);
    target(lv, true);
    const int te = out_.target_entry;
    if (punct("(") && !kw_at(1, K::k_select)) {
      ++i_;
      do {
        colref r;
        r.level = lv;
        r.pos = peek().pos;
        r.column = take_name("a column name");
        r.privilege = privilege_kind::insert;
        r.only_entry = te;
        add_ref(r);
      } while (ok() && punct(",") && (++i_, true));
      expect_punct(")");
    } else {
      out_.insert_all_columns = true;
    }
    if (accept_kw(K::k_values)) {
      const int vl = new_level(-1);  // VALUES sees no table of the statement
      do {
        expect_punct("(");
        expr_list(vl, false);
        expect_punct(")");
      } while (ok() && punct(",") && (++i_, true));
    } else if (kw(K::k_select) || (punct("(") && kw_at(1, K::k_select))) {
      const bool paren = punct("(");
      if (paren) ++i_;
      select(-1);
      if (paren) expect_punct(")");
    } else if (accept_kw(K::k_default)) {
      expect_kw(K::k_values);
    } else {
      fail("expected VALUES, SELECT or DEFAULT VALUES, found " + describe(peek()));
    }
    if (accept_kw(K::k_on)) {
      expect_kw(K::k_conflict);
      if (punct("(")) {
        ++i_;
        do {
          colref r;
          r.level = lv;
          r.pos = peek().pos;
          r.column = take_name("a column of the conflict target");
          r.only_entry = te;
          add_ref(r);
        } while (ok() && punct(",") && (++i_, true));
        expect_punct(")");
        if (accept_kw(K::k_where)) expr(lv);
      } else if (accept_kw(K::k_on)) {
        expect_kw(K::k_constraint);
        take_name("a constraint name");
      }
      expect_kw(K::k_do);
      if (!accept_kw(K::k_nothing)) {
        expect_kw(K::k_update);
        entry ex;
        ex.table = ident{"excluded", ident::mode::exact};
        ex.alias = ex.table;
        ex.base = false;
        ex.pseudo = true;
        ex.mirrors = te;  // PostgreSQL: reading EXCLUDED.c needs SELECT on the target's column c
        ex.outputs_known = false;
        out_.levels[static_cast<std::size_t>(lv)].entries.push_back(ex);
        expect_kw(K::k_set);
        set_list(lv, te);
        if (accept_kw(K::k_where)) expr(lv);
      }
    }
    if (accept_kw(K::k_returning)) items(lv, -1, false);
  }

  constexpr void update() {
    expect_kw(K::k_update);
    const int lv = new_level(-1);
    target(lv, false);
    const int te = out_.target_entry;
    expect_kw(K::k_set);
    set_list(lv, te);
    if (accept_kw(K::k_from)) from_list(lv);
    if (accept_kw(K::k_where)) {
      if (kw(K::k_current) && kw_at(1, K::k_of)) fail("WHERE CURRENT OF is outside the checked subset");
      expr(lv);
    }
    if (accept_kw(K::k_returning)) items(lv, -1, false);
  }

  constexpr void delete_() {
    expect_kw(K::k_delete);
    expect_kw(K::k_from);
    const int lv = new_level(-1);
    target(lv, false);
    if (accept_kw(K::k_using)) from_list(lv);
    if (accept_kw(K::k_where)) {
      if (kw(K::k_current) && kw_at(1, K::k_of)) fail("WHERE CURRENT OF is outside the checked subset");
      expr(lv);
    }
    if (accept_kw(K::k_returning)) items(lv, -1, false);
  }

  // The target table of INSERT/UPDATE/DELETE.
  constexpr void target(int lv, bool as_required) {
    if (kw(K::k_only)) fail("ONLY is outside the checked subset");
    entry e;
    e.pos = peek().pos;
    table_name(e);
    if (accept_kw(K::k_as))
      e.alias = take_name("an alias");
    else if (!as_required && name_here() && !kw(K::k_set) && !kw(K::k_using))
      e.alias = take_name("an alias");
    auto& es = out_.levels[static_cast<std::size_t>(lv)].entries;
    es.push_back(e);
    out_.target_level = lv;
    out_.target_entry = static_cast<int>(es.size()) - 1;
  }

  constexpr void table_name(entry& e) {
    ident first = take_name("a table name");
    if (punct(".")) {
      ++i_;
      e.schema = first;
      e.table = take_name("a table name");
      if (punct(".")) fail("a database-qualified name is outside the checked subset");
    } else {
      e.table = first;
    }
  }

  constexpr void set_list(int lv, int te) {
    do {
      if (punct("(")) {
        ++i_;
        do {
          colref r;
          r.level = lv;
          r.pos = peek().pos;
          r.column = take_name("a column name");
          r.privilege = privilege_kind::update;
          r.only_entry = te;
          add_ref(r);
        } while (ok() && punct(",") && (++i_, true));
        expect_punct(")");
        if (op("="))
          ++i_;
        else
          fail("expected '=', found " + describe(peek()));
        accept_kw(K::k_row);
        operand_group(lv);
      } else {
        colref r;
        r.level = lv;
        r.pos = peek().pos;
        r.column = take_name("a column name");
        r.privilege = privilege_kind::update;
        r.only_entry = te;
        add_ref(r);
        if (punct(".") || punct("[")) fail("assigning to a field or array element is outside the checked subset");
        if (op("="))
          ++i_;
        else
          fail("expected '=', found " + describe(peek()));
        expr(lv);
      }
    } while (ok() && punct(",") && (++i_, true));
  }

  // ---- FROM ------------------------------------------------------------------------------
  constexpr void from_list(int lv) {
    do {
      from_item(lv);
    } while (ok() && punct(",") && (++i_, true));
  }

  constexpr void from_item(int lv) {
    table_ref(lv);
    while (ok()) {
      if (kw(K::k_natural)) return fail("NATURAL JOIN is outside the checked subset (name the columns with USING)");
      const std::size_t save = i_;
      bool cross = false;
      if (accept_kw(K::k_cross)) {
        cross = true;
      } else if (accept_kw(K::k_left) || accept_kw(K::k_right) || accept_kw(K::k_full)) {
        accept_kw(K::k_outer);
      } else {
        accept_kw(K::k_inner);
      }
      if (!accept_kw(K::k_join)) {
        if (i_ != save) fail("expected JOIN, found " + describe(peek()));
        return;
      }
      const std::size_t before = out_.levels[static_cast<std::size_t>(lv)].entries.size();
      table_ref(lv);
      if (cross) continue;
      if (accept_kw(K::k_on)) {
        expr(lv);
      } else if (accept_kw(K::k_using)) {
        expect_punct("(");
        do {
          const std::size_t at = peek().pos;
          ident c = take_name("a column name");
          colref right;
          right.level = lv;
          right.column = c;
          right.only_entry = static_cast<int>(before);
          right.pos = at;
          add_ref(right);
          colref left;
          left.level = lv;
          left.column = c;
          left.visible = before;
          left.pos = at;
          add_ref(left);
        } while (ok() && punct(",") && (++i_, true));
        expect_punct(")");
      } else {
        fail("expected ON or USING after JOIN, found " + describe(peek()));
      }
    }
  }

  constexpr void table_ref(int lv) {
    if (kw(K::k_lateral)) return fail("LATERAL is outside the checked subset");
    if (kw(K::k_only)) return fail("ONLY is outside the checked subset");
    entry e;
    e.pos = peek().pos;
    if (punct("(")) {
      if (!kw_at(1, K::k_select))
        return fail("a parenthesised join or VALUES list in FROM is outside the checked subset");
      ++i_;
      const int sub = select(out_.levels[static_cast<std::size_t>(lv)].parent);
      expect_punct(")");
      e.base = false;
      e.outputs = out_.levels[static_cast<std::size_t>(sub)].output_names;
      e.outputs_known = out_.levels[static_cast<std::size_t>(sub)].outputs_known;
      accept_kw(K::k_as);
      e.alias = take_name("an alias for the subquery");
    } else {
      table_name(e);
      if (ok() && punct("(")) return fail("a function in FROM is outside the checked subset");
      e.read = true;
      if (accept_kw(K::k_as))
        e.alias = take_name("an alias");
      else if (name_here())
        e.alias = take_name("an alias");
    }
    if (ok() && punct("(")) return fail("column aliases in FROM are outside the checked subset");
    if (ok() && kw(K::k_tablesample)) return fail("TABLESAMPLE is outside the checked subset");
    out_.levels[static_cast<std::size_t>(lv)].entries.push_back(e);
  }

  // ---- select lists ----------------------------------------------------------------------
  // Items of a select list or RETURNING: *, t.*, s.t.*, expr [[AS] name].
  constexpr void items(int lv, int only_entry, bool is_select) {
    level& L0 = out_.levels[static_cast<std::size_t>(lv)];
    (void)L0;
    do {
      const std::size_t at = peek().pos;
      if (op("*")) {
        ++i_;
        colref r;
        r.level = lv;
        r.star = true;
        r.only_entry = only_entry;
        r.pos = at;
        add_ref(r);
        out_.levels[static_cast<std::size_t>(lv)].outputs_known = false;
        continue;
      }
      if (name_here() && punct_at(1, ".") && peek(2).kind == tk::op && peek(2).text == "*") {
        colref r;
        r.level = lv;
        r.table = toks_[i_].name();
        r.star = true;
        r.pos = at;
        i_ += 3;
        add_ref(r);
        out_.levels[static_cast<std::size_t>(lv)].outputs_known = false;
        continue;
      }
      if (name_here() && punct_at(1, ".") && name_here(2) && punct_at(3, ".") && peek(4).kind == tk::op &&
          peek(4).text == "*") {
        colref r;
        r.level = lv;
        r.schema = toks_[i_].name();
        r.table = toks_[i_ + 2].name();
        r.star = true;
        r.pos = at;
        i_ += 5;
        add_ref(r);
        out_.levels[static_cast<std::size_t>(lv)].outputs_known = false;
        continue;
      }
      // A bare column's name is the output name.
      ident bare;
      if (name_here() && (punct_at(1, ",") || peek(1).kind == tk::end || kw_at(1, K::k_from) || kw_at(1, K::k_as) ||
                          (name_here(1) && !punct_at(2, "(")) || punct_at(1, ")") || punct_at(1, ";")))
        bare = peek().name();
      expr(lv);
      ident alias;
      if (accept_kw(K::k_as)) {
        if (peek().kind == tk::ident)
          alias = toks_[i_++].name();
        else
          fail("expected a column alias, found " + describe(peek()));
      } else if (name_here()) {
        alias = take_name("a column alias");
      }
      if (!alias.empty())
        out_.levels[static_cast<std::size_t>(lv)].output_names.push_back(alias);
      else if (!bare.empty())
        out_.levels[static_cast<std::size_t>(lv)].output_names.push_back(bare);
    } while (ok() && punct(",") && (++i_, true));
    (void)is_select;
  }

  // ---- expressions ---------------------------------------------------------------------
  constexpr void expr_list(int lv, bool output_alias_ok) {
    do {
      expr(lv, output_alias_ok);
    } while (ok() && punct(",") && (++i_, true));
  }

  // '(' SELECT ... ')' or '(' expr, ... ')'
  constexpr void operand_group(int lv) {
    expect_punct("(");
    if (!ok()) return;
    if (kw(K::k_select))
      select(lv);
    else if (!punct(")"))
      expr_list(lv, false);
    expect_punct(")");
  }

  constexpr void type_name() {
    if (peek().kind != tk::ident) return fail("expected a type name, found " + describe(peek()));
    ++i_;
    if (punct(".") && peek(1).kind == tk::ident)  // a type of some schema: USAGE there, not checked
      return fail("a schema-qualified type name, whose schema's USAGE the checker does not check");
    while (kw(K::k_precision) || kw(K::k_varying) || kw(K::k_with) || kw(K::k_without) || kw(K::k_time) ||
           kw(K::k_zone))
      ++i_;
    if (punct("(")) {
      while (ok() && !punct(")") && peek().kind != tk::end) ++i_;
      expect_punct(")");
    }
    while (punct("[") && punct_at(1, "]")) i_ += 2;
  }

  constexpr void function_args(int lv) {
    expect_punct("(");
    if (op("*") && punct_at(1, ")")) ++i_;  // count(*)
    if (!punct(")") && !accept_kw(K::k_distinct)) accept_kw(K::k_all);
    while (ok() && !punct(")")) {
      expr(lv);
      if (punct(",") || kw(K::k_from) || kw(K::k_for) || kw(K::k_in) || kw(K::k_placing)) {
        ++i_;
        continue;
      }
      if (kw(K::k_order) && kw_at(1, K::k_by)) {
        i_ += 2;
        continue;
      }
      if (accept_kw(K::k_asc) || accept_kw(K::k_desc)) continue;
      break;
    }
    expect_punct(")");
    if (ok() && kw(K::k_over)) fail("window functions (OVER) are outside the checked subset");
    if (ok() && (kw(K::k_filter) || kw(K::k_within)) && punct_at(1, "("))
      fail("FILTER and WITHIN GROUP are outside the checked subset");
  }

  // A column reference: c, t.c or s.t.c.
  constexpr void column_ref(int lv, bool output_alias_ok) {
    colref r;
    r.level = lv;
    r.pos = peek().pos;
    r.output_alias_ok = output_alias_ok;
    ident a = toks_[i_++].name();
    if (punct(".")) {
      ++i_;
      if (!name_here() && !(peek().kind == tk::ident)) return fail("expected a column name, found " + describe(peek()));
      ident b = toks_[i_++].name();
      if (punct(".")) {
        ++i_;
        if (peek().kind != tk::ident) return fail("expected a column name, found " + describe(peek()));
        r.schema = a;
        r.table = b;
        r.column = toks_[i_++].name();
        if (punct(".")) return fail("a field selection or four-part name is outside the checked subset");
      } else {
        r.table = a;
        r.column = b;
      }
    } else {
      r.column = a;
    }
    add_ref(r);
  }

  constexpr void expr(int lv, bool output_alias_ok = false) {
    bool want = true;  // an operand is expected
    int cases = 0;
    bool any = false;
    while (ok()) {
      const token& t = peek();
      if (t.kind == tk::end ||
          (t.kind == tk::punct && (t.text == "," || t.text == ")" || t.text == ";" || t.text == "]" || t.text == ":")))
        break;
      any = true;
      if (want) {
        if (t.kind == tk::punct && t.text == "(") {
          operand_group(lv);
          want = false;
        } else if (t.kind == tk::op && (t.text == "+" || t.text == "-" || t.text == "~")) {
          ++i_;
        } else if (t.kind == tk::number || t.kind == tk::string || t.kind == tk::param) {
          ++i_;
          want = false;
        } else if (t.kind == tk::ident && t.reserved) {
          if ((t.kw == K::k_not)) {
            ++i_;
          } else if (value_keyword(t.kw)) {
            ++i_;
            want = false;
          } else if (((t.kw == K::k_exists) || (t.kw == K::k_any) || (t.kw == K::k_some) || (t.kw == K::k_all)) &&
                     punct_at(1, "(")) {
            ++i_;
            operand_group(lv);
            want = false;
          } else if ((t.kw == K::k_case)) {
            ++i_;
            ++cases;
            if (kw(K::k_when)) ++i_;
          } else if ((t.kw == K::k_when) && cases > 0) {
            ++i_;
          } else if ((t.kw == K::k_cast) && punct_at(1, "(")) {
            i_ += 2;
            expr(lv);
            expect_kw(K::k_as);
            type_name();
            expect_punct(")");
            want = false;
          } else if ((t.kw == K::k_array) && punct_at(1, "[")) {
            i_ += 2;
            if (!punct("]")) expr_list(lv, false);
            expect_punct("]");
            want = false;
          } else if (((t.kw == K::k_left) || (t.kw == K::k_right)) && punct_at(1, "(")) {
            ++i_;
            function_args(lv);
            want = false;
          } else if ((t.kw == K::k_array) && punct_at(1, "(")) {
            ++i_;
            operand_group(lv);
            want = false;
          } else {
            fail("unexpected " + describe(t));
          }
        } else if (t.kind == tk::ident && !t.quoted && (t.kw == K::k_row) && punct_at(1, "(")) {
          ++i_;
          operand_group(lv);
          want = false;
        } else if (t.kind == tk::ident && !t.quoted && (t.kw == K::k_interval) && peek(1).kind == tk::string) {
          i_ += 2;
          want = false;
        } else if (t.kind == tk::ident && !t.quoted && (t.kw == K::k_extract) && punct_at(1, "(")) {
          i_ += 2;
          if (peek().kind == tk::ident || peek().kind == tk::string) ++i_;
          expect_kw(K::k_from);
          expr(lv);
          expect_punct(")");
          want = false;
        } else if (t.kind == tk::ident) {
          if (punct_at(1, "(")) {
            if (t.quoted || !is_checked_function(t.text))
              return fail("a call of function " + std::string(t.text) +
                          ", whose privileges and effects the checker does not know (the checked functions are "
                          "PostgreSQL built-ins that read no table)");
            ++i_;
            function_args(lv);
          } else if (name_here() && punct_at(1, ".") && peek(2).kind == tk::ident && punct_at(3, "(")) {
            return fail("a call of the schema-qualified function " + std::string(t.text) + "." +
                        std::string(peek(2).text) + ", whose privileges the checker does not know");
          } else if (peek(1).kind == tk::string && !t.quoted) {
            i_ += 2;  // a typed literal: date '2024-01-01'
          } else {
            column_ref(lv, output_alias_ok);
          }
          want = false;
        } else {
          fail("unexpected " + describe(t));
        }
      } else {
        if (t.kind == tk::op) {
          ++i_;
          want = true;
        } else if (t.kind == tk::punct && t.text == "::") {
          ++i_;
          type_name();
        } else if (t.kind == tk::punct && t.text == "[") {
          ++i_;
          expr(lv);
          if (punct(":")) {
            ++i_;
            expr(lv);
          }
          expect_punct("]");
        } else if (t.kind == tk::ident && !t.quoted) {
          if ((t.kw == K::k_and) || (t.kw == K::k_or)) {
            ++i_;
            want = true;
          } else if ((t.kw == K::k_not) && (kw_at(1, K::k_like) || kw_at(1, K::k_ilike) || kw_at(1, K::k_in) ||
                                            kw_at(1, K::k_between) || kw_at(1, K::k_similar))) {
            ++i_;
          } else if ((t.kw == K::k_is)) {
            ++i_;
            accept_kw(K::k_not);
            if (accept_kw(K::k_distinct)) {
              expect_kw(K::k_from);
              want = true;
            } else if (kw(K::k_null) || kw(K::k_true) || kw(K::k_false) || kw(K::k_unknown)) {
              ++i_;
            } else {
              fail("expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS, found " + describe(peek()));
            }
          } else if ((t.kw == K::k_isnull) || (t.kw == K::k_notnull)) {
            ++i_;
          } else if ((t.kw == K::k_like) || (t.kw == K::k_ilike) || (t.kw == K::k_escape)) {
            ++i_;
            want = true;
          } else if ((t.kw == K::k_similar) && kw_at(1, K::k_to)) {
            i_ += 2;
            want = true;
          } else if ((t.kw == K::k_in)) {
            ++i_;
            if (!punct("(")) fail("expected '(' after IN, found " + describe(peek()));
            want = true;
          } else if ((t.kw == K::k_between)) {
            ++i_;
            accept_kw(K::k_symmetric);
            want = true;
          } else if (((t.kw == K::k_when) || (t.kw == K::k_then) || (t.kw == K::k_else)) && cases > 0) {
            ++i_;
            want = true;
          } else if ((t.kw == K::k_end) && cases > 0) {
            ++i_;
            --cases;
          } else if ((t.kw == K::k_collate)) {
            ++i_;
            take_name("a collation");
            if (punct("."))  // a collation of some schema: USAGE there, not checked
              return fail("a schema-qualified collation, whose schema's USAGE the checker does not check");
          } else if ((t.kw == K::k_at) && kw_at(1, K::k_time) && kw_at(2, K::k_zone)) {
            i_ += 3;
            want = true;
          } else {
            break;  // a clause keyword or an alias: the caller decides
          }
        } else {
          break;
        }
      }
    }
    if (ok() && cases > 0) fail("CASE without END");
    if (ok() && (want || !any)) fail("expected an expression, found " + describe(peek()));
  }
};

// Parses sql into p (p.error says why not).
constexpr void parse_into(std::string_view sql, parsed& p) {
  const lexed l = lex(sql);
  if (!l.error.empty()) {
    p.error = l.error + " is outside the checked subset";  // the lexer names the construct
    p.error_pos = l.error_pos;
    return;
  }
  parser ps(l.tokens, p);
  ps.run();
}
constexpr parsed parse(std::string_view sql) {
  parsed p;
  parse_into(sql, p);
  return p;
}

}  // namespace dsql::detail::sqlp

#endif  // DSQL_DETAIL_SQL_PARSE_HPP
