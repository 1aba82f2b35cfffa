// Tokenizer and AWS IAM rewriter; see dialect.hpp. The character classes follow
// PostgreSQL's scan.l (identifiers, dollar-quote tags, string prefixes) and psql's
// psqlscan.l (meta-commands, :variables, parenthesis depth at `;`).
#include "sql/dialect.hpp"

#include <algorithm>
#include <optional>

namespace dsql {

dialect_error::dialect_error(std::string message, std::size_t line, std::size_t column)
    : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

namespace dialect {
namespace {

constexpr std::size_t max_identifier_bytes = 63;  // NAMEDATALEN - 1

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_high(char c) { return static_cast<unsigned char>(c) >= 0x80; }
// scan.l: ident_start [A-Za-z\200-\377_], ident_cont adds [0-9\$]
bool is_ident_start(char c) { return is_alpha(c) || c == '_' || is_high(c); }
bool is_ident_cont(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }
// scan.l: dolq_start [A-Za-z\200-\377_], dolq_cont adds [0-9] (no $)
bool is_dolq_cont(char c) { return is_ident_start(c) || is_digit(c); }
// psqlscan.l: variable_char [A-Za-z\200-\377_0-9]
bool is_variable_char(char c) { return is_ident_start(c) || is_digit(c); }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

[[noreturn]] void fail(std::string_view script, std::size_t offset, std::string message) {
  const position p = position_of(script, offset);
  throw dialect_error(std::move(message), p.line, p.column);
}

class lexer {
 public:
  lexer(std::string_view s, source src) : s_(s), psql_(src == source::psql_script) {}

  std::vector<token> run() {
    std::vector<token> out;
    while (i_ < s_.size()) {
      const std::size_t start = i_;
      if (copy_pending_ && (start == 0 || s_[start - 1] == '\n')) {
        copy_pending_ = false;
        i_ = copy_data_end(start);
        out.push_back(token{token_kind::copy_data, start, i_ - start});
        end_statement(false);
        continue;
      }
      const token_kind k = next();
      if (copy_pending_ && k == token_kind::whitespace) {
        // The data starts on the line after the one that sent the COPY.
        const std::size_t nl = s_.find('\n', start);
        if (nl < i_) i_ = nl + 1;
      }
      out.push_back(token{k, start, i_ - start});
      track(k, start);
    }
    return out;
  }

 private:
  std::string_view s_;
  bool psql_;  // psql's rules too: meta-commands, :variables, COPY data lines
  std::size_t i_ = 0;

  // The statement being lexed, as far as COPY ... FROM STDIN detection needs it.
  std::size_t depth_ = 0;        // parenthesis depth
  std::size_t significant_ = 0;  // significant tokens so far
  bool is_copy_ = false;         // the first one is COPY
  bool prev_from_ = false;       // the previous significant token is FROM at depth 0
  bool from_stdin_ = false;      // FROM STDIN seen at depth 0
  bool copy_pending_ = false;    // data lines start at the next line start

  void end_statement(bool sent) {
    if (sent && is_copy_ && from_stdin_) copy_pending_ = true;
    depth_ = 0;
    significant_ = 0;
    is_copy_ = prev_from_ = from_stdin_ = false;
  }

  // End of the data block that starts at `start` (a line start): just after the
  // line `\.` (its LF excluded, a CR of CRLF included), or the end of the script.
  // psql's handleCopyIn() recognises exactly "\.\n" and "\.\r\n" (and a last "\.").
  [[nodiscard]] std::size_t copy_data_end(std::size_t start) const {
    std::size_t p = start;
    while (p < s_.size()) {
      const std::size_t nl = s_.find('\n', p);
      const std::string_view line = s_.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p);
      if (line == "\\." || line == "\\.\r") return p + line.size();
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    return s_.size();
  }

  // psql meta-commands that send the query buffer.
  [[nodiscard]] static bool sends_query(std::string_view name) { return name == "g" || name == "gx"; }

