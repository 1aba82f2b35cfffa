// Who may assume a role, answered by the one IAM policy evaluator (extension/policy.c
// through trust.hpp) over a real local IAM state: IAM's rules for a same-account and a
// cross-account AssumeRole, role sessions, web identities, every condition operator the
// evaluator has (the old trust subset refused most), Deny first, fail closed.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "iam/state.hpp"
#include "iam/trust.hpp"

using namespace dsql::aws;

namespace {

constexpr std::int64_t t0 = 1767225600;  // 2026-01-01T00:00:00Z
const std::string app = "arn:aws:iam::123456789012:role/App";
const std::string provider = "arn:aws:iam::123456789012:oidc-provider/oidc.local/ci";

struct fixture {
  std::filesystem::path dir;
  std::unique_ptr<state> st;
  principal alice, bob, base, carol;
  fixture() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dsql-trust-test.XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    st = std::make_unique<state>(dir / "iam.sqlite");
    st->create_principal(app);
    alice = st->create_principal(principal_arn("alice", "user"));
    bob = st->create_principal(principal_arn("bob", "user"));
    base = st->create_principal(principal_arn("Base", "role"));
    carol = st->create_principal(principal_arn("carol", "user", "210987654321"));  // another account
  }
  ~fixture() {
    st.reset();
    std::filesystem::remove_all(dir);
  }
  void trust(const std::string& statements) {
    (void)st->put_trust_policy(app, R"({"Version":"2012-10-17","Statement":[)" + statements + "]}");
  }
  void identity(const principal& p, const std::string& statement, const std::string& name = "p") {
    (void)st->put_policy(p.arn, name, R"({"Version":"2012-10-17","Statement":[)" + statement + "]}");
  }
  trust::request as(const principal& p, const std::string& session = "s1") const {
    trust::request r;
    r.role_arn = app;
    r.caller = p;
    r.access_key_id = "AKIAEXAMPLEKEY000001";
    r.context = {{"sts:RoleSessionName", session}};
    r.region = "us-east-1";
    r.source_ip = "127.0.0.1";
    r.now = t0;
    return r;
  }
  trust::request web(const std::string& sub, const std::string& aud = "dsql-app") const {
    trust::request r;
    r.action = "sts:AssumeRoleWithWebIdentity";
    r.role_arn = app;
    r.federated = provider;
    r.context = {{"oidc.local/ci:aud", aud}, {"oidc.local/ci:sub", sub}, {"sts:RoleSessionName", "w1"}};
    r.now = t0;
    return r;
  }
  trust::answer ask(const trust::request& r) { return trust::evaluate(*st, r); }
  bool allowed(const trust::request& r) { return ask(r).allowed; }
};

std::string names(const std::string& who, const std::string& action = "sts:AssumeRole", const std::string& extra = "") {
  return R"({"Effect":"Allow","Principal":{"AWS":")" + who + R"("},"Action":")" + action + "\"" + extra + "}";
}

const std::string may_assume_app =
    R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/App"})";

}  // namespace

