// Each source of the AWS credential chain against a local fake on loopback, the local
// STS (in process, over a local IAM state in a temporary directory) for the role
// sources, and the chain's order. No request leaves 127.0.0.1: EC2's metadata service
// is disabled or pointed at a fake in every case.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include "aws_env.hpp"
#include "fake_http.hpp"
#include "iam/credentials.hpp"
#include "iam/jwt.hpp"
#include "iam/state.hpp"
#include "iam/sts.hpp"
#include "iam/sts_server.hpp"

using namespace dsql::aws;
using dsql::test::aws_env;
using dsql::test::fake_http;
using dsql::test::http_reply;
using dsql::test::http_request;

namespace {

const std::string account = "123456789012";
const std::string alice = "arn:aws:iam::123456789012:user/alice";
const std::string app_role = "arn:aws:iam::123456789012:role/App";
const std::string eks_role = "arn:aws:iam::123456789012:role/Eks";

std::string trust_for(const std::string& who) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + who +
         R"("},"Action":"sts:AssumeRole"}]})";
}

// A local IAM state with alice (a key), roles App (trusts alice) and Eks (trusts the
// local OIDC issuer for service accounts of namespace default), and the local STS.
struct sts_fixture {
  aws_env& env;
  std::filesystem::path file;
  access_key alice_key;
  oidc_provider issuer;
  std::unique_ptr<sts::local_server> server;

  explicit sts_fixture(aws_env& e) : env(e), file(e.dir / "iam.sqlite") {
    state st(file);
    st.create_principal(alice);
    alice_key = st.create_access_key(alice);
    st.create_principal(app_role);
    st.put_trust_policy(app_role, trust_for(alice));
    st.create_principal(eks_role);
    const auto keys = jwt::generate_es256();
    issuer = {"arn:aws:iam::123456789012:oidc-provider/oidc.local/eks",
              "https://oidc.local/eks",
              {"sts.amazonaws.com"},
              keys.public_pem,
              keys.private_pem};
    st.create_oidc_provider(issuer);
    st.put_trust_policy(
        eks_role,
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":")" + issuer.arn +
            R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.local/eks:aud":"sts.amazonaws.com"},"StringLike":{"oidc.local/eks:sub":"system:serviceaccount:default:*"}}}]})");
    sts::server_options o;
    o.state_file = file;
    server = std::make_unique<sts::local_server>(o);
    env.set("AWS_ENDPOINT_URL_STS", server->url());
    env.set("AWS_REGION", "us-east-1");
  }
  std::string web_token(const std::string& sub, std::int64_t expires_in = 3600,
                        const std::string& aud = "sts.amazonaws.com") const {
    jwt::claims c;
    c.iss = issuer.url;
    c.sub = sub;
    c.aud = {aud};
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    c.iat = now;
    c.exp = now + expires_in;
    return jwt::sign(c, *issuer.private_key);
  }
  sts::caller_identity whoami(const credentials& c) const {
    return sts::get_caller_identity({server->url(), "us-east-1"}, c);
  }
};

std::optional<credentials> from_chain(std::string* why = nullptr) { return default_chain()->fetch(why); }

}  // namespace

TEST_CASE("environment: keys and session token; the key id without the secret is an error naming it", "[aws][chain]") {
  aws_env env;
  env.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  env.set("AWS_SECRET_ACCESS_KEY", "secret");
  env.set("AWS_SESSION_TOKEN", "session");
  const auto c = from_chain();
  REQUIRE(c);
  CHECK(c->access_key_id == "AKIAIOSFODNN7EXAMPLE");
  CHECK(c->session_token == "session");
  CHECK(c->source == "environment variables");
  env.unset("AWS_SECRET_ACCESS_KEY");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("AWS_SECRET_ACCESS_KEY is not"));
  env.unset("AWS_ACCESS_KEY_ID");  // the secret alone: the environment is not configured (as botocore)
  env.set("AWS_SECRET_ACCESS_KEY", "secret");
  std::string why;
  CHECK_FALSE(from_chain(&why));
  CHECK_THAT(why, Catch::Contains("environment variables: AWS_ACCESS_KEY_ID is not set"));
}