  // `\copy ... from stdin` reads its data from the script too (pstdin would be
  // psql's own standard input).
  [[nodiscard]] static bool is_copy_from_stdin_meta(std::string_view name, std::string_view args) {
    if (!iequals(name, "copy")) return false;
    std::size_t depth = 0;
    bool prev_from = false;
    std::size_t k = 0;
    while (k < args.size()) {
      if (is_space(args[k])) {
        ++k;
        continue;
      }
      std::size_t e = k;
      while (e < args.size() && !is_space(args[e])) ++e;
      const std::string_view w = args.substr(k, e - k);
      if (depth == 0 && prev_from && iequals(w, "stdin")) return true;
      prev_from = depth == 0 && iequals(w, "from");
      for (const char c : w) {
        if (c == '(')
          ++depth;
        else if (c == ')' && depth > 0)
          --depth;
      }
      k = e;
    }
    return false;
  }

  void track(token_kind k, std::size_t start) {
    if (!psql_) return;  // on the wire a query string never holds COPY data
    const std::string_view text = s_.substr(start, i_ - start);
    switch (k) {
      case token_kind::whitespace:
      case token_kind::line_comment:
      case token_kind::block_comment:
        return;
      case token_kind::semicolon:
        if (depth_ == 0) end_statement(true);
        return;
      case token_kind::meta_command: {
        std::size_t e = 1;
        while (e < text.size() && !is_space(text[e]) && text[e] != '\\') ++e;
        const std::string_view name = text.substr(1, e - 1);
        const bool sends = sends_query(name);
        const bool meta_copy = is_copy_from_stdin_meta(name, text.substr(e));
        end_statement(sends);
        if (meta_copy) copy_pending_ = true;
        return;
      }
      case token_kind::open_paren:
        ++depth_;
        break;
      case token_kind::close_paren:
        if (depth_ > 0) --depth_;
        break;
      default:
        break;
    }
    if (significant_++ == 0) {
      is_copy_ = k == token_kind::identifier && iequals(text, "copy");
      return;
    }
    if (!is_copy_) return;
    if (k == token_kind::identifier) {
      if (prev_from_ && iequals(text, "stdin")) from_stdin_ = true;
      prev_from_ = depth_ == 0 && iequals(text, "from");
    } else {
      prev_from_ = false;
    }
  }

  [[nodiscard]] char at(std::size_t j) const { return j < s_.size() ? s_[j] : '\0'; }

  token_kind next() {
    const char c = s_[i_];
    if (is_space(c)) {
      while (i_ < s_.size() && is_space(s_[i_])) ++i_;
      return token_kind::whitespace;
    }
    if (c == '-' && at(i_ + 1) == '-') {
      const std::size_t nl = s_.find('\n', i_);
      i_ = nl == std::string_view::npos ? s_.size() : nl;
      return token_kind::line_comment;
    }
    if (c == '/' && at(i_ + 1) == '*') return block_comment();
    if (c == '\'') return quoted(i_, i_ + 1, '\'', false, token_kind::string, "quoted string");
    if (c == '"') return quoted(i_, i_ + 1, '"', false, token_kind::quoted_ident, "quoted identifier");
    if (is_ident_start(c)) return word();
    if (is_digit(c) || (c == '.' && is_digit(at(i_ + 1)))) return number();
    if (c == '$') return dollar();
    if (c == ':') return colon();
    if (c == '\\' && psql_) return meta_command();
    ++i_;
    switch (c) {
      case ';':
        return token_kind::semicolon;
      case '(':
        return token_kind::open_paren;
      case ')':
        return token_kind::close_paren;
      default:
        return token_kind::other;
    }
  }

  token_kind block_comment() {
    const std::size_t open = i_;
    std::size_t depth = 0;
    while (i_ < s_.size()) {
      if (s_[i_] == '/' && at(i_ + 1) == '*') {
        ++depth;
        i_ += 2;
      } else if (s_[i_] == '*' && at(i_ + 1) == '/') {
        i_ += 2;
        if (--depth == 0) return token_kind::block_comment;
      } else {
        ++i_;
      }
    }
    fail(s_, open, "unterminated /* comment");
  }

