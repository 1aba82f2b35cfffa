// The DSQL-dialect bridge: tokenizer boundaries and the AWS IAM rewrite.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sql/dialect.hpp"

using dsql::dialect_error;
using dsql::rewrite_dsql_script;
namespace dialect = dsql::dialect;

namespace {

// The error of rewriting text, as "line:column: message" ("" when none).
std::string error_of(const std::string& text) {
  try {
    (void)rewrite_dsql_script(text);
  } catch (const dialect_error& e) {
    return std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.message();
  }
  return "";
}

void require_unchanged(const std::string& text) {
  INFO("input:\n<<<" << text << ">>>");
  CHECK(rewrite_dsql_script(text) == text);
}

}  // namespace

TEST_CASE("a GRANT and a REVOKE become calls of the extension's functions", "[dialect]") {
  CHECK(rewrite_dsql_script("AWS IAM GRANT app_readonly TO 'arn:aws:iam::123456789012:role/AppReadOnlyRole';") ==
        "CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');");
  CHECK(rewrite_dsql_script("AWS IAM REVOKE app_readonly FROM 'arn:aws:iam::123456789012:role/R';\n") ==
        "CALL sys.aws_iam_revoke('app_readonly', 'arn:aws:iam::123456789012:role/R');\n");
}

TEST_CASE("keywords are case-insensitive and comments may sit between tokens", "[dialect]") {
  CHECK(rewrite_dsql_script("  aws /* x */ Iam\tgrant -- c\n r to 'a' ;") == "  CALL sys.aws_iam_grant('r', 'a')\n ;");
  CHECK(rewrite_dsql_script("Aws IAM ReVoKe r FrOm 'a'") == "CALL sys.aws_iam_revoke('r', 'a')");
}

TEST_CASE("the rewritten span keeps its line count so later line numbers hold", "[dialect]") {
  const std::string in = "AWS IAM\nGRANT r\nTO 'a';\nSELECT 1;\n";
  const std::string out = rewrite_dsql_script(in);
  CHECK(out == "CALL sys.aws_iam_grant('r', 'a')\n\n;\nSELECT 1;\n");
  CHECK(std::count(in.begin(), in.end(), '\n') == std::count(out.begin(), out.end(), '\n'));
}

TEST_CASE("role names fold like PostgreSQL identifiers", "[dialect]") {
  CHECK(rewrite_dsql_script("AWS IAM GRANT App_ReadOnly TO 'a';") == "CALL sys.aws_iam_grant('app_readonly', 'a');");
  CHECK(rewrite_dsql_script("AWS IAM GRANT \"Mixed Case\" TO 'a';") == "CALL sys.aws_iam_grant('Mixed Case', 'a');");
  CHECK(rewrite_dsql_script("AWS IAM GRANT \"quote\"\"inside\" TO 'a';") ==
        "CALL sys.aws_iam_grant('quote\"inside', 'a');");
  CHECK(rewrite_dsql_script("AWS IAM GRANT \"it's\" TO 'a';") == "CALL sys.aws_iam_grant('it''s', 'a');");
  CHECK(rewrite_dsql_script("AWS IAM GRANT \"app_readonly\" TO 'arn:aws:iam::123456789012:role/AppReadOnlyRole';") ==
        "CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');");
  // Only ASCII letters fold; other bytes are kept.
  CHECK(rewrite_dsql_script("AWS IAM GRANT ÉtéX TO 'a';") == "CALL sys.aws_iam_grant('Étéx', 'a');");
}

TEST_CASE("role names over 63 bytes are truncated on a character boundary, as the server does", "[dialect]") {
  const std::string long_name(70, 'r');
  CHECK(rewrite_dsql_script("AWS IAM GRANT " + long_name + " TO 'a';") ==
        "CALL sys.aws_iam_grant('" + std::string(63, 'r') + "', 'a');");
  const std::string multibyte = "\"" + std::string(62, 'x') + "é\"";  // é straddles byte 63
  CHECK(rewrite_dsql_script("AWS IAM GRANT " + multibyte + " TO 'a';") ==
        "CALL sys.aws_iam_grant('" + std::string(62, 'x') + "', 'a');");
}