TEST_CASE("shared files: credentials file, [profile x] in config, AWS_PROFILE, explicit profile skips the environment",
          "[aws][chain]") {
  aws_env env;
  env.write("credentials",
            "[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = d\n"
            "[dev]\naws_access_key_id = AKIADEV0000000000001\naws_secret_access_key = s\naws_session_token = t\n");
  env.write("config", "[profile cfg]\naws_access_key_id = AKIACONFIG0000000001\naws_secret_access_key = c\n");
  CHECK(from_chain()->access_key_id == "AKIADEFAULT000000001");
  env.set("AWS_PROFILE", "dev");
  const auto dev = from_chain();
  CHECK(dev->access_key_id == "AKIADEV0000000000001");
  CHECK(dev->session_token == "t");
  CHECK(default_chain("cfg")->fetch()->access_key_id == "AKIACONFIG0000000001");
  env.set("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  CHECK(from_chain()->access_key_id == "AKIAENVIRONMENT00001");                   // environment first
  CHECK(default_chain("cfg")->fetch()->access_key_id == "AKIACONFIG0000000001");  // unless a profile is asked for
  CHECK_THROWS_WITH(default_chain("nope")->fetch(), Catch::Contains("profile nope: not found in"));
  env.write("config", "[profile half]\naws_access_key_id = AKIAHALF000000000001\n");
  CHECK_THROWS_WITH(default_chain("half")->fetch(), Catch::Contains("must both be set"));
}

TEST_CASE("credential_process: JSON Version 1 on stdout; failures named without the output", "[aws][chain]") {
  aws_env env;
  const auto ok =
      env.write("ok.sh",
                "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000000001\", "
                "\"SecretAccessKey\": \"p\", \"SessionToken\": \"pt\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
                true);
  const auto v2 = env.write(
      "v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"TOPSECRET\"}'\n",
      true);
  const auto junk = env.write("junk.sh", "#!/bin/sh\necho 'TOPSECRET not json'\n", true);
  const auto fails = env.write("fails.sh", "#!/bin/sh\nexit 3\n", true);
  env.write("config", "[default]\ncredential_process = " + ok.string() + " --arg\n[profile v2]\ncredential_process = " +
                          v2.string() + "\n[profile junk]\ncredential_process = " + junk.string() +
                          "\n[profile fails]\ncredential_process = " + fails.string() + "\n");
  const auto c = from_chain();
  REQUIRE(c);
  CHECK(c->access_key_id == "ASIAPROCESS000000001");
  CHECK(c->session_token == "pt");
  REQUIRE(c->expiration);
  CHECK(*c->expiration == *sts::parse_iso8601("2099-01-01T00:00:00Z"));
  CHECK_THROWS_WITH(default_chain("v2")->fetch(), Catch::Contains("\"Version\": 1"));
  CHECK_THROWS_WITH(default_chain("junk")->fetch(), Catch::Contains("not JSON") && !Catch::Contains("TOPSECRET"));
  CHECK_THROWS_WITH(default_chain("fails")->fetch(),
                    Catch::Contains("exit status 3") && Catch::Contains("profile fails"));
}

TEST_CASE("role_arn + source_profile assumes the role through STS (the local STS), chained roles too",
          "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  {
    state st(f.file);
    st.create_principal("arn:aws:iam::123456789012:role/Second");
    st.put_trust_policy("arn:aws:iam::123456789012:role/Second", trust_for(app_role));
  }
  env.write("credentials", "[base]\naws_access_key_id = " + f.alice_key.access_key_id +
                               "\naws_secret_access_key = " + f.alice_key.secret_access_key + "\n");
  env.write("config", "[profile app]\nrole_arn = " + app_role +
                          "\nsource_profile = base\nrole_session_name = api\n"
                          "duration_seconds = 900\n[profile second]\nrole_arn = arn:aws:iam::123456789012:role/Second\n"
                          "source_profile = app\n[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Second\n"
                          "source_profile = base\n[profile loop]\nrole_arn = " +
                          app_role +
                          "\nsource_profile = loop2\n"
                          "[profile loop2]\nrole_arn = " +
                          app_role + "\nsource_profile = loop\n");
  const auto c = default_chain("app")->fetch();
  REQUIRE(c);
  CHECK(c->access_key_id.starts_with("ASIA"));
  REQUIRE(c->session_token);
  REQUIRE(c->expiration);
  const auto left = *c->expiration - std::chrono::system_clock::now();
  CHECK(left > std::chrono::seconds(800));
  CHECK(left <= std::chrono::seconds(900));
  CHECK(f.whoami(*c).arn == "arn:aws:sts::123456789012:assumed-role/App/api");
  const auto second = default_chain("second")->fetch();
  CHECK(f.whoami(*second).arn.starts_with("arn:aws:sts::123456789012:assumed-role/Second/dsql-roles-"));
  CHECK_THROWS_WITH(default_chain("denied")->fetch(), Catch::Contains("AccessDenied") &&
                                                          Catch::Contains("profile denied") &&
                                                          !Catch::Contains(f.alice_key.secret_access_key));
  CHECK_THROWS_WITH(default_chain("loop")->fetch(), Catch::Contains("cycle"));
}

