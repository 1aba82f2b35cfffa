// IAM token authentication of the engine's connections without a server: the DSQL host
// and region parsing, the action (admin → DbConnectAdmin), when a token is used, the
// conninfo it is put in, and the command line's token options.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

#include "engine/cli.hpp"
#include "engine/iam_connect.hpp"

using namespace dsql::engine::iam_connect;

namespace {

// Sets (or unsets, value nullptr) an environment variable for one scope.
struct scoped_env {
  std::string name;
  std::optional<std::string> old;
  scoped_env(const char* n, const char* value) : name(n) {
    if (const char* o = std::getenv(n)) old = o;
    if (value)
      setenv(n, value, 1);
    else
      unsetenv(n);
  }
  ~scoped_env() {
    if (old)
      setenv(name.c_str(), old->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

// A clean AWS/libpq environment with fixed example credentials.
struct fake_aws {
  scoped_env e1{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"}, e2{"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG"},
      e3{"AWS_SESSION_TOKEN", nullptr}, e4{"AWS_REGION", nullptr}, e5{"AWS_DEFAULT_REGION", nullptr},
      e6{"PGHOST", nullptr}, e7{"PGUSER", nullptr}, e8{"PGPASSWORD", nullptr}, e9{"DSQL_IAM_STATE", nullptr},
      e10{"PGSSLMODE", nullptr}, e11{"PGSSLROOTCERT", nullptr};
};

}  // namespace

TEST_CASE("the region of an Aurora DSQL host name", "[unit][iam_connect]") {
  CHECK(dsql_region_of("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws") == "us-east-1");
  CHECK(dsql_region_of("abc123.dsql.eu-west-2.on.aws.") == "eu-west-2");  // trailing dot
  CHECK(dsql_region_of("ABC123.DSQL.US-EAST-2.ON.AWS") == "us-east-2");
  CHECK_FALSE(dsql_region_of("localhost"));
  CHECK_FALSE(dsql_region_of("127.0.0.1"));
  CHECK_FALSE(dsql_region_of("dsql.us-east-1.on.aws"));      // no cluster id
  CHECK_FALSE(dsql_region_of("a.b.dsql.us-east-1.on.aws"));  // the id is one label
  CHECK_FALSE(dsql_region_of("abc.dsql..on.aws"));           // no region
  CHECK_FALSE(dsql_region_of("abc.dsql.us-east-1.on.aws.evil.example"));
  CHECK_FALSE(dsql_region_of("abc.postgres.us-east-1.on.aws"));
  CHECK_FALSE(dsql_region_of(""));
}

TEST_CASE("DbConnectAdmin iff the user is admin (DSQL connectors' rule)", "[unit][iam_connect]") {
  CHECK(admin_action_for("admin"));
  CHECK(action_for("admin") == "DbConnectAdmin");
  CHECK(action_for("app_readonly") == "DbConnect");
  CHECK(action_for("Admin") == "DbConnect");
  CHECK(action_for("admin2") == "DbConnect");
  CHECK(action_for("") == "DbConnect");
}

TEST_CASE("the signing region: --region, else the host's, else AWS_REGION, else AWS_DEFAULT_REGION",
          "[unit][iam_connect]") {
  fake_aws env;
  CHECK(region_for(std::string("eu-central-1"), "abc.dsql.us-east-1.on.aws") == "eu-central-1");
  CHECK(region_for(std::nullopt, "abc.dsql.us-east-1.on.aws") == "us-east-1");
  CHECK_FALSE(region_for(std::nullopt, "db.example.com"));
  scoped_env d("AWS_DEFAULT_REGION", "ap-south-1");
  CHECK(region_for(std::nullopt, "db.example.com") == "ap-south-1");
  scoped_env r("AWS_REGION", "sa-east-1");
  CHECK(region_for(std::nullopt, "db.example.com") == "sa-east-1");
  CHECK(region_for(std::nullopt, "abc.dsql.us-west-2.on.aws") == "us-west-2");
}

TEST_CASE("parse_conninfo: keyword/value and URI, the user and host libpq would use, passwords",
          "[unit][iam_connect]") {
  fake_aws env;
  auto e = parse_conninfo("host=abc.dsql.us-east-1.on.aws user=admin dbname=postgres sslmode=require");
  CHECK(e.host == "abc.dsql.us-east-1.on.aws");
  CHECK(e.user == "admin");
  CHECK_FALSE(e.password_given);
  CHECK(e.keywords.find("host='abc.dsql.us-east-1.on.aws'") != std::string::npos);
  CHECK(e.keywords.find("sslmode='require'") != std::string::npos);

  auto u = parse_conninfo("postgresql://app_readonly:secret@abc.dsql.us-east-1.on.aws:5432/postgres?sslmode=require");
  CHECK(u.host == "abc.dsql.us-east-1.on.aws");
  CHECK(u.user == "app_readonly");
  CHECK(u.password_in_conninfo);
  CHECK(u.keywords.find("secret") == std::string::npos);  // the old password is dropped
  CHECK(u.keywords.find("port='5432'") != std::string::npos);

  auto q = parse_conninfo("host=h dbname='it\\'s' application_name='a\\\\b'");
  CHECK(q.keywords.find("dbname='it\\'s'") != std::string::npos);
  CHECK(q.keywords.find("application_name='a\\\\b'") != std::string::npos);

  scoped_env h("PGHOST", "xyz.dsql.eu-west-1.on.aws"), us("PGUSER", "reporting");
  auto d = parse_conninfo("");
  CHECK(d.host == "xyz.dsql.eu-west-1.on.aws");
  CHECK(d.user == "reporting");
  {
    scoped_env p("PGPASSWORD", "given");
    CHECK(parse_conninfo("").password_given);
  }
  CHECK_THROWS_AS(parse_conninfo("host"), std::invalid_argument);
}

TEST_CASE("a token is used when asked for, or for a DSQL host without a password", "[unit][iam_connect]") {
  fake_aws env;
  token_options none, asked;
  asked.requested = true;
  CHECK(wants_token(none, parse_conninfo("host=abc.dsql.us-east-1.on.aws user=admin")));
  CHECK_FALSE(wants_token(none, parse_conninfo("host=abc.dsql.us-east-1.on.aws user=admin password=x")));
  CHECK_FALSE(wants_token(none, parse_conninfo("host=localhost user=admin")));
  CHECK(wants_token(asked, parse_conninfo("host=localhost user=admin")));
  {
    scoped_env p("PGPASSWORD", "tok");
    CHECK_FALSE(wants_token(none, parse_conninfo("host=abc.dsql.us-east-1.on.aws user=admin")));
  }
  CHECK(with_password("host='h'", "a'b") == "host='h' password='a\\'b'");
}

TEST_CASE("connection_string signs for the host without its port, in its region, as admin or not",
          "[unit][iam_connect]") {
  fake_aws env;
  token_options none;
  // not DSQL, no token: the conninfo unchanged
  CHECK(connection_string(none, "host=localhost user=admin", "", "admin") == "host=localhost user=admin");

  const std::string admin =
      connection_string(none, "postgresql://admin@abc.dsql.us-east-1.on.aws:5432/postgres", "", "x");
  CHECK(admin.find("password='abc.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&") != std::string::npos);
  CHECK(admin.find("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F") != std::string::npos);
  CHECK(admin.find("%2Fus-east-1%2Fdsql%2Faws4_request") != std::string::npos);
  CHECK(admin.find("X-Amz-Expires=900&") != std::string::npos);
  CHECK(admin.find("sslmode='verify-full'") != std::string::npos);  // with a token, always

  token_options o;
  o.requested = true;
  o.expires_in = 60;
  o.region = "eu-west-1";
  const std::string app = connection_string(o, "host=db.example.com user=app_readonly", "", "admin");
  CHECK(app.find("password='db.example.com/?Action=DbConnect&") != std::string::npos);
  CHECK(app.find("%2Feu-west-1%2Fdsql%2F") != std::string::npos);
  CHECK(app.find("X-Amz-Expires=60&") != std::string::npos);

  token_options asked;
  asked.requested = true;
  CHECK_THROWS_WITH(connection_string(asked, "host=db.example.com user=admin", "", "admin"),
                    Catch::Contains("no region"));
  CHECK_THROWS_WITH(connection_string(asked, "host=abc.dsql.us-east-1.on.aws password=p", "", "admin"),
                    Catch::Contains("already has a password"));
  CHECK_THROWS_WITH(connection_string(asked, "host=/tmp user=admin", "", "admin"), Catch::Contains("one host name"));
  CHECK_THROWS_WITH(connection_string(asked, "host=a.dsql.us-east-1.on.aws,b.dsql.us-east-1.on.aws", "", "admin"),
                    Catch::Contains("one host name"));
  token_options principal = asked;
  principal.principal = "arn:aws:iam::123456789012:role/DsqlAdminRole";
  CHECK_THROWS_WITH(connection_string(principal, "host=abc.dsql.us-east-1.on.aws user=admin", "", "admin"),
                    Catch::Contains("local IAM state"));
  // the chain ends at EC2 instance metadata: never reach for 169.254.169.254 from a test
  scoped_env k("AWS_ACCESS_KEY_ID", nullptr), s("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
      i("AWS_EC2_METADATA_DISABLED", "true"), c("AWS_CONFIG_FILE", "/nonexistent/config");
  CHECK_THROWS_WITH(connection_string(asked, "host=abc.dsql.us-east-1.on.aws user=admin", "", "admin"),
                    Catch::Contains("no AWS credentials"));
}

TEST_CASE("a token goes only over verify-full: other sslmodes are refused before signing, roots are the system's",
          "[unit][iam_connect]") {
  fake_aws env;
  token_options none;
  const std::string host = "host=abc.dsql.us-east-1.on.aws user=admin";
  const std::string full = connection_string(none, host, "", "admin");
  CHECK(full.find("sslmode='verify-full' gssencmode='disable'") != std::string::npos);
  CHECK(full.find("sslrootcert='" + system_root_certificates().value_or("?") + "'") != std::string::npos);
  for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca"}) {
    INFO(mode);
    CHECK_THROWS_WITH(connection_string(none, host + " sslmode=" + mode, "", "admin"),
                      Catch::Contains("sslmode=verify-full") && Catch::Contains(std::string("sslmode=") + mode));
    scoped_env m("PGSSLMODE", mode);  // libpq's environment counts as well
    CHECK_THROWS_WITH(connection_string(none, host, "", "admin"), Catch::Contains("sslmode=verify-full"));
  }
  // verify-full with the user's roots: kept
  const std::string own = connection_string(none, host + " sslmode=verify-full sslrootcert=/my/ca.pem", "", "admin");
  CHECK(own.find("sslrootcert='/my/ca.pem'") != std::string::npos);
  CHECK(own.find("sslrootcert='/etc") == std::string::npos);
  {
    scoped_env r("PGSSLROOTCERT", "/env/ca.pem");
    CHECK(connection_string(none, host, "", "admin").find("sslrootcert=") == std::string::npos);  // libpq reads it
  }
  // the one hole, named loudly, for tests
  token_options insecure;
  insecure.insecure_tls = true;
  const std::string hole = connection_string(insecure, host + " sslmode=require", "", "admin");
  CHECK(hole.find("sslmode='require'") != std::string::npos);
  CHECK(hole.find("verify-full") == std::string::npos);
  // without a token nothing is added
  CHECK(connection_string(none, "host=localhost user=admin sslmode=prefer", "", "admin") ==
        "host=localhost user=admin sslmode=prefer");
}

TEST_CASE("the command line's token options are checked before connecting", "[unit][iam_connect]") {
  using dsql::engine::cli::run;
  const auto usage = dsql::engine::cli::exit_usage;
  CHECK(run({"inspect", "--iam-token", "--expires-in", "soon"}, nullptr, "t") == usage);
  CHECK(run({"inspect", "--expires-in", "0"}, nullptr, "t") == usage);
  CHECK(run({"inspect", "--principal", "arn:aws:iam::123456789012:role/R", "--profile", "p"}, nullptr, "t") == usage);
  CHECK(run({"inspect", "--region"}, nullptr, "t") == usage);
  const std::string help = dsql::engine::cli::usage("dsqlctl", false);
  for (const char* opt : {"--iam-token", "--region R", "--expires-in S", "--profile P", "--principal ARN",
                          "--insecure-unverified-tls-for-tests"})
    CHECK(help.find(opt) != std::string::npos);
}