TEST_CASE("ARN literals are unescaped and re-quoted", "[dialect]") {
  CHECK(rewrite_dsql_script("AWS IAM GRANT r TO 'a''b';") == "CALL sys.aws_iam_grant('r', 'a''b');");
  CHECK(rewrite_dsql_script("AWS IAM GRANT r TO 'a\\b';") == "CALL sys.aws_iam_grant('r', E'a\\\\b');");
  // Adjacent literals separated by a newline are one literal in SQL.
  CHECK(rewrite_dsql_script("AWS IAM GRANT r TO 'arn:aws:iam::1:'\n  'role/X';") ==
        "CALL sys.aws_iam_grant('r', 'arn:aws:iam::1:role/X')\n;");
}

TEST_CASE("psql variables may stand for the ARN and for a quoted role", "[dialect]") {
  CHECK(rewrite_dsql_script("AWS IAM GRANT r TO :'arn';") == "CALL sys.aws_iam_grant('r', :'arn');");
  CHECK(rewrite_dsql_script("AWS IAM REVOKE :\"role\" FROM :'arn';") == "CALL sys.aws_iam_revoke(:'role', :'arn');");
}

TEST_CASE("AWS IAM text inside literals, identifiers, comments and dollar quotes is untouched", "[dialect]") {
  require_unchanged("SELECT 'AWS IAM GRANT r TO ''a'';';");
  require_unchanged("SELECT E'it\\'s; AWS IAM GRANT x TO \\'y\\'';");
  require_unchanged("SELECT \"AWS IAM GRANT r TO 'a';\";");
  require_unchanged("-- AWS IAM GRANT r TO 'a';\nSELECT 1;");
  require_unchanged("/* AWS IAM GRANT r TO 'a'; /* nested; */ still; */ SELECT 1;");
  require_unchanged("SELECT $$; AWS IAM GRANT r TO 'a';$$;");
  require_unchanged("SELECT $fn$\nAWS IAM GRANT r TO 'a';\n$fn$;");
  require_unchanged("SELECT U&'d\\0061t\\+000061; AWS IAM GRANT r TO ''a''';");
  require_unchanged("SELECT U&\"AWS IAM GRANT r TO 'a';\";");
  require_unchanged("SELECT B'0101', X'FF', N'; AWS IAM GRANT r TO ''a'';';");
}

TEST_CASE("the statement after a string holding a semicolon is still found", "[dialect]") {
  CHECK(rewrite_dsql_script("SELECT f(';'); AWS IAM GRANT r TO 'a';") ==
        "SELECT f(';'); CALL sys.aws_iam_grant('r', 'a');");
  CHECK(rewrite_dsql_script("SELECT $$;$$; AWS IAM GRANT r TO 'a';") ==
        "SELECT $$;$$; CALL sys.aws_iam_grant('r', 'a');");
}

TEST_CASE("nested dollar quotes end only at their own tag", "[dialect]") {
  const std::string body =
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $a$ SELECT $b$ AWS IAM GRANT r TO 'x'; $a $b$; "
      "AWS IAM GRANT r TO 'y'; $a$;\nAWS IAM GRANT r TO 'z';";
  CHECK(rewrite_dsql_script(body) ==
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $a$ SELECT $b$ AWS IAM GRANT r TO 'x'; $a $b$; "
        "AWS IAM GRANT r TO 'y'; $a$;\nCALL sys.aws_iam_grant('r', 'z');");
  // A tag never starts with a digit: $1 is a parameter; $a1$ is a tag; x$y$ is an identifier.
  require_unchanged("PREPARE p AS SELECT $1, $2; SELECT x$y$ FROM t;");
  CHECK(rewrite_dsql_script("SELECT $a1$ $ $a $a1$; AWS IAM GRANT r TO 'a';") ==
        "SELECT $a1$ $ $a $a1$; CALL sys.aws_iam_grant('r', 'a');");
  // A delimiter candidate that is not the tag gives back its last $ ($x$a$ closes $a$).
  CHECK(rewrite_dsql_script("SELECT $a$ $x$a$; AWS IAM GRANT r TO 'a';") ==
        "SELECT $a$ $x$a$; CALL sys.aws_iam_grant('r', 'a');");
}

