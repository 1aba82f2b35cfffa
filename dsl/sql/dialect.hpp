// The DSQL-dialect bridge: a tokenizer for psql scripts and a rewriter that turns
// Aurora DSQL's statements that PostgreSQL's parser cannot read into calls of the
// dsql_iam extension's functions, so that production scripts run unchanged against a
// local PostgreSQL 15.
//
//   AWS IAM GRANT  <role> TO   '<arn>'   →  CALL sys.aws_iam_grant('<role>', '<arn>')
//   AWS IAM REVOKE <role> FROM '<arn>'   →  CALL sys.aws_iam_revoke('<role>', '<arn>')
//   CREATE [UNIQUE] INDEX ASYNC <rest>   →  SELECT sys.create_index_async(
//                                              'CREATE [UNIQUE] INDEX <rest>') AS job_id
//
// The wire front-end calls dialect::rewrite() on each query string it receives.
//
// Everything else is kept byte for byte. The lexer follows PostgreSQL's scan.l and
// psql's psqlscan.l where statement boundaries are concerned (see tokenize()).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dsql {

/// A script the bridge cannot process: an unterminated quote/comment/dollar quote,
/// or a malformed `AWS IAM ...` statement. line and column are 1-based; the column
/// counts UTF-8 characters, a CRLF or LF ends a line. what() is
/// "line L, column C: <message>".
class dialect_error : public std::runtime_error {
 public:
  dialect_error(std::string message, std::size_t line, std::size_t column);
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] std::size_t column() const noexcept { return column_; }
  /// The message without the "line L, column C: " prefix.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::string message_;
  std::size_t line_;
  std::size_t column_;
};

namespace dialect {

enum class token_kind {
  whitespace,      ///< spaces, tabs, CR, LF, FF, VT
  line_comment,    ///< -- up to (not including) the newline
  block_comment,   ///< /* ... */, nested
  identifier,      ///< unquoted identifier or keyword (may contain $ after the start)
  quoted_ident,    ///< "..." with "" escapes
  unicode_ident,   ///< U&"..."
  string,          ///< '...' with '' escapes (also B'', X'', N'' prefixed forms)
  escape_string,   ///< E'...' with backslash escapes
  unicode_string,  ///< U&'...'
  dollar_string,   ///< $$...$$ or $tag$...$tag$
  number,          ///< 1, 1.5, 1e10, .5
  parameter,       ///< $1
  psql_variable,   ///< psql :name, :'name', :"name"
  typecast,        ///< ::
  semicolon,       ///< ; (a statement boundary only outside parentheses)
  open_paren,
  close_paren,
  meta_command,  ///< psql backslash command up to the end of its line (or \\)
  other,         ///< any other single character (operators, commas, ...)
  copy_data,     ///< the data lines psql sends after COPY ... FROM STDIN, up to and
                 ///< including the terminating line `\.` (its line end excluded), or
                 ///< to the end of the script; never tokenized, never rewritten
};

/// Where a text comes from, which decides the lexical rules.
///   psql_script: a script for psql: PostgreSQL's rules plus psql's own (backslash
///                meta-commands, :variables, the data lines after COPY ... FROM STDIN)
///   wire:        one query string of the frontend/backend protocol (a Query or Parse
///                message): PostgreSQL's rules only. A backslash, a colon or a line
///                `\.` are ordinary characters there; reading them with psql's rules
///                would take SQL for COPY data and rewrite inside a string literal.
enum class source { psql_script, wire };

struct token {
  token_kind kind;
  std::size_t offset;  ///< byte offset in the script
  std::size_t length;  ///< bytes
};

/// Splits a whole script into tokens covering every byte, in order, in linear time.
/// Throws dialect_error at the opening delimiter of an unterminated quoted string,
/// quoted identifier, block comment or dollar quote.
///
/// COPY ... FROM STDIN: as psql does, the lines after a statement that starts with
/// COPY and has FROM STDIN outside parentheses (any case), sent with `;` or `\g`, are
/// data: one copy_data token runs from the start of the next line to the line `\.`
/// (LF or CRLF) or the end of the script. Text after the `;` on the statement's own
/// line is still SQL. source::wire applies none of psql's rules (see source).
[[nodiscard]] std::vector<token> tokenize(std::string_view script, source src = source::psql_script);

/// 1-based line and column (UTF-8 characters) of a byte offset.
struct position {
  std::size_t line;
  std::size_t column;
};
[[nodiscard]] position position_of(std::string_view script, std::size_t offset);

/// Quotes a string as an SQL literal: 'it''s'; with a backslash inside, E'a\\b' so the
/// result is right whatever standard_conforming_strings is.
[[nodiscard]] std::string quote_literal(std::string_view value);

struct rewrite_result {
  std::string text;               ///< the rewritten script
  std::size_t grants = 0;         ///< AWS IAM GRANT statements rewritten
  std::size_t revokes = 0;        ///< AWS IAM REVOKE statements rewritten
  std::size_t async_indexes = 0;  ///< CREATE INDEX ASYNC statements rewritten
};

/// Rewrites every `AWS IAM GRANT/REVOKE` statement of a psql script (see the file
/// comment). A statement is recognised when its first two tokens are the unquoted
/// words AWS and IAM (any case); it must then be exactly
///   AWS IAM GRANT <role> TO '<arn>'   or   AWS IAM REVOKE <role> FROM '<arn>'
/// followed by `;`, a psql meta-command or the end of the script; comments and
/// whitespace may appear between tokens. An unquoted role is folded to lower case
/// (ASCII, as PostgreSQL does), a quoted one is taken exactly; names longer than 63
/// bytes are truncated as the server does. The ARN is a standard '...' literal
/// (adjacent literals separated by a newline are concatenated, as in SQL), or a psql
/// :'variable'. The rewritten span (AWS ... ARN) is replaced by the CALL followed
/// by as many newlines as it contained, so line numbers of the rest are unchanged: a
/// line break inside the role name or the ARN is written as an escape (E'a\nb').
/// COPY ... FROM STDIN data (see tokenize()) is kept byte for byte.
///
/// A statement whose first significant tokens are CREATE [UNIQUE] INDEX ASYNC (unquoted,
/// any case) becomes `SELECT sys.create_index_async('<the statement without ASYNC>') AS
/// job_id`: one row, the job id, as DSQL answers. The statement runs to a `;` outside
/// parentheses, a psql meta-command or the end of the script; its text goes in the
/// literal unchanged (comments included) but for the word ASYNC and the blank after it,
/// with line breaks written as escapes so the line count holds. psql variables inside it
/// are refused (they would not be interpolated inside the literal).
///
/// source::wire: a protocol query string (no meta-commands, variables or COPY data).
///
/// Throws dialect_error naming the line and column of the offending token.
[[nodiscard]] rewrite_result rewrite(std::string_view script, source src = source::psql_script);

}  // namespace dialect

/// rewrite(script).text: the script with its AWS IAM statements rewritten.
[[nodiscard]] std::string rewrite_dsql_script(std::string_view script);

}  // namespace dsql