TEST_CASE("credential_source = Environment, AWS_ENDPOINT_URL and a services section reach STS", "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  const std::string url = f.server->url();
  env.unset("AWS_ENDPOINT_URL_STS");
  env.set("AWS_ENDPOINT_URL", url);
  env.set("AWS_ACCESS_KEY_ID", f.alice_key.access_key_id);
  env.set("AWS_SECRET_ACCESS_KEY", f.alice_key.secret_access_key);
  env.write("config", "[profile app]\nrole_arn = " + app_role +
                          "\ncredential_source = Environment\n"
                          "[profile svc]\nrole_arn = " +
                          app_role +
                          "\ncredential_source = Environment\nservices = local\n"
                          "[services local]\nsts =\n  endpoint_url = " +
                          url + "\n");
  CHECK(f.whoami(*default_chain("app")->fetch()).arn.starts_with("arn:aws:sts::123456789012:assumed-role/App/"));
  env.unset("AWS_ENDPOINT_URL");
  CHECK(f.whoami(*default_chain("svc")->fetch()).arn.starts_with("arn:aws:sts::123456789012:assumed-role/App/"));
  env.write("config", "[profile app]\nrole_arn = " + app_role + "\ncredential_source = Somewhere\n");
  CHECK_THROWS_WITH(default_chain("app")->fetch(), Catch::Contains("credential_source must be"));
}

TEST_CASE("web identity (EKS): AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, read again at each fetch",
          "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  const auto token = env.write("token", f.web_token("system:serviceaccount:default:api") + "\n");
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", token.string());
  env.set("AWS_ROLE_ARN", eks_role);
  env.set("AWS_ROLE_SESSION_NAME", "pod-1");
  const auto c = from_chain();
  REQUIRE(c);
  CHECK(c->access_key_id.starts_with("ASIA"));
  CHECK(f.whoami(*c).arn == "arn:aws:sts::123456789012:assumed-role/Eks/pod-1");
  env.write("token", f.web_token("system:serviceaccount:kube-system:admin"));
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("AccessDenied"));
  env.write("token", f.web_token("system:serviceaccount:default:api", -10));
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("ExpiredTokenException"));
  env.write("token", f.web_token("system:serviceaccount:default:api", 3600, "someone-else"));
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("InvalidIdentityToken") && Catch::Contains("audience"));
  const auto other = jwt::generate_es256();
  jwt::claims forged;
  forged.iss = f.issuer.url;
  forged.sub = "system:serviceaccount:default:api";
  forged.aud = {"sts.amazonaws.com"};
  forged.exp = static_cast<std::int64_t>(std::time(nullptr)) + 600;
  env.write("token", jwt::sign(forged, other.private_pem));
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("InvalidIdentityToken") && Catch::Contains("signature"));
  env.unset("AWS_ROLE_ARN");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("AWS_ROLE_ARN is not"));
}

TEST_CASE("web identity from a profile: role_arn + web_identity_token_file", "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  const auto token = env.write("token", f.web_token("system:serviceaccount:default:batch"));
  env.write("config", "[default]\nrole_arn = " + eks_role + "\nweb_identity_token_file = " + token.string() +
                          "\nrole_session_name = batch\n");
  CHECK(f.whoami(*from_chain()).arn == "arn:aws:sts::123456789012:assumed-role/Eks/batch");
}