  // From body (just after the opening quote) to just after the closing quote.
  // A doubled quote is an escaped quote; with backslash_escapes a backslash
  // escapes the next byte (E'' strings).
  token_kind quoted(std::size_t open, std::size_t body, char q, bool backslash_escapes, token_kind kind,
                    const char* what) {
    std::size_t j = body;
    while (j < s_.size()) {
      const char c = s_[j];
      if (backslash_escapes && c == '\\') {
        j += 2;
      } else if (c == q) {
        if (at(j + 1) == q) {
          j += 2;
        } else {
          i_ = j + 1;
          return kind;
        }
      } else {
        ++j;
      }
    }
    fail(s_, open, std::string("unterminated ") + what);
  }

  token_kind word() {
    const char c = s_[i_];
    const char n1 = at(i_ + 1);
    if ((c == 'e' || c == 'E') && n1 == '\'')
      return quoted(i_, i_ + 2, '\'', true, token_kind::escape_string, "quoted string");
    if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && n1 == '\'')
      return quoted(i_, i_ + 2, '\'', false, token_kind::string, "quoted string");
    if ((c == 'u' || c == 'U') && n1 == '&') {
      if (at(i_ + 2) == '\'') return quoted(i_, i_ + 3, '\'', false, token_kind::unicode_string, "quoted string");
      if (at(i_ + 2) == '"') return quoted(i_, i_ + 3, '"', false, token_kind::unicode_ident, "quoted identifier");
    }
    ++i_;
    while (i_ < s_.size() && is_ident_cont(s_[i_])) ++i_;
    return token_kind::identifier;
  }

  token_kind number() {
    // Digits, a fraction, an exponent with its sign, and trailing identifier
    // characters (PostgreSQL 15 lexes 123abc as junk after a number; the boundary
    // of what follows is what matters here). Never a $.
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (is_digit(c) || is_alpha(c) || c == '_' || c == '.') {
        ++i_;
      } else if ((c == '+' || c == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E') && is_digit(at(i_ + 1))) {
        ++i_;
      } else {
        break;
      }
    }
    return token_kind::number;
  }

  token_kind dollar() {
    const std::size_t open = i_;
    if (is_digit(at(i_ + 1))) {
      i_ += 2;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
      return token_kind::parameter;
    }
    // A delimiter is $$ or $tag$ with tag = dolq_start dolq_cont*.
    std::size_t j = i_ + 1;
    if (j < s_.size() && is_ident_start(s_[j])) {
      ++j;
      while (j < s_.size() && is_dolq_cont(s_[j])) ++j;
    }
    if (at(j) != '$') {
      ++i_;  // a lone $ (or $name without closing $): not a quote
      return token_kind::other;
    }
    const std::string_view tag = s_.substr(open + 1, j - open - 1);
    // Scan for $tag$. Each comparison starts at a $ and stops at the first
    // mismatch; the tag holds no $, so comparisons never overlap: linear.
    std::size_t k = j + 1;
    while (true) {
      k = s_.find('$', k);
      if (k == std::string_view::npos) fail(s_, open, "unterminated dollar-quoted string");
      std::size_t m = 0;
      while (m < tag.size() && k + 1 + m < s_.size() && s_[k + 1 + m] == tag[m]) ++m;
      if (m == tag.size() && at(k + 1 + m) == '$') {
        i_ = k + tag.size() + 2;
        return token_kind::dollar_string;
      }
      k = k + 1 + m;  // the next candidate $ is at or after here
    }
  }

  token_kind colon() {
    const char n1 = at(i_ + 1);
    if (n1 == ':') {
      i_ += 2;
      return token_kind::typecast;
    }
    if (!psql_) {
      ++i_;
      return token_kind::other;
    }
    if (n1 == '\'' || n1 == '"') {
      std::size_t j = i_ + 2;
      while (j < s_.size() && is_variable_char(s_[j])) ++j;
      if (j > i_ + 2 && at(j) == n1) {
        i_ = j + 1;
        return token_kind::psql_variable;
      }
    } else if (is_variable_char(n1)) {
      i_ += 2;
      while (i_ < s_.size() && is_variable_char(s_[i_])) ++i_;
      return token_kind::psql_variable;
    }
    ++i_;
    return token_kind::other;
  }