TEST_CASE("a trust policy naming the caller suffices; one naming its account or \"*\" also needs its identity Allow",
          "[aws][trust]") {
  fixture f;
  f.trust(names(f.alice.arn));
  auto a = f.ask(f.as(f.alice));
  CHECK(a.allowed);
  CHECK(a.reason == "allowed by statement 1 of the trust policy of " + app + ", which names " + f.alice.arn);
  a = f.ask(f.as(f.bob));
  CHECK_FALSE(a.allowed);
  CHECK(a.reason == "no statement of the trust policy of " + app + " allows sts:assumerole for " + f.bob.arn);
  // an identity Allow alone never lets bob in: the trust policy must allow (roles differ
  // from other resources here)
  f.identity(f.bob, may_assume_app);
  CHECK_FALSE(f.allowed(f.as(f.bob)));

  for (const std::string& account :
       {std::string("arn:aws:iam::123456789012:root"), std::string("123456789012"), std::string("*")}) {
    INFO(account);
    f.trust(names(account));
    a = f.ask(f.as(f.alice));  // no identity policy
    CHECK_FALSE(a.allowed);
    CHECK_THAT(a.reason, Catch::Contains("only through its account or \"*\", but no policy of " + f.alice.arn +
                                         " allows sts:assumerole on " + app));
    a = f.ask(f.as(f.bob));  // bob's identity policy allows sts:AssumeRole on App
    CHECK(a.allowed);
    CHECK(a.reason == "allowed by statement 1 of the trust policy of " + app +
                          " together with statement 1 of policy \"p\" of " + f.bob.arn);
  }
  // the identity Allow must cover the action on this role
  f.identity(f.bob,
             R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/Other"})");
  CHECK_FALSE(f.allowed(f.as(f.bob)));
  f.identity(f.bob, R"({"Effect":"Allow","Action":"sts:Assume*","Resource":"arn:aws:iam::123456789012:role/A?p"})");
  CHECK(f.allowed(f.as(f.bob)));
  // the action of the trust statement matters
  f.trust(names(f.alice.arn, "sts:AssumeRoleWithWebIdentity"));
  CHECK_FALSE(f.allowed(f.as(f.alice)));
  // no trust policy at all: nobody
  REQUIRE(sqlite3_exec(f.st->handle(), "DELETE FROM statements WHERE resource_arn IS NOT NULL", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  CHECK_FALSE(f.allowed(f.as(f.bob)));
}

TEST_CASE("an explicit Deny in the trust policy or in the caller's policies wins over any Allow", "[aws][trust]") {
  fixture f;
  f.trust(names(f.alice.arn) + R"(,{"Sid":"NoCI","Effect":"Deny","Principal":"*","Action":"sts:*",
        "Condition":{"StringLike":{"sts:RoleSessionName":"ci-*"}}})");
  CHECK(f.allowed(f.as(f.alice, "laptop")));
  auto a = f.ask(f.as(f.alice, "ci-42"));
  CHECK_FALSE(a.allowed);
  CHECK(a.reason == "an explicit Deny in the trust policy of " + app + " covers sts:assumerole for " + f.alice.arn +
                        ": statement 2 (\"NoCI\") of the trust policy");
  // the caller's own Deny wins over a trust policy that names it
  f.identity(f.alice, R"({"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"})",
             "fence");
  a = f.ask(f.as(f.alice, "laptop"));
  CHECK_FALSE(a.allowed);
  CHECK(a.reason == "an explicit Deny in the policies of " + f.alice.arn + " covers sts:assumerole on " + app +
                        ": statement 1 of policy \"fence\"");
  // a Deny on another resource does not
  f.identity(f.alice,
             R"({"Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::123456789012:role/App"})",
             "fence");
  CHECK(f.allowed(f.as(f.alice, "laptop")));
  // a Deny whose condition key is unknown applies (fail closed)
  f.trust(names(f.alice.arn) + R"(,{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
        "Condition":{"StringEquals":{"sts:Unheard":"x"}}})");
  a = f.ask(f.as(f.alice));
  CHECK_FALSE(a.allowed);
  CHECK_THAT(a.reason, Catch::Contains("applies, as it uses the condition key sts:Unheard, unknown locally"));
}

TEST_CASE("conditions are evaluated in full, in both policies: what the old trust subset refused now decides",
          "[aws][trust][conditions]") {
  fixture f;
  const auto with = [&](const std::string& condition, trust::request r) {
    f.trust(names(f.alice.arn, "sts:AssumeRole", R"(,"Condition":)" + condition));
    return f.allowed(r);
  };
  auto r = f.as(f.alice);
  CHECK(with(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})", r));
  r.source_ip = "10.1.2.3";
  CHECK_FALSE(with(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})", r));
  CHECK(with(R"({"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}})", r));
  r = f.as(f.alice);
  CHECK(with(R"({"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:01Z"}})", r));
  CHECK_FALSE(with(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-06-01"}})", r));
  CHECK(with(R"({"NumericLessThanEquals":{"aws:EpochTime":1767225600}})", r));
  CHECK_FALSE(with(R"({"Bool":{"aws:SecureTransport":"true"}})", r));  // the local STS speaks plain HTTP
  CHECK(with(R"({"StringEquals":{"aws:RequestedRegion":"us-east-1","aws:PrincipalType":"User"}})", r));
  CHECK(with(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/al*"}})", r));
  // sts:ExternalId: known, absent unless given (AWS's absent-key rules)
  CHECK_FALSE(with(R"({"StringEquals":{"sts:ExternalId":"x-123"}})", r));
  CHECK(with(R"({"StringEqualsIfExists":{"sts:ExternalId":"x-123"}})", r));
  CHECK(with(R"({"Null":{"sts:ExternalId":"true"}})", r));
  r.context.emplace_back("sts:ExternalId", "x-123");
  CHECK(with(R"({"StringEquals":{"sts:ExternalId":"x-123"}})", r));
  CHECK_FALSE(with(R"({"Null":{"sts:ExternalId":"true"}})", r));
  CHECK_FALSE(with(R"({"StringNotEquals":{"sts:ExternalId":["x-123","y"]}})", r));
  CHECK(with(R"({"ForAnyValue:StringLike":{"sts:ExternalId":["a","x-*"]}})", r));
  // policy variables: a session named after the user
  CHECK_FALSE(with(R"({"StringEquals":{"sts:RoleSessionName":"${aws:username}"}})", r));
  CHECK(with(R"({"StringEquals":{"sts:RoleSessionName":"${aws:username}"}})", f.as(f.alice, "alice")));
  // local context keys (dsqlctl iam set-context) count as for a DSQL connection
  CHECK_FALSE(with(R"({"StringEquals":{"aws:PrincipalTag/team":"dsql"}})", r));
  f.st->set_context(f.alice.arn, "aws:PrincipalTag/team", {"dsql"});
  CHECK(with(R"({"StringEquals":{"aws:PrincipalTag/team":"dsql"}})", r));
  // an identity Allow with a condition grants when it holds (no "conditional Allow never
  // grants" shortcut any more)
  f.trust(names("arn:aws:iam::123456789012:root"));
  f.identity(f.bob, R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*",
        "Condition":{"StringEquals":{"aws:PrincipalTag/team":"dsql"}}})");
  CHECK_FALSE(f.allowed(f.as(f.bob)));
  f.st->set_context("", "aws:PrincipalTag/team", {"dsql"});
  CHECK(f.allowed(f.as(f.bob)));
  // ... and an Allow whose key is unknown never grants, with the reason
  f.identity(f.bob, R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*",
        "Condition":{"StringNotEquals":{"dsql:Nope":"x"}}})");
  const auto a = f.ask(f.as(f.bob));
  CHECK_FALSE(a.allowed);
  CHECK_THAT(a.reason, Catch::Contains("the condition key dsql:Nope, unknown locally: it never grants"));
}

