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

struct token {
  tk kind = tk::end;
  std::string text{};  // identifiers: folded (unquoted) or as written (quoted)
  bool quoted = false;
  std::size_t pos = 0;
};

constexpr bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
constexpr bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_op_char(char c) {
  return c == '+' || c == '-' || c == '*' || c == '/' || c == '<' || c == '>' || c == '=' || c == '~' || c == '!' ||
         c == '@' || c == '#' || c == '%' || c == '^' || c == '&' || c == '|' || c == '`' || c == '?';
}

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
  while (i < n && out.error.empty()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      std::size_t depth = 0;
      const std::size_t start = i;
      do {
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') ++depth, i += 2;
        else if (i + 1 < n && s[i] == '*' && s[i + 1] == '/') --depth, i += 2;
        else ++i;
      } while (depth > 0 && i < n);
      if (depth > 0) fail("an unterminated /* comment", start);
    } else if (is_ident_start(c)) {
      const std::size_t start = i;
      std::string t;
      while (i < n && is_ident_char(s[i])) {
        char d = s[i++];
        if (d >= 'A' && d <= 'Z') d = static_cast<char>(d - 'A' + 'a');
        t += d;
      }
      if (i < n && (s[i] == '\'' || s[i] == '&') && t.size() == 1 &&
          (t == "e" || t == "b" || t == "x" || t == "n" || t == "u"))
        fail("an escape, bit, national or Unicode string (" + t + "'...')", start);
      out.tokens.push_back({tk::ident, std::move(t), false, start});
    } else if (c == '"') {
      const std::size_t start = i++;
      std::string t;
      bool closed = false;
      while (i < n) {
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') t += '"', i += 2;
          else { ++i; closed = true; break; }
        } else {
          t += s[i++];
        }
      }
      if (!closed) fail("an unterminated quoted identifier", start);
      else if (t.empty()) fail("an empty quoted identifier", start);
      out.tokens.push_back({tk::ident, std::move(t), true, start});
    } else if (c == '\'') {
      const std::size_t start = i++;
      std::string t;
      bool closed = false;
      while (i < n) {
        if (s[i] == '\'') {
          if (i + 1 < n && s[i + 1] == '\'') t += '\'', i += 2;
          else { ++i; closed = true; break; }
        } else {
          t += s[i++];
        }
      }
      if (!closed) fail("an unterminated string literal", start);
      out.tokens.push_back({tk::string, std::move(t), false, start});
    } else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s[i + 1]))) {
      const std::size_t start = i;
      while (i < n && (is_digit(s[i]) || s[i] == '.')) ++i;
      if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        while (i < n && is_digit(s[i])) ++i;
      }
      out.tokens.push_back({tk::number, std::string(s.substr(start, i - start)), false, start});
    } else if (c == '$') {
      const std::size_t start = i++;
      if (i < n && is_digit(s[i])) {
        while (i < n && is_digit(s[i])) ++i;
        out.tokens.push_back({tk::param, std::string(s.substr(start, i - start)), false, start});
      } else {
        fail("a dollar-quoted string", start);
      }
    } else if (c == ':' && i + 1 < n && s[i + 1] == ':') {
      out.tokens.push_back({tk::punct, "::", false, i});
      i += 2;
    } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.' || c == '[' || c == ']' || c == ':') {
      out.tokens.push_back({tk::punct, std::string(1, c), false, i});
      ++i;
    } else if (is_op_char(c)) {
      const std::size_t start = i;
      while (i < n && is_op_char(s[i]) && !(s[i] == '-' && i + 1 < n && s[i + 1] == '-') &&
             !(s[i] == '/' && i + 1 < n && s[i + 1] == '*'))
        ++i;
      out.tokens.push_back({tk::op, std::string(s.substr(start, i - start)), false, start});
    } else {
      fail(std::string("the character '") + c + "'", i);
    }
  }
  out.tokens.push_back({tk::end, {}, false, n});
  return out;
}

