// The IAM policy evaluator (extension/policy.c, the one the auth hook and `dsqlctl iam
// simulate` run) on policies stored through the local IAM state's normaliser: identity
// and cluster policies together, policy variables, condition operators, unknown keys.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "iam/state.hpp"
#include "policy.h"

namespace fs = std::filesystem;
using namespace dsql::aws;

namespace {

constexpr const char* cluster_arn = "arn:aws:dsql:us-east-1:123456789012:cluster/local";
constexpr std::int64_t t0 = 1767225600;  // 2026-01-01T00:00:00Z

struct fixture {
  fs::path dir;
  std::unique_ptr<state> st;
  fixture() {
    char tmpl[] = "/tmp/dsql-policy-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    st = std::make_unique<state>(dir / "iam.sqlite");
  }
  ~fixture() {
    st.reset();
    fs::remove_all(dir);
  }
  principal make(const std::string& name, const char* kind = "role", const std::string& account = "123456789012") {
    return st->create_principal(principal_arn(name, kind, account));
  }
  void allow(const principal& p, const std::string& statement, const std::string& name = "p") {
    st->put_policy(p.arn, name, R"({"Version":"2012-10-17","Statement":)" + statement + "}");
  }
  struct outcome {
    dsql_policy_decision decision;
    std::string reason;
  };
  outcome eval(const principal& p, bool admin = false, const char* ip = "127.0.0.1", bool tls = true,
               const char* cluster = cluster_arn, std::int64_t now = t0) {
    dsql_policy_request r{};
    r.action = admin ? "dsql:DbConnectAdmin" : "dsql:DbConnect";
    r.resource_arn = cluster;
    r.principal_id = p.id.c_str();
    r.principal_arn = p.arn.c_str();
    r.access_key_id = "AKIAEXAMPLEKEY000001";
    r.region = "us-east-1";
    r.source_ip = ip;
    r.secure_transport = tls;
    r.now = now;
    auto work = std::make_unique<dsql_policy_work>();
    char reason[1024];
    const auto d = dsql_policy_evaluate(st->handle(), &r, work.get(), reason, sizeof reason);
    return {d, reason};
  }
  bool allowed(const principal& p, bool admin = false) { return eval(p, admin).decision == DSQL_POLICY_ALLOW; }
};

const std::string connect_any = R"({"Effect":"Allow","Action":"dsql:DbConnect","Resource":"*"})";

}  // namespace

TEST_CASE("allow, implicit deny, explicit deny; actions compare case-insensitively; NotAction and NotResource",
          "[iam][policy][eval]") {
  fixture f;
  const auto p = f.make("App");
  auto o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK(o.reason == "no policy of " + p.arn + " allows dsql:dbconnect on " + cluster_arn);
  f.allow(p, R"({"Effect":"Allow","Action":"DSQL:dbconnect","Resource":"arn:aws:dsql:*:123456789012:cluster/loc?l"})");
  o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_ALLOW);
  CHECK(o.reason == "allowed by statement 1 of policy \"p\" of " + p.arn);
  CHECK_FALSE(f.allowed(p, true));  // DbConnectAdmin is another action
  f.allow(p, R"({"Sid":"NoProd","Effect":"Deny","Action":"dsql:*","Resource":"*"})", "q");
  o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK(o.reason == "an explicit Deny in the policies of " + p.arn + " covers dsql:dbconnect on " + cluster_arn +
                        ": statement 1 (\"NoProd\") of policy \"q\"");
  f.allow(p, R"({"Effect":"Deny","NotAction":"dsql:DbConnect","Resource":"*"})", "q");
  CHECK(f.allowed(p));  // NotAction: the Deny covers every action but DbConnect
  CHECK_FALSE(f.allowed(p, true));
  f.allow(p, R"({"Effect":"Deny","Action":"*","NotResource":"arn:aws:dsql:*:*:cluster/local"})", "q");
  CHECK(f.allowed(p));
  CHECK(f.eval(p, false, "127.0.0.1", true, "arn:aws:dsql:us-east-1:123456789012:cluster/other").decision ==
        DSQL_POLICY_DENY);
}