  // psql: an unquoted backslash starts a meta-command whose arguments run to the end
  // of the line; `\\` ends the arguments and SQL resumes on the same line. Arguments
  // may be quoted with '...', "..." or `...` (unterminated: to the end of the line).
  token_kind meta_command() {
    if (at(i_ + 1) == '\\') {
      i_ += 2;
      return token_kind::meta_command;
    }
    ++i_;
    while (i_ < s_.size() && s_[i_] != '\n') {
      const char c = s_[i_];
      if (c == '\\' && at(i_ + 1) == '\\') break;
      if (c == '\'' || c == '"' || c == '`') {
        ++i_;
        while (i_ < s_.size() && s_[i_] != '\n') {
          if (c == '\'' && s_[i_] == '\\') {
            i_ = std::min(i_ + 2, s_.size());
            continue;
          }
          if (s_[i_] == c) {
            if (c != '`' && at(i_ + 1) == c) {
              i_ += 2;
              continue;
            }
            break;
          }
          ++i_;
        }
        if (i_ < s_.size() && s_[i_] == c) ++i_;
        continue;
      }
      ++i_;
    }
    return token_kind::meta_command;  // a CR of a CRLF line stays in the token
  }
};

// quote_literal(), but a line break (LF or CR) is written as an escape (E'a\nb'): the
// literal holds no line break, so a rewritten span keeps its exact line count.
std::string one_line_literal(std::string_view value) {
  if (value.find_first_of("\n\r") == std::string_view::npos) return quote_literal(value);
  std::string out = "E'";
  for (const char c : value) {
    switch (c) {
      case '\'':
        out += "''";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out + "'";
}

bool significant(token_kind k) {
  return k != token_kind::whitespace && k != token_kind::line_comment && k != token_kind::block_comment;
}

// Longest prefix of at most 63 bytes ending on a UTF-8 character boundary.
std::string truncate_identifier(std::string name) {
  if (name.size() <= max_identifier_bytes) return name;
  std::size_t n = max_identifier_bytes;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  name.resize(n);
  return name;
}

std::string undouble(std::string_view body, char q) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t j = 0; j < body.size(); ++j) {
    out.push_back(body[j]);
    if (body[j] == q && j + 1 < body.size() && body[j + 1] == q) ++j;
  }
  return out;
}

class rewriter {
 public:
  rewriter(std::string_view s, const std::vector<token>& t) : s_(s), t_(t) {}

  rewrite_result run() {
    rewrite_result r;
    r.text.reserve(s_.size() + s_.size() / 8);
    std::size_t copied = 0;  // bytes of s_ already in r.text
    bool at_start = true;
    std::size_t depth = 0;
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const token& tk = t_[i];
      switch (tk.kind) {
        case token_kind::semicolon:
          if (depth == 0) at_start = true;
          continue;
        case token_kind::meta_command:
        case token_kind::copy_data:
          at_start = true;
          depth = 0;
          continue;
        case token_kind::open_paren:
          ++depth;
          break;
        case token_kind::close_paren:
          if (depth > 0) --depth;
          break;
        default:
          break;
      }
      if (!significant(tk.kind) || !at_start) continue;
      at_start = false;
      if (is_word(i, "create")) {
        if (const auto st = parse_async_index(i)) {
          r.text.append(s_.substr(copied, tk.offset - copied));
          r.text += st->replacement;
          const std::string_view span = s_.substr(tk.offset, st->end - tk.offset);
          r.text.append(static_cast<std::size_t>(std::count(span.begin(), span.end(), '\n')), '\n');
          copied = st->end;
          r.async_indexes += 1;
          i = st->last_token;
        }
        continue;
      }
      if (!is_word(i, "aws")) continue;
      const std::size_t j = next_significant(i + 1);
      if (j >= t_.size() || !is_word(j, "iam")) continue;
      statement st = parse(j);
      r.text.append(s_.substr(copied, tk.offset - copied));
      r.text += st.replacement;
      const std::string_view span = s_.substr(tk.offset, st.end - tk.offset);
      r.text.append(static_cast<std::size_t>(std::count(span.begin(), span.end(), '\n')), '\n');
      copied = st.end;
      (st.grant ? r.grants : r.revokes) += 1;
      i = st.last_token;  // the terminator (if any) is handled by the loop
    }
    r.text.append(s_.substr(copied));
    return r;
  }

 private:
  std::string_view s_;
  const std::vector<token>& t_;