// Words that are never a column or alias here (PostgreSQL's reserved words that the
// subset meets, and the clause words it refuses).
constexpr bool reserved(std::string_view w) {
  constexpr std::string_view words[] = {
      "all",       "and",      "any",       "array",     "as",        "asc",     "between", "both",
      "case",      "cast",     "collate",   "conflict",  "constraint", "create",  "cross",   "current_date",
      "current_role", "current_time", "current_timestamp", "current_user", "default", "delete", "desc",
      "distinct",  "do",       "else",      "end",       "except",    "exists",  "false",   "fetch",
      "for",       "from",     "full",      "group",     "having",    "ilike",   "in",      "inner",
      "insert",    "intersect", "into",     "is",        "isnull",    "join",    "lateral", "leading",
      "left",      "like",     "limit",     "localtime", "localtimestamp", "natural", "not", "notnull",
      "null",      "nulls",    "offset",    "on",        "only",      "or",      "order",   "outer",
      "over",      "returning", "right",    "select",    "session_user", "set",   "similar", "some",
      "table",     "then",     "trailing",  "true",      "union",     "update",  "user",    "using",
      "values",    "when",     "where",     "window",    "with"};
  for (auto x : words)
    if (x == w) return true;
  return false;
}

constexpr bool value_keyword(std::string_view w) {
  constexpr std::string_view words[] = {"null",         "true",           "false",        "default",
                                        "current_date", "current_time",   "current_timestamp",
                                        "localtime",    "localtimestamp", "current_user", "current_role",
                                        "session_user", "user"};
  for (auto x : words)
    if (x == w) return true;
  return false;
}

// A table of one query level.
struct entry {
  std::string schema{}, table{}, alias{};
  bool base = true;           // a table (false: a subquery in FROM, or EXCLUDED)
  bool pseudo = false;        // EXCLUDED: only by qualified name, no privilege
  bool read = false;          // read by the statement (FROM, JOIN, USING): SELECT on some column
  bool outputs_known = true;  // subquery: its output names are known (no *)
  std::vector<std::string> outputs{};
  std::size_t pos = 0;
};

struct level {
  int parent = -1;
  std::vector<entry> entries{};
  std::vector<std::string> output_names{};  // select list aliases and bare column names
  bool outputs_known = true;
};

// A column reference (or a star), with the privilege it needs.
struct colref {
  int level = 0;
  std::string schema{}, table{};  // qualifiers as written (table: a table name or alias)
  std::string column{};          // empty for a star
  bool star = false;
  privilege_kind privilege = privilege_kind::select;
  int only_entry = -1;             // bound to that entry of its level (targets, USING)
  std::size_t visible = static_cast<std::size_t>(-1);  // entries of its level it may see
  bool output_alias_ok = false;    // ORDER BY / GROUP BY may name an output column
  std::size_t pos = 0;
};

enum class statement_kind { select, insert, update, delete_ };

struct parsed {
  statement_kind kind = statement_kind::select;
  std::vector<level> levels{};
  std::vector<colref> refs{};
  int target_level = -1, target_entry = -1;  // INSERT/UPDATE/DELETE target
  bool insert_all_columns = false;            // INSERT without a column list
  std::string error{};
  std::size_t error_pos = 0;
};

class parser {
 public:
  constexpr explicit parser(const std::vector<token>& t) : toks_(t) {}

  constexpr parsed run() {
    if (kw("select")) {
      out_.kind = statement_kind::select;
      select(-1);
    } else if (kw("insert")) {
      out_.kind = statement_kind::insert;
      insert();
    } else if (kw("update")) {
      out_.kind = statement_kind::update;
      update();
    } else if (kw("delete")) {
      out_.kind = statement_kind::delete_;
      delete_();
    } else {
      fail("only SELECT, INSERT, UPDATE and DELETE are checked, and this statement begins with " +
           describe(peek()));
    }
    if (ok() && punct(";")) ++i_;
    if (ok() && peek().kind != tk::end) fail(describe(peek()) + " follows the statement, and only one statement of the subset is checked");
    return out_;
  }

 private:
  std::vector<token> toks_;
  std::size_t i_ = 0;
  parsed out_{};