TEST_CASE("policy variables in Resource: ${aws:username} for users, absent for roles, defaults, literals, old Version",
          "[iam][policy][eval][variables]") {
  fixture f;
  const auto alice = f.make("alice", "user");
  const auto role = f.make("alice");  // a role of the same name: no aws:username
  const std::string stmt =
      R"({"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/${aws:username}"})";
  f.allow(alice, stmt);
  f.allow(role, stmt);
  const char* alices = "arn:aws:dsql:us-east-1:123456789012:cluster/alice";
  CHECK(f.eval(alice, false, "127.0.0.1", true, alices).decision == DSQL_POLICY_ALLOW);
  CHECK(f.eval(alice).decision == DSQL_POLICY_DENY);                                   // cluster/local is not alice's
  CHECK(f.eval(role, false, "127.0.0.1", true, alices).decision == DSQL_POLICY_DENY);  // absent: no match
  // a default value stands in for an absent key
  f.allow(
      role,
      R"({"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/${aws:username, 'local'}"})");
  CHECK(f.allowed(role));
  // ${*} is a literal asterisk, not a wildcard; the value of a variable is literal too
  f.allow(
      role,
      R"({"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/${*}"})");
  CHECK_FALSE(f.allowed(role));
  CHECK(f.eval(role, false, "127.0.0.1", true, "arn:aws:dsql:us-east-1:123456789012:cluster/*").decision ==
        DSQL_POLICY_ALLOW);
  // without Version 2012-10-17 a variable is literal text (as on AWS)
  f.st->put_policy(
      role.arn, "p",
      R"({"Statement":{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/${aws:username, 'local'}"}})");
  CHECK_FALSE(f.allowed(role));
}

TEST_CASE("policy variables in Condition values: ${aws:PrincipalAccount}, ${aws:userid}, ${aws:PrincipalTag/...}",
          "[iam][policy][eval][variables]") {
  fixture f;
  const auto p = f.make("App");
  f.allow(p, R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":{
        "StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"},
        "StringLike":{"aws:userid":"${aws:PrincipalTag/roleid, 'AROA'}*:*"}}})");
  CHECK(f.allowed(p));  // the role's id starts with AROA; userid is "<id>:<access key>"
  f.st->set_context(p.arn, "aws:PrincipalTag/roleid", {"AIDA"});
  CHECK_FALSE(f.allowed(p));
  f.st->set_context(p.arn, "aws:PrincipalTag/roleid", {p.id});
  CHECK(f.allowed(p));
  // the principal's account is not the resource's: Deny with a variable
  f.allow(p, R"({"Effect":"Deny","Action":"dsql:*","Resource":"*","Condition":{
        "StringNotEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}})",
          "q");
  CHECK(f.allowed(p));
  // a variable naming an unknown key: the Deny applies (fail closed), an Allow never grants
  f.allow(p, R"({"Effect":"Deny","Action":"dsql:*","Resource":"*","Condition":{
        "StringEquals":{"aws:PrincipalArn":"${dsql:Whatever}"}}})",
          "q");
  auto o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("dsql:Whatever"));
  f.st->put_policy(p.arn, "q", R"({"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}})");
  f.allow(p, R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":{
        "StringNotEquals":{"aws:PrincipalArn":"${dsql:Whatever}"}}})");
  o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("never grants"));
}

TEST_CASE("unknown condition keys never grant: an Allow with one is not an Allow; a Deny with one applies",
          "[iam][policy][eval][unknown]") {
  fixture f;
  const auto p = f.make("App");
  // AWS would read the missing key as absent and StringNotEquals as true: here it never grants
  f.allow(p, R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":{"StringNotEquals":{"aws:Typo":"x"}}})");
  auto o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("the condition key aws:Typo, unknown locally: it never grants"));
  // ... even with IfExists, Null or ForAllValues, which hold for an absent key
  for (const char* cond : {R"({"StringEqualsIfExists":{"dsql:Nope":"x"}})", R"({"Null":{"dsql:Nope":"true"}})",
                           R"({"ForAllValues:StringEquals":{"dsql:Nope":"x"}})"}) {
    f.allow(p, std::string(R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":)") + cond + "}");
    INFO(cond);
    CHECK_FALSE(f.allowed(p));
  }
  // a Deny whose key is unknown applies, with the reason
  f.allow(p, connect_any);
  CHECK(f.allowed(p));
  f.allow(p, R"({"Effect":"Deny","Action":"dsql:*","Resource":"*","Condition":{"StringEquals":{"dsql:Nope":"x"}}})",
          "q");
  o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("applies, as it uses the condition key dsql:Nope, unknown locally"));
  // a key set as a local context key is known
  f.st->set_context("", "dsql:Nope", {"y"});
  CHECK(f.allowed(p));
  // but a Deny that does not cover the action never applies, unknown key or not
  f.st->unset_context("", "dsql:Nope");
  f.allow(p, R"({"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"dsql:Nope":"x"}}})", "q");
  CHECK(f.allowed(p));
}