TEST_CASE("container credentials: FULL_URI on loopback with the authorization token file", "[aws][chain]") {
  aws_env env;
  fake_http ecs([](const http_request& r) -> http_reply {
    if (r.headers.count("authorization") == 0 || r.headers.at("authorization") != "Bearer pod-token")
      return {401, R"({"code":"Unauthorized","message":"no"})"};
    return {
        200,
        R"({"AccessKeyId":"ASIACONTAINER0000001","SecretAccessKey":"c","Token":"ct","Expiration":"2099-01-01T00:00:00Z","AccountId":"123456789012"})"};
  });
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v1/credentials");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer wrong");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("HTTP 401") && Catch::Contains("Unauthorized"));
  env.write("auth", "Bearer pod-token\n");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (env.dir / "auth").string());  // the file wins
  const auto c = from_chain();
  REQUIRE(c);
  CHECK(c->access_key_id == "ASIACONTAINER0000001");
  CHECK(c->session_token == "ct");
  CHECK(c->expiration);
  const auto reqs = ecs.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].method == "GET");
  CHECK(reqs[1].path == "/v1/credentials");
  CHECK(container_relative_url("/v2/credentials/abc") == "http://169.254.170.2/v2/credentials/abc");
  // http:// to anything but loopback and the ECS/EKS addresses is refused before a request
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("loopback"));
  env.write("auth", "Bearer x\r\nX-Injected: 1");
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v1/credentials");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("line break"));
}

TEST_CASE("EC2 IMDSv2: token PUT, then role and credentials GETs with the token", "[aws][chain]") {
  aws_env env;
  bool v1 = false;
  fake_http imds([&](const http_request& r) -> http_reply {
    if (r.method == "PUT" && r.path == "/latest/api/token") {
      if (v1) return {405, ""};
      if (r.headers.count("x-aws-ec2-metadata-token-ttl-seconds") == 0) return {400, ""};
      return {200, "imds-token", "text/plain"};
    }
    if (!v1 &&
        (r.headers.count("x-aws-ec2-metadata-token") == 0 || r.headers.at("x-aws-ec2-metadata-token") != "imds-token"))
      return {401, ""};
    if (r.path == "/latest/meta-data/iam/security-credentials/") return {200, "InstanceRole\n", "text/plain"};
    if (r.path == "/latest/meta-data/iam/security-credentials/InstanceRole")
      return {
          200,
          R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAINSTANCE00000001","SecretAccessKey":"i","Token":"it","Expiration":"2099-01-01T00:00:00Z"})"};
    return {404, ""};
  });
  std::string why;
  CHECK_FALSE(from_chain(&why));  // disabled by the fixture
  CHECK_THAT(why, Catch::Contains("disabled by AWS_EC2_METADATA_DISABLED"));
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url() + "/");
  const auto c = from_chain();
  REQUIRE(c);
  CHECK(c->access_key_id == "ASIAINSTANCE00000001");
  CHECK(c->session_token == "it");
  const auto reqs = imds.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].method == "PUT");
  CHECK(reqs[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds") == "21600");
  CHECK(reqs[2].path == "/latest/meta-data/iam/security-credentials/InstanceRole");
  v1 = true;  // an old IMDS without tokens
  CHECK(from_chain()->access_key_id == "ASIAINSTANCE00000001");
  env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
  CHECK_THROWS_WITH(from_chain(), Catch::Contains("IMDSv1 fallback disabled"));
  // nothing listening: the chain ends without credentials and says why
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1");
  CHECK_FALSE(from_chain(&why));
  CHECK_THAT(why, Catch::Contains("EC2 instance metadata: not reachable"));
}

TEST_CASE("the chain's order: environment, profile, web identity, container, instance metadata", "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  fake_http ecs([](const http_request&) -> http_reply {
    return {
        200,
        R"({"AccessKeyId":"ASIACONTAINER0000001","SecretAccessKey":"c","Token":"ct","Expiration":"2099-01-01T00:00:00Z"})"};
  });
  fake_http imds([](const http_request& r) -> http_reply {
    if (r.method == "PUT") return {200, "t", "text/plain"};
    if (r.path.ends_with("/security-credentials/")) return {200, "R", "text/plain"};
    return {
        200,
        R"({"AccessKeyId":"ASIAINSTANCE00000001","SecretAccessKey":"i","Token":"it","Expiration":"2099-01-01T00:00:00Z"})"};
  });
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
  CHECK(from_chain()->access_key_id == "ASIAINSTANCE00000001");
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/c");
  CHECK(from_chain()->access_key_id == "ASIACONTAINER0000001");
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", env.write("token", f.web_token("system:serviceaccount:default:x")).string());
  env.set("AWS_ROLE_ARN", eks_role);
  CHECK(f.whoami(*from_chain()).arn.starts_with("arn:aws:sts::123456789012:assumed-role/Eks/"));
  env.write("credentials", "[default]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = p\n");
  CHECK(from_chain()->access_key_id == "AKIAPROFILE000000001");
  env.set("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  CHECK(from_chain()->access_key_id == "AKIAENVIRONMENT00001");
}