  constexpr bool ok() const { return out_.error.empty(); }
  constexpr void fail(const std::string& why) {
    if (!ok()) return;
    out_.error = why;
    out_.error_pos = peek().pos;
  }
  constexpr const token& peek(std::size_t k = 0) const {
    return toks_[i_ + k < toks_.size() ? i_ + k : toks_.size() - 1];
  }
  constexpr bool kw_at(std::size_t k, std::string_view w) const {
    const token& t = peek(k);
    return t.kind == tk::ident && !t.quoted && t.text == w;
  }
  constexpr bool kw(std::string_view w) const { return kw_at(0, w); }
  constexpr bool punct_at(std::size_t k, std::string_view p) const {
    const token& t = peek(k);
    return t.kind == tk::punct && t.text == p;
  }
  constexpr bool punct(std::string_view p) const { return punct_at(0, p); }
  constexpr bool op(std::string_view p) const { return peek().kind == tk::op && peek().text == p; }
  constexpr bool accept_kw(std::string_view w) {
    if (!kw(w)) return false;
    ++i_;
    return true;
  }
  constexpr void expect_kw(std::string_view w) {
    if (!accept_kw(w)) fail("expected " + upper(w) + ", found " + describe(peek()));
  }
  constexpr void expect_punct(std::string_view p) {
    if (punct(p)) ++i_;
    else fail("expected '" + std::string(p) + "', found " + describe(peek()));
  }
  static constexpr std::string upper(std::string_view w) {
    std::string s;
    for (char c : w) s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    return s;
  }
  static constexpr std::string describe(const token& t) {
    switch (t.kind) {
      case tk::end: return "the end of the statement";
      case tk::ident:
        if (t.quoted) return "\"" + t.text + "\"";
        if (reserved(t.text)) return upper(t.text);
        return t.text;
      case tk::string: return "a string literal";
      case tk::number: return "the number " + t.text;
      case tk::param: return "the parameter " + t.text;
      default: return "'" + t.text + "'";
    }
  }
  // A name: a quoted identifier, or an unquoted one that is not reserved.
  constexpr bool name_here(std::size_t k = 0) const {
    const token& t = peek(k);
    return t.kind == tk::ident && (t.quoted || !reserved(t.text));
  }
  constexpr std::string take_name(std::string_view what) {
    if (!name_here()) {
      fail("expected " + std::string(what) + ", found " + describe(peek()));
      return {};
    }
    return toks_[i_++].text;
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
    expect_kw("select");
    if (accept_kw("distinct")) {
      if (accept_kw("on")) {
        expect_punct("(");
        expr_list(lv, false);
        expect_punct(")");
      }
    } else {
      accept_kw("all");
    }
    items(lv, -1, true);
    if (accept_kw("from")) from_list(lv);
    if (accept_kw("where")) expr(lv);
    if (accept_kw("group")) {
      expect_kw("by");
      expr_list(lv, true);
    }
    if (accept_kw("having")) expr(lv);
    if (accept_kw("order")) {
      expect_kw("by");
      do {
        expr(lv, true);
        if (!accept_kw("asc")) accept_kw("desc");
        if (accept_kw("nulls") && !accept_kw("first")) expect_kw("last");
      } while (ok() && punct(",") && (++i_, true));
    }
    for (int k = 0; k < 2 && ok(); ++k) {
      if (accept_kw("limit")) {
        if (!accept_kw("all")) expr(lv);
      } else if (accept_kw("offset")) {
        expr(lv);
        if (!accept_kw("rows")) accept_kw("row");
      }
    }
    if (ok() && (kw("union") || kw("intersect") || kw("except")))
      fail(upper(peek().text) + " is outside the checked subset (check each SELECT on its own)");
    if (ok() && kw("for")) fail("FOR UPDATE/SHARE locking is outside the checked subset");
    if (ok() && kw("fetch")) fail("FETCH FIRST is outside the checked subset (use LIMIT)");
    if (ok() && kw("window")) fail("WINDOW is outside the checked subset");
    return lv;
  }