TEST_CASE("a role session: a trust policy naming its role or its session ARN; its role's policies are its own",
          "[aws][trust]") {
  fixture f;
  auto r = f.as(f.base);
  r.session_name = "s1";  // the key of an earlier AssumeRole of Base
  f.trust(names(f.base.arn));
  auto a = f.ask(r);
  CHECK(a.allowed);
  CHECK(a.reason == "allowed by statement 1 of the trust policy of " + app + ", which names " +
                        "arn:aws:sts::123456789012:assumed-role/Base/s1");
  f.trust(names("arn:aws:sts::123456789012:assumed-role/Base/s1"));
  CHECK(f.allowed(r));
  f.trust(names("arn:aws:sts::123456789012:assumed-role/Base/s2"));
  CHECK_FALSE(f.allowed(r));
  // the request context of a session: aws:PrincipalArn is the role, aws:userid "<role id>:<session>"
  f.trust(names(f.base.arn, "sts:AssumeRole",
                R"(,"Condition":{"StringEquals":{"aws:PrincipalArn":")" + f.base.arn + R"(","aws:userid":")" +
                    f.base.id + R"(:s1","aws:PrincipalType":"AssumedRole"}})"));
  CHECK(f.allowed(r));
  // by account: the session's role needs the identity Allow
  f.trust(names("123456789012"));
  CHECK_FALSE(f.allowed(r));
  f.identity(f.base, may_assume_app);
  CHECK(f.allowed(r));
}

TEST_CASE("across accounts the trust policy and the caller's identity policy must both allow", "[aws][trust]") {
  fixture f;
  f.trust(names(f.carol.arn));
  auto a = f.ask(f.as(f.carol));
  CHECK_FALSE(a.allowed);
  CHECK_THAT(a.reason, Catch::Contains("allows " + f.carol.arn + " from another account, but no policy of " +
                                       f.carol.arn + " allows sts:assumerole"));
  f.identity(f.carol, may_assume_app);
  CHECK(f.allowed(f.as(f.carol)));
  // naming the other account works the same way; naming ours does not cover carol
  f.trust(names("arn:aws:iam::210987654321:root"));
  CHECK(f.allowed(f.as(f.carol)));
  f.trust(names("arn:aws:iam::123456789012:root"));
  CHECK_FALSE(f.allowed(f.as(f.carol)));
}