TEST_CASE("the cache over the chain refreshes STS credentials before they expire", "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  env.write("credentials", "[base]\naws_access_key_id = " + f.alice_key.access_key_id +
                               "\naws_secret_access_key = " + f.alice_key.secret_access_key + "\n");
  env.write("config", "[default]\nrole_arn = " + app_role + "\nsource_profile = base\nduration_seconds = 900\n");
  // refresh 1000 s before expiry: 900 s credentials are always due, never unusable
  credentials_cache cache(
      default_chain(), cache_options{std::chrono::seconds(1000), std::chrono::seconds(15), std::chrono::seconds(10)});
  const auto first = cache.get();
  CHECK(first->access_key_id.starts_with("ASIA"));
  const auto served = cache.get();  // starts a background refresh, serves the cached ones
  CHECK(served->access_key_id == first->access_key_id);
  for (int i = 0; i < 500 && cache.fetches() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(cache.fetches() == 2);
  CHECK(cache.get()->access_key_id != first->access_key_id);
}

TEST_CASE("the local STS refuses expired keys, another region's signature and its own expired sessions", "[aws][sts]") {
  aws_env env;
  sts_fixture f(env);
  const credentials alice{f.alice_key.access_key_id, f.alice_key.secret_access_key, std::nullopt, "alice"};
  const sts::endpoint here{f.server->url(), "us-east-1"};
  CHECK(sts::get_caller_identity(here, alice).arn == "arn:aws:iam::123456789012:user/alice");
  // signed for eu-west-1: the local STS serves us-east-1
  try {
    (void)sts::get_caller_identity({f.server->url(), "eu-west-1"}, alice);
    FAIL("a signature for another region was accepted");
  } catch (const sts::sts_error& e) {
    CHECK(e.code() == "SignatureDoesNotMatch");
  }
  const auto session = sts::assume_role(here, alice, {app_role, "s1", 900, std::nullopt}, "test");
  CHECK(sts::get_caller_identity(here, session.creds).arn == "arn:aws:sts::123456789012:assumed-role/App/s1");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.file.c_str(), &db) == SQLITE_OK);
    const std::string sql = "UPDATE access_keys SET expires_at = " + std::to_string(std::time(nullptr) - 1) +
                            " WHERE access_key_id = '" + session.creds.access_key_id + "'";
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  try {
    (void)sts::get_caller_identity(here, session.creds);
    FAIL("an expired session key was accepted");
  } catch (const sts::sts_error& e) {
    CHECK(e.code() == "ExpiredToken");
  }
  // role chaining is capped at one hour
  const auto again = sts::assume_role(here, alice, {app_role, "s2", std::nullopt, std::nullopt}, "test");
  {
    state st(f.file);
    st.create_principal("arn:aws:iam::123456789012:role/Chained");
    st.put_trust_policy("arn:aws:iam::123456789012:role/Chained", trust_for(app_role));
  }
  try {
    (void)sts::assume_role(here, again.creds, {"arn:aws:iam::123456789012:role/Chained", "c1", 7200, std::nullopt},
                           "test");
    FAIL("role chaining beyond an hour was accepted");
  } catch (const sts::sts_error& e) {
    CHECK(e.code() == "ValidationError");
  }
  CHECK(
      sts::assume_role(here, again.creds, {"arn:aws:iam::123456789012:role/Chained", "c1", 3600, std::nullopt}, "test")
          .creds.access_key_id.starts_with("ASIA"));
}