TEST_CASE("several statements on one line and inside a transaction block", "[dialect]") {
  CHECK(rewrite_dsql_script("AWS IAM GRANT a TO 'x'; AWS IAM REVOKE b FROM 'y';SELECT 1;") ==
        "CALL sys.aws_iam_grant('a', 'x'); CALL sys.aws_iam_revoke('b', 'y');SELECT 1;");
  CHECK(rewrite_dsql_script("BEGIN;\nAWS IAM GRANT a TO 'x';\nCOMMIT;\n") ==
        "BEGIN;\nCALL sys.aws_iam_grant('a', 'x');\nCOMMIT;\n");
  const auto r = dialect::rewrite("AWS IAM GRANT a TO 'x'; AWS IAM GRANT b TO 'x'; AWS IAM REVOKE a FROM 'x';");
  CHECK(r.grants == 2);
  CHECK(r.revokes == 1);
}

TEST_CASE("AWS as an ordinary identifier is untouched", "[dialect]") {
  require_unchanged("SELECT aws FROM t;");
  require_unchanged("CREATE TABLE aws (iam int);");
  require_unchanged("INSERT INTO aws.iam VALUES (1); SELECT aws.iam FROM aws;");
  require_unchanged("AWS;\nAWS something else;\n\"AWS\" IAM GRANT r TO 'a';");
  require_unchanged("SELECT 1 AS aws\n; SELECT 2 AS iam;");
  require_unchanged("SELECT (1;\nAWS IAM GRANT r TO 'a');");  // inside parentheses: not a statement start
}

TEST_CASE("psql meta-commands are kept and end statements", "[dialect]") {
  const std::string script =
      "SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly') AS missing \\gset\n"
      "\\if :missing\n"
      "AWS IAM GRANT \"app_readonly\" TO 'arn:aws:iam::123456789012:role/AppReadOnlyRole';\n"
      "\\endif\n"
      "\\echo AWS IAM GRANT r TO 'a'; done\n";
  CHECK(
      rewrite_dsql_script(script) ==
      "SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly') AS missing \\gset\n"
      "\\if :missing\n"
      "CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');\n"
      "\\endif\n"
      "\\echo AWS IAM GRANT r TO 'a'; done\n");
  // A meta-command ends the statement after the ARN; \\ hands the rest of the line back to SQL.
  CHECK(rewrite_dsql_script("AWS IAM GRANT r TO 'a' \\g\n") == "CALL sys.aws_iam_grant('r', 'a') \\g\n");
  CHECK(rewrite_dsql_script("\\set x 1 \\\\ AWS IAM GRANT r TO 'a';") ==
        "\\set x 1 \\\\ CALL sys.aws_iam_grant('r', 'a');");
  require_unchanged("\\echo 'unterminated $$ /* \"\nSELECT 1;\n");
  require_unchanged("SELECT 1 \\gexec\n\\set q 'it''s; \\\\'\n");
}

TEST_CASE("CRLF line ends are kept", "[dialect]") {
  CHECK(rewrite_dsql_script("BEGIN;\r\nAWS IAM GRANT r\r\n TO 'a';\r\n\\gset\r\nCOMMIT;\r\n") ==
        "BEGIN;\r\nCALL sys.aws_iam_grant('r', 'a')\n;\r\n\\gset\r\nCOMMIT;\r\n");
  try {
    (void)rewrite_dsql_script("SELECT 1;\r\nAWS IAM GRANT r\r\n 'a';");
    FAIL("no error");
  } catch (const dialect_error& e) {
    CHECK(e.line() == 3);
    CHECK(e.column() == 2);
  }
}