  constexpr void insert() {
    expect_kw("insert");
    expect_kw("into");
    const int lv = new_level(-1);
    target(lv, true);
    const int te = out_.target_entry;
    if (punct("(") && !kw_at(1, "select")) {
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
    if (accept_kw("values")) {
      const int vl = new_level(-1);  // VALUES sees no table of the statement
      do {
        expect_punct("(");
        expr_list(vl, false);
        expect_punct(")");
      } while (ok() && punct(",") && (++i_, true));
    } else if (kw("select") || (punct("(") && kw_at(1, "select"))) {
      const bool paren = punct("(");
      if (paren) ++i_;
      select(-1);
      if (paren) expect_punct(")");
    } else if (accept_kw("default")) {
      expect_kw("values");
    } else {
      fail("expected VALUES, SELECT or DEFAULT VALUES, found " + describe(peek()));
    }
    if (accept_kw("on")) {
      expect_kw("conflict");
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
        if (accept_kw("where")) expr(lv);
      } else if (accept_kw("on")) {
        expect_kw("constraint");
        take_name("a constraint name");
      }
      expect_kw("do");
      if (!accept_kw("nothing")) {
        expect_kw("update");
        entry ex;
        ex.table = "excluded";
        ex.alias = "excluded";
        ex.base = false;
        ex.pseudo = true;
        ex.outputs_known = false;
        out_.levels[static_cast<std::size_t>(lv)].entries.push_back(ex);
        expect_kw("set");
        set_list(lv, te);
        if (accept_kw("where")) expr(lv);
      }
    }
    if (accept_kw("returning")) items(lv, -1, false);
  }

  constexpr void update() {
    expect_kw("update");
    const int lv = new_level(-1);
    target(lv, false);
    const int te = out_.target_entry;
    expect_kw("set");
    set_list(lv, te);
    if (accept_kw("from")) from_list(lv);
    if (accept_kw("where")) {
      if (kw("current") && kw_at(1, "of")) fail("WHERE CURRENT OF is outside the checked subset");
      expr(lv);
    }
    if (accept_kw("returning")) items(lv, -1, false);
  }

  constexpr void delete_() {
    expect_kw("delete");
    expect_kw("from");
    const int lv = new_level(-1);
    target(lv, false);
    if (accept_kw("using")) from_list(lv);
    if (accept_kw("where")) {
      if (kw("current") && kw_at(1, "of")) fail("WHERE CURRENT OF is outside the checked subset");
      expr(lv);
    }
    if (accept_kw("returning")) items(lv, -1, false);
  }

  // The target table of INSERT/UPDATE/DELETE.
  constexpr void target(int lv, bool as_required) {
    if (kw("only")) fail("ONLY is outside the checked subset");
    entry e;
    e.pos = peek().pos;
    table_name(e);
    if (accept_kw("as")) e.alias = take_name("an alias");
    else if (!as_required && name_here() && !kw("set") && !kw("using")) e.alias = take_name("an alias");
    auto& es = out_.levels[static_cast<std::size_t>(lv)].entries;
    es.push_back(e);
    out_.target_level = lv;
    out_.target_entry = static_cast<int>(es.size()) - 1;
  }