TEST_CASE("a web identity: only a statement naming its Federated provider grants, with aud and sub conditions",
          "[aws][trust][web]") {
  fixture f;
  const std::string oidc =
      R"({"Effect":"Allow","Principal":{"Federated":")" + provider +
      R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.local/ci:aud":"dsql-app"},
                             "StringLike":{"oidc.local/ci:sub":"repo:app:*"}}})";
  f.trust(oidc);
  auto a = f.ask(f.web("repo:app:main"));
  CHECK(a.allowed);
  CHECK(a.reason ==
        "allowed by statement 1 of the trust policy of " + app + ", which names the identity provider " + provider);
  CHECK_FALSE(f.allowed(f.web("repo:other:main")));
  CHECK_FALSE(f.allowed(f.web("repo:app:main", "another-client")));
  // condition keys compare case-insensitively, values as their operator says
  f.trust(
      R"({"Effect":"Allow","Principal":{"Federated":")" + provider +
      R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEqualsIgnoreCase":{"OIDC.LOCAL/CI:SUB":"REPO:APP:MAIN"}}})");
  CHECK(f.allowed(f.web("repo:app:main")));
  // "*" matches a web identity, which has no policies of its own to complete it
  f.trust(R"({"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"})");
  a = f.ask(f.web("repo:app:main"));
  CHECK_FALSE(a.allowed);
  CHECK_THAT(a.reason, Catch::Contains("does not name the identity provider"));
  // another provider's keys are absent from this request, as on AWS (AWS's absent-key
  // rules: StringEquals false, StringNotEquals true); a claim the local STS does not
  // give (amr) is unknown: never grants
  const auto provider_condition = [&](const std::string& condition) {
    f.trust(R"({"Effect":"Allow","Principal":{"Federated":")" + provider +
            R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":)" + condition + "}");
    return f.allowed(f.web("repo:app:main"));
  };
  CHECK_FALSE(provider_condition(R"({"StringEquals":{"other.local/x:sub":"repo:app:main"}})"));
  CHECK(provider_condition(R"({"StringNotEquals":{"other.local/x:sub":"y"}})"));
  CHECK_FALSE(provider_condition(R"({"StringNotEquals":{"oidc.local/ci:amr":"y"}})"));
  // a Deny for "*" covers web identities too
  f.trust(
      oidc +
      R"(,{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringLike":{"oidc.local/ci:sub":"*:main"}}})");
  CHECK_FALSE(f.allowed(f.web("repo:app:main")));
  CHECK(f.allowed(f.web("repo:app:dev")));
  // a web identity is never an AWS principal of the account
  f.trust(names("arn:aws:iam::123456789012:root", "sts:AssumeRoleWithWebIdentity"));
  CHECK_FALSE(f.allowed(f.web("repo:app:main")));
  // and a principal's AssumeRole has no web identity keys: a Deny on them does not cover it
  f.trust(names(f.alice.arn) + R"(,{"Effect":"Deny","Principal":"*","Action":"sts:*",
        "Condition":{"StringLike":{"oidc.local/ci:sub":"*:main"}}})");
  CHECK(f.allowed(f.as(f.alice)));
  CHECK_FALSE(f.allowed(f.web("repo:app:main")));
}

TEST_CASE("NotPrincipal: IAM refuses it in a trust policy; one kept by a migration denies every caller",
          "[aws][trust]") {
  fixture f;
  CHECK_THROWS_WITH(
      f.st->put_trust_policy(app, R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]})"),
      Catch::Contains("cannot use NotPrincipal"));
  f.trust(names(f.alice.arn) +
          R"(,{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"})");
  CHECK(f.allowed(f.as(f.alice)));
  // as the 3 -> 4 migration stores a Deny it cannot express (state.cpp, lenient): it always applies
  REQUIRE(sqlite3_exec(f.st->handle(),
                       "UPDATE statements SET unsupported = 'NotPrincipal in a trust policy' "
                       "WHERE resource_arn IS NOT NULL AND effect = 'Deny'",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto a = f.ask(f.as(f.alice));
  CHECK_FALSE(a.allowed);
  CHECK_THAT(a.reason, Catch::Contains("statement 2 of the trust policy applies, as it uses an element that could not "
                                       "be stored as understood"));
}

TEST_CASE("the request's own keys are checked: only keys a request on a role can give", "[aws][trust]") {
  fixture f;
  f.trust(names(f.alice.arn));
  auto r = f.as(f.alice);
  r.context.emplace_back("aws:PrincipalArn", "arn:aws:iam::123456789012:user/admin");  // computed: never given
  CHECK_THROWS_WITH(f.ask(r), Catch::Contains("context key aws:PrincipalArn is not one this request can give"));
  r = f.as(f.alice);
  r.context.emplace_back("oidc.local/ci:sub", "x");  // a web identity's key, but alice is no web identity
  CHECK_THROWS_WITH(f.ask(r), Catch::Contains("oidc.local/ci:sub"));
  r = f.web("repo:app:main");
  r.context.emplace_back("other.local/x:sub", "x");  // another provider's
  CHECK_THROWS_WITH(f.ask(r), Catch::Contains("other.local/x:sub"));
  r = f.web("repo:app:main");
  r.caller = f.alice;  // both a principal and a web identity
  CHECK_THROWS_WITH(f.ask(r), Catch::Contains("one of them"));
  // and no local context key can pose as one
  CHECK_THROWS_WITH(f.st->set_context("", "sts:ExternalId", {"x"}), Catch::Contains("cannot be set"));
  CHECK_THROWS_WITH(f.st->set_context("", "oidc.local/ci:sub", {"x"}), Catch::Contains("cannot be set"));
}