  struct statement {
    bool grant;
    std::string replacement;
    std::size_t end;         // byte offset just after the ARN
    std::size_t last_token;  // index of the ARN's (last) token
  };

  [[nodiscard]] std::string_view text(std::size_t i) const { return s_.substr(t_[i].offset, t_[i].length); }
  [[nodiscard]] bool is_word(std::size_t i, std::string_view w) const {
    return t_[i].kind == token_kind::identifier && iequals(text(i), w);
  }
  [[nodiscard]] std::size_t next_significant(std::size_t i) const {
    while (i < t_.size() && !significant(t_[i].kind)) ++i;
    return i;
  }

  // Index of the next significant token of the statement; fails at a statement end.
  std::size_t expect(std::size_t i, const char* what) const {
    i = next_significant(i);
    if (i >= t_.size()) fail(s_, s_.size(), std::string("unexpected end of script: expected ") + what);
    if (t_[i].kind == token_kind::semicolon) fail(s_, t_[i].offset, std::string("unexpected ';': expected ") + what);
    if (t_[i].kind == token_kind::meta_command)
      fail(s_, t_[i].offset, std::string("psql meta-command inside an AWS IAM statement: expected ") + what);
    return i;
  }

  [[noreturn]] void unexpected(std::size_t i, const char* what) const {
    std::string got(text(i).substr(0, 40));
    fail(s_, t_[i].offset, "unexpected \"" + got + "\": expected " + what);
  }

  // CREATE [UNIQUE] INDEX ASYNC <rest> up to the statement's end (a `;` outside
  // parentheses, a psql meta-command, the end of the script), or nullopt when the
  // statement at `create` is another one. The replacement runs the statement without
  // the word ASYNC through sys.create_index_async(), which answers the job id.
  std::optional<statement> parse_async_index(std::size_t create) const {
    std::size_t i = next_significant(create + 1);
    if (i < t_.size() && is_word(i, "unique")) i = next_significant(i + 1);
    if (i >= t_.size() || !is_word(i, "index")) return std::nullopt;
    const std::size_t async = next_significant(i + 1);
    if (async >= t_.size() || !is_word(async, "async")) return std::nullopt;

    std::size_t depth = 0;
    std::size_t last = async;
    for (std::size_t k = async + 1; k < t_.size(); ++k) {
      const token& tk = t_[k];
      if (tk.kind == token_kind::meta_command || tk.kind == token_kind::copy_data) break;
      if (tk.kind == token_kind::semicolon && depth == 0) break;
      if (tk.kind == token_kind::open_paren) ++depth;
      if (tk.kind == token_kind::close_paren && depth > 0) --depth;
      if (tk.kind == token_kind::psql_variable)
        fail(s_, tk.offset, "psql variables inside CREATE INDEX ASYNC are not supported: write the values");
      if (significant(tk.kind)) last = k;
    }
    if (last == async) fail(s_, t_[async].offset + t_[async].length, "CREATE INDEX ASYNC without an index definition");

    // The statement as written, without ASYNC (and the blank after it).
    std::string sql(s_.substr(t_[create].offset, t_[async].offset - t_[create].offset));
    std::size_t resume = async + 1;
    if (resume < t_.size() && t_[resume].kind == token_kind::whitespace) ++resume;
    const std::size_t end = t_[last].offset + t_[last].length;
    sql.append(s_.substr(t_[resume].offset, end - t_[resume].offset));

    statement st{};
    st.grant = false;
    st.replacement = "SELECT sys.create_index_async(" + one_line_literal(sql) + ") AS job_id";
    st.end = end;
    st.last_token = last;
    return st;
  }

