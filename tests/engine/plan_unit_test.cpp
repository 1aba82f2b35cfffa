// The planner without a server: a live state built by hand, diffed for both targets.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

#include <dsql/role.hpp>

#include "engine/engine.hpp"
#include "spec_builder.hpp"

using namespace dsql::engine;

namespace {

using dsql::engine::test::mapping;
using dsql::engine::test::member_of;
using dsql::engine::test::on_all_tables;
using dsql::engine::test::on_schema;
using dsql::engine::test::privs;
using dsql::engine::test::role;
using dsql::engine::test::schema;
using pk = dsql::privilege_kind;

const privilege_set all_table = dsql::all_privileges(object_kind::table);

state seeded(target t) {
  state st;
  st.on = t;
  st.current_user = "admin";
  st.database = "postgres";
  st.has_mapping_view = true;
  st.roles = {{"admin", false, true, true, false},
              {"app", false, true, false, false},
              {"delegate", false, false, false, false}};
  st.objects = {{object_kind::schema, "", "app_s", "", "admin", 0},
                {object_kind::table, "app_s", "t1", "", "admin", 'r'}};
  st.acls = {{0, "admin", false, "admin", privs({pk::usage, pk::create}), privs({pk::usage, pk::create}), ""},
             {1, "admin", false, "admin", all_table, {}, ""},
             {1, "delegate", false, "admin", pk::select, pk::select, ""},
             {1, "app", false, "delegate", pk::select, {}, ""}};
  st.mappings = {{"app", "arn:aws:iam::123456789012:role/Old", "admin"}};
  return st;
}

dsql::model::cluster app_spec() {
  dsql::model::cluster s;
  s.name = "unit";
  s.account_id = "123456789012";
  s.roles = {role("app", true), role("web", true)};
  s.schemas = {schema("app_s", false)};
  s.grants = {on_schema("app_s", pk::usage, "web"), on_all_tables("app_s", privs({pk::select, pk::insert}), "web")};
  s.mappings = {mapping("web", "arn:aws:iam::123456789012:role/Web")};
  return s;
}

std::string sqls(const plan& p) {
  std::string out;
  for (const auto& st : p.steps) out += statement_text(st, p.on) + "\n";
  return out;
}

diff_options prune() {
  diff_options o;
  o.prune = true;
  return o;
}

}  // namespace

TEST_CASE("aurora_dsql plans use AWS IAM GRANT/REVOKE, never SET ROLE nor GRANTED BY another role", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::aurora_dsql), prune());
  for (const auto& st : p.steps) {
    CHECK(st.act_as.empty());
    CHECK(st.before.empty());
  }
  CHECK(sqls(p) ==
        "CREATE ROLE \"web\" WITH LOGIN;\n"
        "GRANT USAGE ON SCHEMA \"app_s\" TO \"web\";\n"
        "GRANT SELECT, INSERT ON TABLE \"app_s\".\"t1\" TO \"web\";\n"
        "AWS IAM REVOKE \"app\" FROM 'arn:aws:iam::123456789012:role/Old';\n"
        "AWS IAM GRANT \"web\" TO 'arn:aws:iam::123456789012:role/Web';\n");
  // what delegate granted app: DSQL takes GRANTED BY only for the current user
  std::size_t cannot = 0;
  for (const auto& f : p.findings)
    if (f.what == finding::kind::cannot_alter) {
      ++cannot;
      CHECK(f.detail.find("connect as \"delegate\"") != std::string::npos);
    }
  CHECK(cannot == 1);
  CHECK(p.drift());
}

TEST_CASE("postgres_local plans act as the grantor of a delegated grant, and call the extension", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::postgres_local), prune());
  INFO(to_text(p));
  REQUIRE(p.steps.size() == 6);
  // the delegated grant is revoked acting as its grantor, admin lent membership in it and
  // the grantor lent USAGE on the schema, both for the step only
  CHECK(p.steps[1].act_as == "delegate");
  CHECK(p.steps[1].lend == "delegate");
  REQUIRE(p.steps[1].before.size() == 1);
  CHECK(dsql::sql::render(p.steps[1].before[0]) == "GRANT USAGE ON SCHEMA \"app_s\" TO \"delegate\";");
  CHECK(statement_text(p.steps[1], p.on) ==
        "REVOKE SELECT ON TABLE \"app_s\".\"t1\" FROM \"app\" GRANTED BY \"delegate\";");
  CHECK(statement_text(p.steps[4], p.on) == "CALL sys.aws_iam_revoke('app', 'arn:aws:iam::123456789012:role/Old');");
  const auto j = nlohmann::json::parse(to_json(p));
  CHECK(j["changes"] == 6);
  CHECK(j["steps"][1]["act_as"] == "delegate");
  CHECK(j["steps"][1]["lend"] == "delegate");
  const std::string text = to_text(p);
  CHECK(text.find("Plan for spec \"unit\" on postgres_local: 4 to add, 0 to change, 2 to remove") == 0);
  CHECK(text.find("role \"web\"\n") != std::string::npos);
}