  constexpr void table_name(entry& e) {
    std::string first = take_name("a table name");
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
        if (op("=")) ++i_;
        else fail("expected '=', found " + describe(peek()));
        accept_kw("row");
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
        if (op("=")) ++i_;
        else fail("expected '=', found " + describe(peek()));
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
      if (kw("natural")) return fail("NATURAL JOIN is outside the checked subset (name the columns with USING)");
      const std::size_t save = i_;
      bool cross = false;
      if (accept_kw("cross")) {
        cross = true;
      } else if (accept_kw("left") || accept_kw("right") || accept_kw("full")) {
        accept_kw("outer");
      } else {
        accept_kw("inner");
      }
      if (!accept_kw("join")) {
        if (i_ != save) fail("expected JOIN, found " + describe(peek()));
        return;
      }
      const std::size_t before = out_.levels[static_cast<std::size_t>(lv)].entries.size();
      table_ref(lv);
      if (cross) continue;
      if (accept_kw("on")) {
        expr(lv);
      } else if (accept_kw("using")) {
        expect_punct("(");
        do {
          const std::size_t at = peek().pos;
          std::string c = take_name("a column name");
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
    if (kw("lateral")) return fail("LATERAL is outside the checked subset");
    if (kw("only")) return fail("ONLY is outside the checked subset");
    entry e;
    e.pos = peek().pos;
    if (punct("(")) {
      if (!kw_at(1, "select")) return fail("a parenthesised join or VALUES list in FROM is outside the checked subset");
      ++i_;
      const int sub = select(out_.levels[static_cast<std::size_t>(lv)].parent);
      expect_punct(")");
      e.base = false;
      e.outputs = out_.levels[static_cast<std::size_t>(sub)].output_names;
      e.outputs_known = out_.levels[static_cast<std::size_t>(sub)].outputs_known;
      accept_kw("as");
      e.alias = take_name("an alias for the subquery");
    } else {
      table_name(e);
      if (ok() && punct("(")) return fail("a function in FROM is outside the checked subset");
      e.read = true;
      if (accept_kw("as")) e.alias = take_name("an alias");
      else if (name_here()) e.alias = take_name("an alias");
    }
    if (ok() && punct("(")) return fail("column aliases in FROM are outside the checked subset");
    if (ok() && kw("tablesample")) return fail("TABLESAMPLE is outside the checked subset");
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
        r.table = toks_[i_].text;
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
        r.schema = toks_[i_].text;
        r.table = toks_[i_ + 2].text;
        r.star = true;
        r.pos = at;
        i_ += 5;
        add_ref(r);
        out_.levels[static_cast<std::size_t>(lv)].outputs_known = false;
        continue;
      }
      // A bare column's name is the output name.
      std::string bare;
      if (name_here() && (punct_at(1, ",") || peek(1).kind == tk::end || kw_at(1, "from") || kw_at(1, "as") ||
                          (name_here(1) && !punct_at(2, "(")) || punct_at(1, ")") || punct_at(1, ";")))
        bare = peek().text;
      expr(lv);
      std::string alias;
      if (accept_kw("as")) {
        if (peek().kind == tk::ident) alias = toks_[i_++].text;
        else fail("expected a column alias, found " + describe(peek()));
      } else if (name_here()) {
        alias = take_name("a column alias");
      }
      if (!alias.empty()) out_.levels[static_cast<std::size_t>(lv)].output_names.push_back(alias);
      else if (!bare.empty()) out_.levels[static_cast<std::size_t>(lv)].output_names.push_back(bare);
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
    if (kw("select")) select(lv);
    else if (!punct(")")) expr_list(lv, false);
    expect_punct(")");
  }

  constexpr void type_name() {
    if (peek().kind != tk::ident) return fail("expected a type name, found " + describe(peek()));
    ++i_;
    if (punct(".") && peek(1).kind == tk::ident) i_ += 2;
    while (kw("precision") || kw("varying") || kw("with") || kw("without") || kw("time") || kw("zone")) ++i_;
    if (punct("(")) {
      while (ok() && !punct(")") && peek().kind != tk::end) ++i_;
      expect_punct(")");
    }
    while (punct("[") && punct_at(1, "]")) i_ += 2;
  }

  constexpr void function_args(int lv) {
    expect_punct("(");
    if (op("*") && punct_at(1, ")")) ++i_;  // count(*)
    if (!punct(")") && !accept_kw("distinct")) accept_kw("all");
    while (ok() && !punct(")")) {
      expr(lv);
      if (punct(",") || kw("from") || kw("for") || kw("in") || kw("placing")) {
        ++i_;
        continue;
      }
      if (kw("order") && kw_at(1, "by")) {
        i_ += 2;
        continue;
      }
      if (accept_kw("asc") || accept_kw("desc")) continue;
      break;
    }
    expect_punct(")");
    if (ok() && kw("over")) fail("window functions (OVER) are outside the checked subset");
    if (ok() && (kw("filter") || kw("within")) && punct_at(1, "("))
      fail("FILTER and WITHIN GROUP are outside the checked subset");
  }

  // A column reference: c, t.c or s.t.c.
  constexpr void column_ref(int lv, bool output_alias_ok) {
    colref r;
    r.level = lv;
    r.pos = peek().pos;
    r.output_alias_ok = output_alias_ok;
    std::string a = toks_[i_++].text;
    if (punct(".")) {
      ++i_;
      if (!name_here() && !(peek().kind == tk::ident)) return fail("expected a column name, found " + describe(peek()));
      std::string b = toks_[i_++].text;
      if (punct(".")) {
        ++i_;
        if (peek().kind != tk::ident) return fail("expected a column name, found " + describe(peek()));
        r.schema = a;
        r.table = b;
        r.column = toks_[i_++].text;
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
      if (t.kind == tk::end || (t.kind == tk::punct && (t.text == "," || t.text == ")" || t.text == ";" ||
                                                        t.text == "]" || t.text == ":")))
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
        } else if (t.kind == tk::ident && !t.quoted && reserved(t.text)) {
          const std::string& w = t.text;
          if (w == "not") {
            ++i_;
          } else if (value_keyword(w)) {
            ++i_;
            want = false;
          } else if ((w == "exists" || w == "any" || w == "some" || w == "all") && punct_at(1, "(")) {
            ++i_;
            operand_group(lv);
            want = false;
          } else if (w == "case") {
            ++i_;
            ++cases;
            if (kw("when")) ++i_;
          } else if (w == "when" && cases > 0) {
            ++i_;
          } else if (w == "cast" && punct_at(1, "(")) {
            i_ += 2;
            expr(lv);
            expect_kw("as");
            type_name();
            expect_punct(")");
            want = false;
          } else if (w == "array" && punct_at(1, "[")) {
            i_ += 2;
            if (!punct("]")) expr_list(lv, false);
            expect_punct("]");
            want = false;
          } else if ((w == "left" || w == "right") && punct_at(1, "(")) {
            ++i_;
            function_args(lv);
            want = false;
          } else if (w == "array" && punct_at(1, "(")) {
            ++i_;
            operand_group(lv);
            want = false;
          } else {
            fail("unexpected " + describe(t));
          }
        } else if (t.kind == tk::ident && !t.quoted && t.text == "row" && punct_at(1, "(")) {
          ++i_;
          operand_group(lv);
          want = false;
        } else if (t.kind == tk::ident && !t.quoted && t.text == "interval" && peek(1).kind == tk::string) {
          i_ += 2;
          want = false;
        } else if (t.kind == tk::ident && !t.quoted && t.text == "extract" && punct_at(1, "(")) {
          i_ += 2;
          if (peek().kind == tk::ident || peek().kind == tk::string) ++i_;
          expect_kw("from");
          expr(lv);
          expect_punct(")");
          want = false;
        } else if (t.kind == tk::ident) {
          if (punct_at(1, "(")) {
            ++i_;
            function_args(lv);
          } else if (name_here() && punct_at(1, ".") && peek(2).kind == tk::ident && punct_at(3, "(")) {
            i_ += 3;  // schema.function(...)
            function_args(lv);
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
          const std::string w = t.text;
          if (w == "and" || w == "or") {
            ++i_;
            want = true;
          } else if (w == "not" && (kw_at(1, "like") || kw_at(1, "ilike") || kw_at(1, "in") || kw_at(1, "between") ||
                                    kw_at(1, "similar"))) {
            ++i_;
          } else if (w == "is") {
            ++i_;
            accept_kw("not");
            if (accept_kw("distinct")) {
              expect_kw("from");
              want = true;
            } else if (kw("null") || kw("true") || kw("false") || kw("unknown")) {
              ++i_;
            } else {
              fail("expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS, found " + describe(peek()));
            }
          } else if (w == "isnull" || w == "notnull") {
            ++i_;
          } else if (w == "like" || w == "ilike" || w == "escape") {
            ++i_;
            want = true;
          } else if (w == "similar" && kw_at(1, "to")) {
            i_ += 2;
            want = true;
          } else if (w == "in") {
            ++i_;
            if (!punct("(")) fail("expected '(' after IN, found " + describe(peek()));
            want = true;
          } else if (w == "between") {
            ++i_;
            accept_kw("symmetric");
            want = true;
          } else if ((w == "when" || w == "then" || w == "else") && cases > 0) {
            ++i_;
            want = true;
          } else if (w == "end" && cases > 0) {
            ++i_;
            --cases;
          } else if (w == "collate") {
            ++i_;
            take_name("a collation");
            if (punct(".")) {
              ++i_;
              take_name("a collation");
            }
          } else if (w == "at" && kw_at(1, "time") && kw_at(2, "zone")) {
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

constexpr parsed parse(std::string_view sql) {
  lexed l = lex(sql);
  if (!l.error.empty()) {
    parsed p;
    p.error = l.error + " is outside the checked subset";  // the lexer names the construct
    p.error_pos = l.error_pos;
    return p;
  }
  parser ps(l.tokens);
  return ps.run();
}

}  // namespace dsql::detail::sqlp

#endif  // DSQL_DETAIL_SQL_PARSE_HPP