TEST_CASE("unterminated quotes, comments and dollar quotes are errors at their opening", "[dialect]") {
  CHECK(error_of("SELECT 1;\n  SELECT 'abc") == "2:10: unterminated quoted string");
  CHECK(error_of("SELECT 'it''") == "1:8: unterminated quoted string");
  CHECK(error_of("SELECT E'abc\\'") == "1:8: unterminated quoted string");
  CHECK(error_of("SELECT \"abc") == "1:8: unterminated quoted identifier");
  CHECK(error_of("SELECT U&\"abc") == "1:8: unterminated quoted identifier");
  CHECK(error_of("/* a /* b */ c") == "1:1: unterminated /* comment");
  CHECK(error_of("SELECT $$abc$") == "1:8: unterminated dollar-quoted string");
  CHECK(error_of("SELECT $a$ x $b$ y $A$") == "1:8: unterminated dollar-quoted string");
  CHECK(error_of("SELECT 'é', 'x") == "1:13: unterminated quoted string");  // columns count characters
}

TEST_CASE("malformed AWS IAM statements name line and column", "[dialect]") {
  CHECK(error_of("AWS IAM GRANT r 'a';") == "1:17: unexpected \"'a'\": expected TO after the role name");
  CHECK(error_of("AWS IAM REVOKE r TO 'a';") == "1:18: unexpected \"TO\": expected FROM after the role name");
  CHECK(error_of("AWS IAM GRANT r TO arn;") ==
        "1:20: unexpected \"arn\": expected the IAM ARN as a string literal '...'");
  CHECK(error_of("AWS IAM GRANT r TO 42;") ==
        "1:20: unexpected \"42\": expected the IAM ARN as a string literal '...'");
  CHECK(error_of("AWS IAM GRANT r TO E'a';") == "1:20: the IAM ARN must be a standard string literal '...'");
  CHECK(error_of("AWS IAM GRANT r TO $$a$$;") == "1:20: the IAM ARN must be a standard string literal '...'");
  CHECK(error_of("AWS IAM GRANT r TO 'a' extra;") == "1:24: unexpected \"extra\": expected ';' after the ARN");
  CHECK(error_of("AWS IAM GRANT r TO 'a' 'b';") == "1:24: unexpected \"'b'\": expected ';' after the ARN");
  CHECK(error_of("SELECT 1;\nAWS IAM ALTER r;") == "2:9: unexpected \"ALTER\": expected GRANT or REVOKE after AWS IAM");
  CHECK(error_of("AWS IAM GRANT;") == "1:14: unexpected ';': expected a role name after GRANT");
  CHECK(error_of("AWS IAM GRANT r TO") ==
        "1:19: unexpected end of script: expected the IAM ARN as a string literal '...'");
  CHECK(error_of("AWS IAM GRANT r\n\\gset\nTO 'a';") ==
        "2:1: psql meta-command inside an AWS IAM statement: expected TO after the role name");
  CHECK(error_of("AWS IAM GRANT \"\" TO 'a';") == "1:15: zero-length delimited identifier");
  CHECK(error_of("AWS IAM GRANT 'r' TO 'a';") == "1:15: unexpected \"'r'\": expected a role name after GRANT");
  CHECK(error_of("AWS IAM GRANT U&\"r\" TO 'a';").find("1:15: U&") == 0);
}

TEST_CASE("dialect_error::what() carries the position", "[dialect]") {
  try {
    (void)rewrite_dsql_script("\n\nAWS IAM GRANT r TO x;");
    FAIL("no error");
  } catch (const dialect_error& e) {
    CHECK(std::string(e.what()) ==
          "line 3, column 20: unexpected \"x\": expected the IAM ARN as a string literal '...'");
  }
}