TEST_CASE("known keys absent from the request: positive operators false, negated true, IfExists and Null as AWS",
          "[iam][policy][eval][conditions]") {
  fixture f;
  const auto p = f.make("App");
  const auto with = [&](const std::string& cond) {
    f.allow(p, R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":)" + cond + "}");
    return f.allowed(p);
  };
  CHECK_FALSE(with(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"));
  CHECK(with(R"({"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}})"));
  CHECK(with(R"({"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}})"));
  CHECK(with(R"({"Null":{"aws:PrincipalOrgID":"true"}})"));
  CHECK_FALSE(with(R"({"Null":{"aws:PrincipalOrgID":"false"}})"));
  CHECK(with(R"({"ForAllValues:StringEquals":{"aws:PrincipalTag/team":"x"}})"));
  CHECK_FALSE(with(R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":"x"}})"));
  CHECK_FALSE(with(R"({"StringEquals":{"aws:username":"App"}})"));  // a role has no aws:username
  // set for all principals, then for this one (its own values hide the global ones)
  f.st->set_context("", "aws:PrincipalOrgID", {"o-abc"});
  CHECK(with(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"));
  CHECK_FALSE(with(R"({"Null":{"aws:PrincipalOrgID":"true"}})"));
  f.st->set_context(p.arn, "aws:principalorgid", {"o-other"});  // keys compare case-insensitively
  CHECK_FALSE(with(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"));
  CHECK(with(R"({"StringEqualsIgnoreCase":{"AWS:PRINCIPALORGID":"O-OTHER"}})"));
  // multivalued: ForAllValues / ForAnyValue
  f.st->set_context(p.arn, "aws:PrincipalTag/team", {"red", "blue"});
  CHECK(with(R"({"ForAllValues:StringEquals":{"aws:PrincipalTag/team":["red","blue","green"]}})"));
  CHECK_FALSE(with(R"({"ForAllValues:StringEquals":{"aws:PrincipalTag/team":["red"]}})"));
  CHECK(with(R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":["red"]}})"));
  CHECK(with(R"({"ForAnyValue:StringNotEquals":{"aws:PrincipalTag/team":["red"]}})"));
  CHECK_FALSE(with(R"({"ForAllValues:StringNotEquals":{"aws:PrincipalTag/team":["red"]}})"));
  // several blocks must all hold
  CHECK_FALSE(with(R"({"StringEquals":{"aws:PrincipalType":"AssumedRole"},"Bool":{"aws:SecureTransport":"false"}})"));
  CHECK(with(R"({"StringEquals":{"aws:PrincipalType":"AssumedRole"},"Bool":{"aws:SecureTransport":"true"}})"));
  // computed keys cannot be set
  CHECK_THROWS_WITH(f.st->set_context("", "aws:PrincipalArn", {"x"}), Catch::Contains("computed"));
}

TEST_CASE("condition operators: Arn, Ip, Numeric, Date, Bool against the request context",
          "[iam][policy][eval][conditions]") {
  fixture f;
  const auto p = f.make("App");
  const auto with = [&](const std::string& cond, const char* ip = "127.0.0.1", bool tls = true) {
    f.allow(p, R"({"Effect":"Allow","Action":"dsql:*","Resource":"*","Condition":)" + cond + "}");
    return f.eval(p, false, ip, tls).decision == DSQL_POLICY_ALLOW;
  };
  CHECK(with(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/A*"}})"));
  CHECK(with(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/App"}})"));
  CHECK_FALSE(with(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}})"));
  CHECK(with(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}})"));
  CHECK(with(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})"));
  CHECK_FALSE(with(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})"));
  CHECK(with(R"({"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}})"));
  CHECK(with(R"({"IpAddress":{"aws:SourceIp":"::1"}})", "::1"));
  CHECK_FALSE(with(R"({"IpAddress":{"aws:SourceIp":"127.0.0.1"}})", nullptr));  // Unix socket: absent
  CHECK(with(R"({"NumericLessThan":{"aws:EpochTime":1767225601}})"));
  CHECK_FALSE(with(R"({"NumericGreaterThan":{"aws:EpochTime":"1767225600"}})"));
  CHECK(with(R"({"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:01Z"}})"));
  CHECK(with(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2025-12-31T23:00:00-01:00"}})"));
  CHECK_FALSE(with(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01"}})"));
  CHECK(with(R"({"DateEquals":{"aws:EpochTime":"2026-01-01T00:00:00Z"}})"));
  CHECK_FALSE(with(R"({"Bool":{"aws:SecureTransport":"true"}})", "127.0.0.1", false));
  CHECK(with(R"({"Bool":{"aws:SecureTransport":false}})", "127.0.0.1", false));
  CHECK(with(R"({"StringEquals":{"aws:RequestedRegion":"us-east-1"}})"));
}

TEST_CASE("the cluster policy is evaluated with the identity policies: an explicit Deny anywhere wins",
          "[iam][policy][eval][cluster]") {
  fixture f;
  const auto app = f.make("App");
  const auto ops = f.make("Ops");
  const auto other = f.make("Stranger", "role", "210987654321");
  f.allow(app, connect_any);
  f.allow(ops, connect_any);
  f.allow(other, connect_any);
  CHECK(f.allowed(app));
  CHECK(f.allowed(ops));
  // DSQL's own example: deny every principal outside the organisation, but named roles
  f.st->put_cluster_policy(cluster_arn, R"({"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny",
        "Principal":{"AWS":"*"},"Action":["dsql:DbConnect","dsql:DbConnectAdmin"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-exampleorgid"},
                     "ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Ops"}}}]})");
  auto o = f.eval(app);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK(o.reason == std::string("an explicit Deny in the cluster policy of ") + cluster_arn +
                        " covers dsql:dbconnect for " + app.arn + ": statement 1 (\"OrgOnly\") of the cluster policy");
  CHECK(f.allowed(ops));
  f.st->set_context(app.arn, "aws:PrincipalOrgID", {"o-exampleorgid"});
  CHECK(f.allowed(app));
  // the policy of another cluster does not apply here
  CHECK(f.st->delete_cluster_policy(cluster_arn));
  f.st->put_cluster_policy("arn:aws:dsql:us-east-1:123456789012:cluster/other",
                           R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}})");
  CHECK(f.allowed(app));
  // an Allow in the cluster policy grants a principal of the account without an identity policy
  const auto bare = f.make("Bare");
  CHECK_FALSE(f.allowed(bare));
  const auto [v1, n1] = f.st->put_cluster_policy(cluster_arn, R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/Bare"},"Action":"dsql:DbConnect","Resource":"*"}})");
  CHECK(v1 == 1);
  o = f.eval(bare);
  CHECK(o.decision == DSQL_POLICY_ALLOW);
  CHECK(o.reason == std::string("allowed by statement 1 of the cluster policy of ") + cluster_arn);
  CHECK_FALSE(f.allowed(app, true));
  // the account's root stands for every principal of the account; NotPrincipal excludes
  const auto [v2, n2] = f.st->put_cluster_policy(cluster_arn, R"({"Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"dsql:DbConnect","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:role/Bare","arn:aws:iam::123456789012:role/App"]},
         "Action":"*","Resource":"*"}]})");
  CHECK(v2 == 2);
  CHECK(f.allowed(bare));
  CHECK(f.allowed(app));
  CHECK_FALSE(f.allowed(ops));
  // another account: refused even with its own Allow (DSQL grants no cross-account access)
  CHECK(f.st->delete_cluster_policy(cluster_arn));
  o = f.eval(other);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("is not in the account of"));
  CHECK_FALSE(f.st->cluster_policy(cluster_arn).has_value());
  CHECK_THROWS_WITH(f.st->put_cluster_policy("arn:aws:dsql:us-east-1:1234:cluster/x", connect_any),
                    Catch::Contains("not an Aurora DSQL cluster ARN"));
}

