// The front door's protocol helpers and rate bucket (dsl/front), without a server.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "front/limits.hpp"
#include "front/protocol.hpp"

namespace pr = dsql::front::protocol;

namespace {

std::string body_of(const std::string& message) { return message.substr(5); }

std::string parse_body(const std::string& name, const std::string& sql, const std::string& types) {
  return name + '\0' + sql + '\0' + types;
}

}  // namespace

TEST_CASE("Query: AWS IAM GRANT/REVOKE become calls of the extension; anything else is left as is", "[unit][front]") {
  const std::string q = "AWS IAM GRANT app_readonly TO 'arn:aws:iam::123456789012:role/R';";
  auto r = pr::rewrite_client_message('Q', q + '\0');
  REQUIRE(r);
  CHECK((*r)[0] == 'Q');
  CHECK(pr::get_u32(*r, 1) == r->size() - 1);  // the length word follows the new body
  CHECK(r->find("CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/R')") != std::string::npos);
  CHECK(r->back() == '\0');
  CHECK_FALSE(pr::rewrite_client_message('Q', std::string("SELECT 1") + '\0'));
  CHECK_FALSE(pr::rewrite_client_message('Q', std::string("SELECT 'AWS IAM GRANT x TO ''y'''") + '\0'));
  // what the bridge cannot process goes to the server unchanged (its syntax error is DSQL's answer)
  CHECK_FALSE(pr::rewrite_client_message('Q', std::string("AWS IAM GRANT x TO") + '\0'));
  CHECK_FALSE(pr::rewrite_client_message('Q', std::string("SELECT 'unterminated") + '\0'));
  // malformed messages are the server's to refuse
  CHECK_FALSE(pr::rewrite_client_message('Q', "AWS IAM GRANT x TO 'y'"));  // no NUL
  CHECK_FALSE(pr::rewrite_client_message('Q', std::string("a\0b\0", 4)));  // two strings
  // other message types are never touched
  CHECK_FALSE(pr::rewrite_client_message('B', q + '\0'));
}

TEST_CASE("Parse: the statement is rewritten, its name and parameter types kept", "[unit][front]") {
  const std::string types("\0\1\0\0\0\x17", 6);  // one parameter, int4
  const std::string body =
      parse_body("stmt1", "AWS IAM REVOKE \"Role\" FROM 'arn:aws:iam::123456789012:role/R'", types);
  auto r = pr::rewrite_client_message('P', body);
  REQUIRE(r);
  const std::string nb = body_of(*r);
  CHECK(nb.rfind(std::string("stmt1") + '\0' + "CALL sys.aws_iam_revoke('Role', ", 0) == 0);
  CHECK(nb.substr(nb.size() - types.size()) == types);
  CHECK(pr::get_u32(*r, 1) == nb.size() + 4);
  CHECK_FALSE(pr::rewrite_client_message('P', parse_body("", "SELECT $1", types)));
  CHECK_FALSE(pr::rewrite_client_message('P', std::string("stmt-without-terminator")));
}

TEST_CASE("StartupMessage: parameters as PostgreSQL reads them; malformed packets refused", "[unit][front]") {
  pr::startup st;
  const std::string good = pr::startup_message({{"user", "admin"}, {"database", "postgres"}});
  CHECK(pr::get_u32(good, 0) == good.size());
  REQUIRE_FALSE(pr::parse_startup(good.substr(4), st));
  CHECK(st.version == pr::protocol_3_0);
  REQUIRE(st.find("user"));
  CHECK(*st.find("user") == "admin");
  CHECK_FALSE(st.find("options"));
  const std::string v3(good.substr(4, 4));
  CHECK(pr::parse_startup(v3 + std::string("user\0a\0user\0b\0\0", 15), st));  // twice
  CHECK(pr::parse_startup(v3 + std::string("user\0a\0", 7), st));              // no final NUL
  CHECK(pr::parse_startup(v3 + std::string("user\0", 5), st));                 // no value
  CHECK(pr::parse_startup(v3 + std::string("user\0a\0\0x", 9), st));           // bytes after
  CHECK(pr::parse_startup("ab", st));                                          // too short
}

TEST_CASE("the password message, ErrorResponse and ParameterStatus encodings", "[unit][front]") {
  CHECK(pr::parse_password(std::string("tok\0", 4)) == std::string_view("tok"));
  CHECK_FALSE(pr::parse_password("tok"));
  CHECK_FALSE(pr::parse_password(std::string("a\0b\0", 4)));
  const std::string e = pr::error_response("FATAL", "53400", "Unable to accept connection, rate exceeded.");
  CHECK(e[0] == 'E');
  CHECK(e.find(std::string("C53400\0", 7)) != std::string::npos);
  CHECK(e.find(std::string("MUnable to accept connection, rate exceeded.\0", 45)) != std::string::npos);
  CHECK(e.back() == '\0');
  CHECK(pr::parameter_status("server_version", "16.15") == pr::message('S', std::string("server_version\0"
                                                                                        "16.15\0",
                                                                                        21)));
  CHECK(pr::auth_cleartext_password() == std::string("R\0\0\0\x08\0\0\0\x03", 9));
}

TEST_CASE("the rewrite is off in client-only encodings whose multibyte characters hide quotes", "[unit][front]") {
  CHECK(pr::unsafe_client_encoding("SJIS"));
  CHECK(pr::unsafe_client_encoding("shift_jis_2004"));
  CHECK(pr::unsafe_client_encoding("big5"));
  CHECK(pr::unsafe_client_encoding("GB18030"));
  CHECK_FALSE(pr::unsafe_client_encoding("UTF8"));
  CHECK_FALSE(pr::unsafe_client_encoding("LATIN1"));
  CHECK_FALSE(pr::unsafe_client_encoding("SQL_ASCII"));
}

TEST_CASE("the connection-rate bucket: the burst at once, then the rate", "[unit][front]") {
  using clock = dsql::front::token_bucket::clock;
  dsql::front::token_bucket b(100, 1000);  // DSQL's: 100/s, bursts of 1,000
  const auto t0 = clock::now();
  int taken = 0;
  while (b.take(t0)) ++taken;
  CHECK(taken == 1000);
  CHECK_FALSE(b.take(t0 + std::chrono::milliseconds(5)));  // 0.5 of a token
  CHECK(b.take(t0 + std::chrono::milliseconds(15)));       // 1.5 refilled, one taken
  CHECK_FALSE(b.take(t0 + std::chrono::milliseconds(16)));
  CHECK(b.available(t0 + std::chrono::seconds(100)) == 1000.0);  // never above the burst
}