TEST_CASE("tokens cover every byte in order", "[dialect][tokenize]") {
  const std::string s = "SELECT $1::int, :'v', :x, U&'a' /* c */ -- d\n\\gset\n$t$ q $t$; (e'\\'')";
  const auto tokens = dialect::tokenize(s);
  std::size_t at = 0;
  for (const auto& t : tokens) {
    CHECK(t.offset == at);
    CHECK(t.length > 0);
    at += t.length;
  }
  CHECK(at == s.size());
  using k = dialect::token_kind;
  auto kind_of = [&](std::string_view text) {
    for (const auto& t : tokens)
      if (std::string_view(s).substr(t.offset, t.length) == text) return t.kind;
    FAIL("no token " << text);
    return k::other;
  };
  CHECK(kind_of("$1") == k::parameter);
  CHECK(kind_of("::") == k::typecast);
  CHECK(kind_of(":'v'") == k::psql_variable);
  CHECK(kind_of(":x") == k::psql_variable);
  CHECK(kind_of("U&'a'") == k::unicode_string);
  CHECK(kind_of("/* c */") == k::block_comment);
  CHECK(kind_of("-- d") == k::line_comment);
  CHECK(kind_of("\\gset") == k::meta_command);
  CHECK(kind_of("$t$ q $t$") == k::dollar_string);
  CHECK(kind_of("e'\\''") == k::escape_string);
}

TEST_CASE("hostile scripts without AWS IAM statements pass through byte for byte", "[dialect]") {
  require_unchanged("");
  require_unchanged("\n\n  \t");
  require_unchanged("SELECT 1");
  require_unchanged("SELECT '';;;  ;");
  require_unchanged("SELECT 1 -- no newline at the end");
  require_unchanged("SELECT */* x */ 1; SELECT 2 --- x\n;");
  require_unchanged(std::string("SELECT '\0';", 11));
  require_unchanged("SELECT $ $, $, $x, $x$$x$, 1e-5, .5, 12abc;");
  require_unchanged("SELECT 'a'\n'b';");
}

TEST_CASE("work stays linear on pathological dollar quotes", "[dialect]") {
  // 2 MB: a long tag and a body of many near-miss delimiters.
  const std::string tag(1000, 't');
  std::string s = "SELECT $" + tag + "$";
  for (int i = 0; i < 2000; ++i) s += "$" + std::string(999, 't') + "x";
  s += "$" + tag + "$; AWS IAM GRANT r TO 'a';";
  const std::string out = rewrite_dsql_script(s);
  CHECK(out.size() > s.size() - 40);
  CHECK(out.substr(out.size() - 35) == "; CALL sys.aws_iam_grant('r', 'a');");
}