TEST_CASE("a statement the migration could not understand never grants and always denies", "[iam][policy][eval]") {
  fixture f;
  const auto p = f.make("App");
  f.allow(p, connect_any);
  CHECK(f.allowed(p));
  REQUIRE(sqlite3_exec(f.st->handle(),
                       "UPDATE statements SET unsupported = 'no Resource' WHERE principal_id IS NOT NULL", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
  auto o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_DENY);
  CHECK_THAT(o.reason, Catch::Contains("never grants"));
  REQUIRE(sqlite3_exec(f.st->handle(), "UPDATE statements SET effect = 'Deny'", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  o = f.eval(p);
  CHECK_THAT(o.reason, Catch::StartsWith("an explicit Deny"));
}

TEST_CASE("a state that cannot be read is an error, never an Allow", "[iam][policy][eval]") {
  fixture f;
  const auto p = f.make("App");
  f.allow(p, connect_any);
  REQUIRE(sqlite3_exec(f.st->handle(), "PRAGMA foreign_keys = OFF; DROP TABLE statement_conditions", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  const auto o = f.eval(p);
  CHECK(o.decision == DSQL_POLICY_ERROR);
  CHECK_THAT(o.reason, Catch::Contains("cannot read the policies"));
}

TEST_CASE("hostile statement rows (any bytes, any lengths) never crash the evaluator, which always decides",
          "[iam][policy][eval][robust]") {
  // The rows are written behind the normaliser's back, as a corrupt or forged state
  // would hold them; a deterministic generator keeps the test reproducible.
  fixture f;
  const auto p = f.make("App");
  f.allow(p, connect_any);
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  const auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const auto random_text = [&](std::size_t max) {
    static const char alphabet[] = "${}*?$',: ab/-.0123456789TZ\\\xc2\x85\xff";
    std::string s(next() % max, ' ');
    for (auto& c : s) c = alphabet[next() % (sizeof alphabet - 1)];
    return s;
  };
  static const char* const ops[] = {"StringLike",
                                    "ArnLike",
                                    "DateLessThan",
                                    "IpAddress",
                                    "Null",
                                    "NumericEquals",
                                    "ForAllValues:StringNotEquals",
                                    "BoolIfExists",
                                    "Nonsense",
                                    ""};
  static const char* const keys[] = {
      "aws:CurrentTime", "aws:SourceIp", "aws:PrincipalArn", "aws:username", "aws:PrincipalTag/x", "dsql:unknown", ""};
  sqlite3* db = f.st->handle();
  REQUIRE(sqlite3_exec(db, "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr) == SQLITE_OK);
  for (int i = 0; i < 1500; ++i) {
    REQUIRE(sqlite3_exec(db,
                         "DELETE FROM statements WHERE policy_name = 'fuzz'; DELETE FROM statement_values "
                         "WHERE statement_id NOT IN (SELECT id FROM statements); DELETE FROM statement_conditions "
                         "WHERE statement_id NOT IN (SELECT id FROM statements)",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "INSERT INTO statements (principal_id, policy_name, position, effect, not_action, "
                               "not_resource, not_principal, variables) VALUES (?1, 'fuzz', 0, 'Deny', 0, ?2, 0, 1)",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_text(s, 1, p.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, static_cast<int>(next() % 2));
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
    const auto id = sqlite3_last_insert_rowid(db);
    const std::string values[] = {"dsql:*", random_text(3000), random_text(40)};
    for (const auto& v : values) {
      REQUIRE(sqlite3_prepare_v2(db, "INSERT INTO statement_values VALUES (?1, ?2, ?3)", -1, &s, nullptr) == SQLITE_OK);
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_text(s, 2, &v == &values[0] ? "action" : "resource", -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 3, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
      REQUIRE(sqlite3_step(s) == SQLITE_DONE);
      sqlite3_finalize(s);
    }
    for (int c = 0; c < 3; ++c) {
      REQUIRE(sqlite3_prepare_v2(db, "INSERT INTO statement_conditions VALUES (?1, ?2, ?3, ?4)", -1, &s, nullptr) ==
              SQLITE_OK);
      const std::string op = next() % 4 ? ops[next() % 10] : random_text(100);
      const std::string key = next() % 4 ? keys[next() % 7] : random_text(200);
      const std::string value = random_text(next() % 3 ? 60 : 5000);
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_text(s, 2, op.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 3, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 4, value.c_str(), -1, SQLITE_TRANSIENT);
      REQUIRE(sqlite3_step(s) == SQLITE_DONE);
      sqlite3_finalize(s);
    }
    const auto o = f.eval(p);
    INFO("iteration " << i << ": " << o.reason);
    REQUIRE(o.decision != DSQL_POLICY_ERROR);
    REQUIRE(o.reason.size() < 1024);
  }
}