TEST_CASE(
    "the local STS decides with the one evaluator: ExternalId, the client's address, an account's trust with an "
    "identity Allow",
    "[aws][sts][trust]") {
  aws_env env;
  sts_fixture f(env);
  const std::string vendor = "arn:aws:iam::123456789012:role/Vendor";
  const auto trust_vendor = [&](const std::string& addresses) {
    state st(f.file);
    st.create_principal(vendor, true);
    (void)st.put_trust_policy(vendor, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"sts:ExternalId":"x-123"},"IpAddress":{"aws:SourceIp":)" +
                                          addresses + "}}}]}");
  };
  trust_vendor(R"(["127.0.0.0/8","::1"])");
  std::mutex m;
  std::vector<std::string> lines;
  sts::server_options o;
  o.state_file = f.file;
  o.log = [&](const std::string& line) {
    std::lock_guard lock(m);
    lines.push_back(line);
  };
  sts::local_server server(o);
  const sts::endpoint here{server.url(), "us-east-1"};
  const credentials creds{f.alice_key.access_key_id, f.alice_key.secret_access_key, std::nullopt, "alice"};
  const auto code = [&](std::optional<std::string> external_id) {
    try {
      (void)sts::assume_role(here, creds, {vendor, "v1", std::nullopt, std::move(external_id)}, "test");
      return std::string("ok");
    } catch (const sts::sts_error& e) {
      return e.code();
    }
  };
  // the trust policy names only the account: alice's own policy must allow too
  CHECK(code("x-123") == "AccessDenied");
  {
    std::lock_guard lock(m);
    REQUIRE_FALSE(lines.empty());
    CHECK_THAT(lines.back(), Catch::Contains("AccessDenied (statement 1 of the trust policy of " + vendor) &&
                                 Catch::Contains("but no policy of " + alice + " allows sts:assumerole"));
    CHECK_THAT(lines.back(), !Catch::Contains(f.alice_key.secret_access_key));
  }
  {
    state st(f.file);
    (void)st.put_policy(
        alice, "assume",
        R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/V*"}})");
  }
  CHECK(code("x-123") == "ok");
  CHECK(code("x-999") == "AccessDenied");
  CHECK(code(std::nullopt) == "AccessDenied");
  // aws:SourceIp is the client's address (loopback here)
  trust_vendor(R"("10.0.0.0/8")");
  CHECK(code("x-123") == "AccessDenied");
}

TEST_CASE("credential_source = EcsContainer and Ec2InstanceMetadata feed AssumeRole", "[aws][chain][sts]") {
  aws_env env;
  sts_fixture f(env);
  const std::string alice_json = R"({"AccessKeyId":")" + f.alice_key.access_key_id + R"(","SecretAccessKey":")" +
                                 f.alice_key.secret_access_key + R"(","Expiration":"2099-01-01T00:00:00Z"})";
  fake_http ecs([&](const http_request&) -> http_reply { return {200, alice_json}; });
  fake_http imds([&](const http_request& r) -> http_reply {
    if (r.method == "PUT") return {200, "t", "text/plain"};
    if (r.path.ends_with("/security-credentials/")) return {200, "Alice", "text/plain"};
    return {200, alice_json};
  });
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds");
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
  env.write("config", "[profile ecs]\nrole_arn = " + app_role +
                          "\ncredential_source = EcsContainer\nrole_session_name = ecs\n"
                          "[profile ec2]\nrole_arn = " +
                          app_role + "\ncredential_source = Ec2InstanceMetadata\nrole_session_name = ec2\n");
  CHECK(f.whoami(*default_chain("ecs")->fetch()).arn == "arn:aws:sts::123456789012:assumed-role/App/ecs");
  CHECK(f.whoami(*default_chain("ec2")->fetch()).arn == "arn:aws:sts::123456789012:assumed-role/App/ec2");
  CHECK(ecs.requests().size() == 1);
  CHECK(imds.requests().size() == 3);
}