  statement parse(std::size_t iam) const {
    statement st{};
    std::size_t i = expect(iam + 1, "GRANT or REVOKE after AWS IAM");
    if (is_word(i, "grant")) {
      st.grant = true;
    } else if (is_word(i, "revoke")) {
      st.grant = false;
    } else {
      unexpected(i, "GRANT or REVOKE after AWS IAM");
    }
    const char* role_what = st.grant ? "a role name after GRANT" : "a role name after REVOKE";
    i = expect(i + 1, role_what);
    std::string role_sql;  // an SQL expression giving the role name
    const token& rt = t_[i];
    if (rt.kind == token_kind::identifier) {
      std::string name(text(i));
      std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
      role_sql = quote_literal(truncate_identifier(std::move(name)));
    } else if (rt.kind == token_kind::quoted_ident) {
      const std::string_view body = text(i).substr(1, rt.length - 2);
      if (body.empty()) fail(s_, rt.offset, "zero-length delimited identifier");
      std::string name = undouble(body, '"');
      if (name.find('\0') != std::string::npos) fail(s_, rt.offset, "NUL byte in a role name");
      role_sql = one_line_literal(truncate_identifier(std::move(name)));
    } else if (rt.kind == token_kind::psql_variable && text(i)[1] == '"') {
      // :"name" interpolates the variable as an identifier: its value is the
      // exact role name, which psql also gives as a literal with :'name'.
      role_sql = ":'" + std::string(text(i).substr(2, rt.length - 3)) + "'";
    } else if (rt.kind == token_kind::unicode_ident) {
      fail(s_, rt.offset, "U&\"...\" role names are not supported here: write the name in double quotes");
    } else {
      unexpected(i, role_what);
    }

    const char* prep = st.grant ? "to" : "from";
    const char* prep_what = st.grant ? "TO after the role name" : "FROM after the role name";
    i = expect(i + 1, prep_what);
    if (!is_word(i, prep)) unexpected(i, prep_what);

    const char* arn_what = "the IAM ARN as a string literal '...'";
    i = expect(i + 1, arn_what);
    std::string arn_sql;
    const token& at = t_[i];
    if (at.kind == token_kind::string && text(i)[0] == '\'') {
      std::string arn = undouble(text(i).substr(1, at.length - 2), '\'');
      // SQL concatenates literals separated by whitespace holding a newline.
      while (i + 2 < t_.size() && t_[i + 1].kind == token_kind::whitespace &&
             text(i + 1).find('\n') != std::string_view::npos && t_[i + 2].kind == token_kind::string &&
             text(i + 2)[0] == '\'') {
        i += 2;
        arn += undouble(text(i).substr(1, t_[i].length - 2), '\'');
      }
      if (arn.find('\0') != std::string::npos) fail(s_, at.offset, "NUL byte in the ARN");
      arn_sql = one_line_literal(arn);
    } else if (at.kind == token_kind::psql_variable && text(i)[1] == '\'') {
      arn_sql = std::string(text(i));
    } else if (at.kind == token_kind::string || at.kind == token_kind::escape_string ||
               at.kind == token_kind::unicode_string || at.kind == token_kind::dollar_string) {
      fail(s_, at.offset, "the IAM ARN must be a standard string literal '...'");
    } else {
      unexpected(i, arn_what);
    }
    st.last_token = i;
    st.end = t_[i].offset + t_[i].length;

    const std::size_t after = next_significant(i + 1);
    if (after < t_.size() && t_[after].kind != token_kind::semicolon && t_[after].kind != token_kind::meta_command)
      unexpected(after, "';' after the ARN");

    st.replacement =
        std::string("CALL sys.") + (st.grant ? "aws_iam_grant(" : "aws_iam_revoke(") + role_sql + ", " + arn_sql + ")";
    return st;
  }
};

}  // namespace

std::vector<token> tokenize(std::string_view script, source src) { return lexer(script, src).run(); }

position position_of(std::string_view script, std::size_t offset) {
  position p{1, 1};
  const std::size_t end = std::min(offset, script.size());
  for (std::size_t j = 0; j < end; ++j) {
    const char c = script[j];
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

std::string quote_literal(std::string_view value) {
  const bool backslash = value.find('\\') != std::string_view::npos;
  std::string out;
  out.reserve(value.size() + 4);
  if (backslash) out += 'E';
  out += '\'';
  for (const char c : value) {
    if (c == '\'' || (backslash && c == '\\')) out += c;
    out += c;
  }
  out += '\'';
  return out;
}

rewrite_result rewrite(std::string_view script, source src) {
  const std::vector<token> tokens = tokenize(script, src);
  return rewriter(script, tokens).run();
}

}  // namespace dialect

std::string rewrite_dsql_script(std::string_view script) { return dialect::rewrite(script).text; }

}  // namespace dsql