TEST_CASE("without prune, nothing is revoked, but the excess is drift", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::postgres_local), {});
  for (const auto& st : p.steps) CHECK(st.action != '-');
  bool excess = false;
  for (const auto& f : p.findings) excess = excess || (f.what == finding::kind::excess && f.role == "app");
  CHECK(excess);
}

TEST_CASE("the spec is validated before any SQL with the DSL's sentences", "[engine][spec]") {
  auto s = app_spec();
  s.roles.push_back(role(std::string(64, 'x')));
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)), Catch::Contains("at most 63 bytes"));
  s = app_spec();
  s.roles.push_back(role("admin", true));
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)), Catch::Contains("reserved"));
  s = app_spec();
  s.grants.push_back(on_schema("app_s", pk::usage, "nobody"));
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)), Catch::Contains("must be declared"));
  s = app_spec();
  s.grants.push_back(on_schema("app_s", pk::select, "web"));
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)),
                    Catch::Contains("Each privilege must be one PostgreSQL grants"));
  s = app_spec();
  s.roles[1].login = false;  // web is mapped
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)), Catch::Contains("LOGIN"));
  s = app_spec();
  s.roles.push_back(role("a"));
  s.roles.push_back(role("b"));
  s.memberships = {member_of("a", "b"), member_of("b", "a")};
  CHECK_THROWS_WITH(diff(s, seeded(target::postgres_local)), Catch::Contains("cycle"));
}

namespace {
// no raw control byte but the line breaks of the format itself: C0, DEL, UTF-8 C1
bool no_raw_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if ((u < 0x20U && u != '\n') || u == 0x7FU) return false;
    if (u == 0xC2U && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80U &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9FU)
      return false;
  }
  return true;
}
}  // namespace

TEST_CASE("printable escapes control bytes, DEL and C1 controls, nothing else", "[engine][plan]") {
  CHECK(printable("new\nline\r\t\x1b[2K\x7f") == "new\\nline\\r\\t\\x1b[2K\\x7f");
  CHECK(printable("csi\xc2\x9b"
                  "31m") == "csi\\u009b31m");
  CHECK(printable("r\xc3\xb4le \"q\" a\\b") == "r\xc3\xb4le \"q\" a\\b");  // UTF-8, quotes, backslash kept
  CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
}