TEST_CASE("the seed scenario's AWS IAM statements", "[dialect][seed]") {
  const std::string lines =
      "-- 2. Map each to an IAM role (each IAM role needs dsql:DbConnect permission)\n"
      "AWS IAM GRANT app_readonly TO 'arn:aws:iam::*:role/AppReadOnlyRole';\n"
      "AWS IAM GRANT app_readwrite TO 'arn:aws:iam::*:role/AppReadWriteRole';\n"
      "AWS IAM GRANT user_service TO 'arn:aws:iam::*:role/UserServiceRole';\n"
      "-- Revoke IAM mapping\n"
      "AWS IAM REVOKE app_readonly FROM 'arn:aws:iam::*:role/AppReadOnlyRole';\n";
  CHECK(rewrite_dsql_script(lines) ==
        "-- 2. Map each to an IAM role (each IAM role needs dsql:DbConnect permission)\n"
        "CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::*:role/AppReadOnlyRole');\n"
        "CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::*:role/AppReadWriteRole');\n"
        "CALL sys.aws_iam_grant('user_service', 'arn:aws:iam::*:role/UserServiceRole');\n"
        "-- Revoke IAM mapping\n"
        "CALL sys.aws_iam_revoke('app_readonly', 'arn:aws:iam::*:role/AppReadOnlyRole');\n");

  // The seed file itself (prose, JSON and shell included) when the shared folder is there.
  namespace fs = std::filesystem;
  const fs::path seed_dir = DSQL_SEED_DIR;
  if (!fs::is_directory(seed_dir)) return;
  for (const auto& e : fs::directory_iterator(seed_dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    INFO(e.path().string());
    const auto r = dialect::rewrite(text.str());
    CHECK(r.grants == 3);
    CHECK(r.revokes == 1);
    CHECK(r.text.find("AWS IAM") == std::string::npos);
    CHECK(r.text.find("CALL sys.aws_iam_revoke('app_readonly', 'arn:aws:iam::*:role/AppReadOnlyRole');") !=
          std::string::npos);
  }
}

TEST_CASE("quote_literal doubles quotes and switches to E'' for backslashes", "[dialect]") {
  CHECK(dialect::quote_literal("") == "''");
  CHECK(dialect::quote_literal("it's") == "'it''s'");
  CHECK(dialect::quote_literal("a\\'b") == "E'a\\\\''b'");
}

TEST_CASE("position_of counts lines and UTF-8 characters", "[dialect]") {
  const std::string s = "ab\nçd\r\nx";
  CHECK(dialect::position_of(s, 0).line == 1);
  CHECK(dialect::position_of(s, 6).column == 3);  // the CR after "çd": column 3 (ç is 2 bytes)
  CHECK(dialect::position_of(s, 8).line == 3);
  CHECK(dialect::position_of(s, 8).column == 1);
}

TEST_CASE("COPY ... FROM STDIN data blocks pass through untokenized and unrewritten", "[dialect][copy]") {
  // pg_dump style: a quote in the data, an AWS IAM line in the data, then SQL again.
  const std::string dump =
      "COPY public.notes (id, body) FROM stdin;\n"
      "1\tit's\n"
      "2\tAWS IAM GRANT x TO 'y';\n"
      "3\t/* not a comment\n"
      "4\t$$ not a dollar quote\n"
      "\\.\n"
      "AWS IAM GRANT r TO 'a';\n";
  CHECK(error_of(dump).empty());
  CHECK(rewrite_dsql_script(dump) ==
        "COPY public.notes (id, body) FROM stdin;\n"
        "1\tit's\n"
        "2\tAWS IAM GRANT x TO 'y';\n"
        "3\t/* not a comment\n"
        "4\t$$ not a dollar quote\n"
        "\\.\n"
        "CALL sys.aws_iam_grant('r', 'a');\n");
  const auto tokens = dialect::tokenize(dump);
  const auto data = std::find_if(tokens.begin(), tokens.end(),
                                 [](const dialect::token& t) { return t.kind == dialect::token_kind::copy_data; });
  REQUIRE(data != tokens.end());
  CHECK(dump.substr(data->offset, data->length) ==
        "1\tit's\n2\tAWS IAM GRANT x TO 'y';\n3\t/* not a comment\n4\t$$ not a dollar quote\n\\.");

  // Keywords in any case, options, CRLF lines, two blocks, \g, and data to the end.
  require_unchanged("copy t FROM STDIN WITH (FORMAT csv);\r\na,'b\r\n\\.\r\nCOPY u FrOm StDiN\n\\g\nx'\n\\.\n");
  require_unchanged("COPY t FROM stdin;\nAWS IAM GRANT x TO 'unterminated\n");
  CHECK(rewrite_dsql_script("COPY t FROM stdin; -- rest of the line is SQL\nAWS IAM GRANT x TO 'y';\n\\.\n"
                            "AWS IAM REVOKE x FROM 'y';") ==
        "COPY t FROM stdin; -- rest of the line is SQL\nAWS IAM GRANT x TO 'y';\n\\.\n"
        "CALL sys.aws_iam_revoke('x', 'y');");
  // Only a line that is exactly \. ends the data.
  require_unchanged("COPY t FROM stdin;\n\\. \nit's\n x\\.\n\\.\nSELECT 1;\n");
  // psql's \copy ... from stdin reads its data from the script too.
  require_unchanged("\\copy t (a) from stdin with (format csv)\nit's\n\\.\nSELECT 1;\n");
  CHECK(rewrite_dsql_script("\\copy t from stdin\nAWS IAM GRANT x TO 'y';\n\\.\nAWS IAM GRANT x TO 'y';") ==
        "\\copy t from stdin\nAWS IAM GRANT x TO 'y';\n\\.\nCALL sys.aws_iam_grant('x', 'y');");
}

TEST_CASE("statements that merely mention COPY or STDIN are not followed by data", "[dialect][copy]") {
  // COPY TO STDOUT, FROM a file, STDIN inside parentheses, a COPY never sent, COPY not first.
  CHECK(error_of("COPY t TO stdout;\nit's\n").find("unterminated quoted string") != std::string::npos);
  CHECK(error_of("COPY t FROM '/tmp/stdin';\nit's\n").find("unterminated quoted string") != std::string::npos);
  CHECK(error_of("COPY (SELECT * FROM stdin) TO stdout;\nit's\n").find("unterminated quoted string") !=
        std::string::npos);
  CHECK(error_of("SELECT 'COPY t FROM stdin';\nit's\n").find("unterminated quoted string") != std::string::npos);
  CHECK(error_of("\\copy t to stdout\nit's\n").find("unterminated quoted string") != std::string::npos);
  CHECK(rewrite_dsql_script("COPY t FROM stdin") == "COPY t FROM stdin");
}

TEST_CASE("line breaks inside a role name or an ARN keep the line count", "[dialect]") {
  const std::string in = "AWS IAM GRANT \"a\nb\" TO 'arn:x\ny\r\nz';\nSELECT 1/0;\n";
  const std::string out = rewrite_dsql_script(in);
  CHECK(out == "CALL sys.aws_iam_grant(E'a\\nb', E'arn:x\\ny\\r\\nz')\n\n\n;\nSELECT 1/0;\n");
  CHECK(std::count(in.begin(), in.end(), '\n') == std::count(out.begin(), out.end(), '\n'));
  // SELECT 1/0 stays on line 5.
  CHECK(dialect::position_of(out, out.find("SELECT")).line == 5);
  CHECK(dialect::position_of(in, in.find("SELECT")).line == 5);
  // Quotes and backslashes next to a line break.
  CHECK(rewrite_dsql_script("AWS IAM REVOKE \"it's\\\nx\" FROM 'a';") ==
        "CALL sys.aws_iam_revoke(E'it''s\\\\\\nx', 'a')\n;");
}

TEST_CASE("CREATE INDEX ASYNC becomes a call that builds the index and answers its job id", "[dialect]") {
  CHECK(rewrite_dsql_script("CREATE INDEX ASYNC idx ON t (v);") ==
        "SELECT sys.create_index_async('CREATE INDEX idx ON t (v)') AS job_id;");
  CHECK(rewrite_dsql_script("create unique index async if not exists u on s.t (a, lower(b)) where a <> '';\n") ==
        "SELECT sys.create_index_async('create unique index if not exists u on s.t (a, lower(b)) "
        "where a <> ''''') AS job_id;\n");
  CHECK(rewrite_dsql_script("CREATE INDEX ASYNC ON t (v) INCLUDE (id)") ==
        "SELECT sys.create_index_async('CREATE INDEX ON t (v) INCLUDE (id)') AS job_id");
  // ASYNC is DSQL's keyword in any case, never an index name there
  CHECK(rewrite_dsql_script("CREATE INDEX async ON t (v);") ==
        "SELECT sys.create_index_async('CREATE INDEX ON t (v)') AS job_id;");
  const auto r = dialect::rewrite("CREATE INDEX ASYNC a ON t (v);\nCREATE INDEX ASYNC b ON t (w);\n");
  CHECK(r.async_indexes == 2);
  CHECK(r.grants == 0);
}

TEST_CASE("CREATE INDEX ASYNC keeps the script's line count and stops at the statement's end", "[dialect]") {
  const std::string in = "CREATE INDEX ASYNC idx\n  ON t (v);\nSELECT 1;\n";
  const std::string out = rewrite_dsql_script(in);
  CHECK(out == "SELECT sys.create_index_async(E'CREATE INDEX idx\\n  ON t (v)') AS job_id\n;\nSELECT 1;\n");
  CHECK(std::count(in.begin(), in.end(), '\n') == std::count(out.begin(), out.end(), '\n'));
  // a ; in a literal is not the end; a meta-command is
  CHECK(rewrite_dsql_script("CREATE INDEX ASYNC i ON t ((f(';')))\\g\n") ==
        "SELECT sys.create_index_async('CREATE INDEX i ON t ((f('';'')))') AS job_id\\g\n");
}

TEST_CASE("other CREATE INDEX forms and ASYNC elsewhere are left alone", "[dialect]") {
  require_unchanged("CREATE INDEX idx ON t (v);");
  require_unchanged("CREATE TABLE async (id int);");
  require_unchanged("SELECT 'CREATE INDEX ASYNC i ON t (v)';");
  require_unchanged("-- CREATE INDEX ASYNC i ON t (v);\n");
  require_unchanged("CREATE INDEX \"ASYNC\" ON t (v);");
}

TEST_CASE("CREATE INDEX ASYNC refuses psql variables and a missing definition", "[dialect]") {
  CHECK(error_of("CREATE INDEX ASYNC i ON :tab (v);") ==
        "1:25: psql variables inside CREATE INDEX ASYNC are not supported: write the values");
  CHECK(error_of("CREATE INDEX ASYNC;") == "1:19: CREATE INDEX ASYNC without an index definition");
}

TEST_CASE("a protocol query string is read with PostgreSQL's rules, not psql's", "[dialect][wire]") {
  const auto wire = [](const std::string& q) { return dialect::rewrite(q, dialect::source::wire).text; };
  // The attack: COPY ... FROM STDIN; then an INSERT whose (correctly escaped) data holds
  // a line `\.` and an AWS IAM statement. psql's rules read the INSERT's first line as
  // COPY data and rewrite inside the literal; on the wire it is all SQL.
  const std::string q =
      "COPY audit FROM STDIN;\nINSERT INTO notes VALUES ('x\n\\.\nAWS IAM GRANT \"); DELETE FROM victim; SELECT (\" "
      "TO ''; --');";
  CHECK(wire(q) == q);
  CHECK(rewrite_dsql_script(q) != q);  // the psql reading differs: the reason for two sources
  // a backslash is not a meta-command, a colon not a variable
  CHECK(wire("SELECT 1 \\g\nAWS IAM GRANT r TO 'a'") == "SELECT 1 \\g\nAWS IAM GRANT r TO 'a'");
  CHECK(wire("SELECT :'v' ; AWS IAM GRANT r TO 'a'") == "SELECT :'v' ; CALL sys.aws_iam_grant('r', 'a')");
  CHECK(wire("select 'a'::text; aws iam revoke r from 'a'") == "select 'a'::text; CALL sys.aws_iam_revoke('r', 'a')");
  // statements after a real COPY on the wire are still statements
  CHECK(wire("COPY t FROM STDIN; AWS IAM GRANT r TO 'a'") == "COPY t FROM STDIN; CALL sys.aws_iam_grant('r', 'a')");
  // the psql variable form of the ARN does not exist on the wire: malformed, left to the server
  CHECK_THROWS_AS(wire("AWS IAM GRANT r TO :'arn'"), dialect_error);
  // tokens still cover every byte
  const std::string odd = "a\\b:c:'d' \\.\n:x";
  std::size_t covered = 0;
  for (const auto& t : dialect::tokenize(odd, dialect::source::wire)) {
    CHECK(t.offset == covered);
    CHECK(t.kind != dialect::token_kind::meta_command);
    CHECK(t.kind != dialect::token_kind::psql_variable);
    CHECK(t.kind != dialect::token_kind::copy_data);
    covered += t.length;
  }
  CHECK(covered == odd.size());
}