TEST_CASE("plan text: names with CR, ESC, newlines or C1 cannot fake, hide or split plan lines", "[engine][plan]") {
  state st = seeded(target::postgres_local);
  const std::string table = "t\r  + 1. GRANT ALL ON TABLE x TO \"app\";\x1b[2K";
  st.objects.push_back({object_kind::table, "app_s", table, "", "admin", 'r'});
  st.acls.push_back({2, "admin", false, "admin", all_table, {}, ""});
  auto s = app_spec();
  s.name = "evil\x1b]0;title\x07";
  s.roles.push_back(role("new\nline"));
  s.roles.push_back(
      role("csi\xc2\x9b"
           "2J\x7f"));
  s.grants.push_back(on_all_tables("app_s", pk::select, "new\nline"));
  const plan p = diff(s, st, prune());
  const std::string text = to_text(p);
  INFO(text);
  CHECK(no_raw_control(text));
  CHECK(text.find("Plan for spec \"evil\\x1b]0;title\\x07\"") == 0);
  CHECK(text.find("\nrole \"new\\nline\"\n") != std::string::npos);
  CHECK(text.find("CREATE ROLE \"csi\\u009b2J\\x7f\";") != std::string::npos);
  CHECK(text.find("ON TABLE \"app_s\".\"t\\r  + 1. GRANT ALL ON TABLE x TO \"\"app\"\";\\x1b[2K\", \"app_s\".\"t1\" TO "
                  "\"new\\nline\";") != std::string::npos);
  // every line of the text is a line of the format: a header, a group, a step, an `as`, a reason
  std::size_t steps = 0, lines = 0;
  for (std::size_t b = 0, e; b < text.size(); b = e + 1) {
    e = text.find('\n', b);
    const std::string line = text.substr(b, e - b);
    ++lines;
    const bool step =
        line.size() > 4 && line[0] == ' ' && line[1] == ' ' && (line[2] == '+' || line[2] == '-' || line[2] == '~');
    steps += step ? 1 : 0;
    CHECK((line.empty() || line.starts_with("Plan for") || line.starts_with("role ") || line.starts_with("schemas") ||
           line.starts_with("PUBLIC") || line.starts_with("Drift ") || line.starts_with("Notes:") ||
           line.starts_with("  note [") || line.starts_with("  ! [") || step || line.starts_with("      ")));
  }
  CHECK(steps == p.steps.size());
  // the SQL executed is unchanged (quoted, raw bytes), and JSON escapes C0 itself and round-trips
  bool raw = false;
  for (const auto& x : p.steps) raw = raw || statement_text(x, p.on) == "CREATE ROLE \"new\nline\";";
  CHECK(raw);
  const std::string js = to_json(p);
  CHECK(
      std::none_of(js.begin(), js.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20U && ch != '\n'; }));
  const auto j = nlohmann::json::parse(js);
  CHECK(j["spec"] == s.name);
  bool found = false;
  for (const auto& e : j["steps"]) found = found || e["role"] == "new\nline";
  CHECK(found);
}

TEST_CASE("a membership in a live superuser is refused at plan time", "[engine][spec]") {
  state st = seeded(target::postgres_local);
  st.roles.push_back({"boss", true, true, true, true});
  auto s = app_spec();
  s.roles.push_back(role("boss"));
  s.roles.erase(s.roles.end() - 1);
  s.memberships = {member_of("boss", "app")};
  // "boss" is not declared: the spec is refused; declared, the live superuser is refused
  CHECK_THROWS_WITH(diff(s, st), Catch::Contains("must be declared"));
  s.roles.push_back(role("boss"));
  CHECK_THROWS_WITH(diff(s, st), Catch::Contains("superuser"));
}

TEST_CASE("inspect --format cpp: C++ keywords, digits and the generated names become other identifiers",
          "[engine][to_cpp]") {
  state st;
  st.current_user = "admin";
  st.database = "db\n#error injected";
  for (const char* r : {"class", "Public", "and", "co_await", "class_", "CLASS", "1st", "spec", "dsql", "xor_eq",
                        "rdsadmin", "sys", "plain"})
    st.roles.push_back({r, false, false, false, false});
  const std::string cpp = to_cpp(st, "adopted");
  INFO(cpp);
  CHECK(cpp.find("using class_ = dsql::role<\"class\">;") != std::string::npos);
  CHECK(cpp.find("using public_ = dsql::role<\"Public\">;") != std::string::npos);
  CHECK(cpp.find("using and_ = dsql::role<\"and\">;") != std::string::npos);
  CHECK(cpp.find("using co_await_ = dsql::role<\"co_await\">;") != std::string::npos);
  CHECK(cpp.find("using class_2 = dsql::role<\"class_\">;") != std::string::npos);
  CHECK(cpp.find("using class_3 = dsql::role<\"CLASS\">;") != std::string::npos);
  CHECK(cpp.find("using _1st = dsql::role<\"1st\">;") != std::string::npos);
  CHECK(cpp.find("using spec_2 = dsql::role<\"spec\">;") != std::string::npos);
  CHECK(cpp.find("using dsql_2 = dsql::role<\"dsql\">;") != std::string::npos);
  CHECK(cpp.find("using xor_eq_ = dsql::role<\"xor_eq\">;") != std::string::npos);
  CHECK(cpp.find("using plain = dsql::role<\"plain\">;") != std::string::npos);
  CHECK(cpp.find("rdsadmin") == std::string::npos);  // reserved for the DSL: not declared
  CHECK(cpp.find("\"sys\"") == std::string::npos);
  CHECK(cpp.find("\n#error") == std::string::npos);  // the database name stays in its comment
  for (const char* bad :
       {"using class =", "using public =", "using and =", "using co_await =", "using 1st", "using spec = dsql::role"})
    CHECK(cpp.find(bad) == std::string::npos);
}
