// Token authentication costs (issue 6), Google Benchmark:
//   BM_sign                  dsql_token_generate (what dsqlctl token generate does)
//   BM_verify                dsql_token_parse + dsql_token_check + signature check: the
//                            auth hook's work on the token itself
//   BM_verify_with_state     the same plus what the hook does with the IAM state: open
//                            the sqlite file read-only, check its user_version, read
//                            the key, read and match the principal's policy rows, close
// The signer's rate is compared with botocore's (tests/sigv4/botocore_token.py bench N)
// by bench/tokens.sh, which prints the figures for RESULTS.md.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "iam/state.hpp"
#include "policy.h"
#include "sigv4.h"

namespace {

constexpr const char* host = "abc123.dsql.us-east-1.on.aws";
constexpr int64_t t0 = 1764410000;

std::string make_token(const char* akid, const char* secret) {
  dsql_sigv4_credentials c{akid, secret, nullptr};
  std::string out(DSQL_TOKEN_MAX_LEN + 1, '\0');
  const int n = dsql_token_generate(host, "us-east-1", DSQL_TOKEN_DB_CONNECT, t0, 900, &c, out.data(), out.size());
  if (n < 0) std::abort();
  out.resize(static_cast<size_t>(n));
  return out;
}

void BM_sign(benchmark::State& state) {
  dsql_sigv4_credentials c{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", nullptr};
  char out[DSQL_TOKEN_MAX_LEN + 1];
  int64_t now = t0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(now);
    const int n = dsql_token_generate(host, "us-east-1", DSQL_TOKEN_DB_CONNECT, now, 900, &c, out, sizeof out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_sign);

void BM_verify(benchmark::State& state) {
  const std::string tok = make_token("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  auto t = std::make_unique<dsql_token>();
  const dsql_token_expect e{host, "us-east-1", false, t0 + 10, 60};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tok.data());
    if (dsql_token_parse(tok.data(), tok.size(), t.get()) != DSQL_TOKEN_OK ||
        dsql_token_check(t.get(), &e) != DSQL_TOKEN_OK ||
        dsql_token_verify_signature(t.get(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") != DSQL_TOKEN_OK)
      state.SkipWithError("token refused");
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_verify);

void BM_verify_with_state(benchmark::State& state) {
  char dir[] = "/tmp/dsql-token-bench-XXXXXX";
  if (!mkdtemp(dir)) std::abort();
  const std::string file = std::string(dir) + "/iam.sqlite";
  std::string akid, secret;
  {
    dsql::aws::state st(file);
    const std::string arn = dsql::aws::principal_arn("AppReadOnlyRole", "role");
    st.create_principal(arn);
    st.put_policy(
        arn, "p",
        R"({"Statement":{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}})");
    const auto k = st.create_access_key(arn);
    akid = k.access_key_id;
    secret = k.secret_access_key;
  }
  const std::string tok = make_token(akid.c_str(), secret.c_str());
  auto t = std::make_unique<dsql_token>();
  auto work = std::make_unique<dsql_policy_work>();
  const dsql_token_expect e{host, "us-east-1", false, t0 + 10, 60};
  for (auto _ : state) {
    if (dsql_token_parse(tok.data(), tok.size(), t.get()) != DSQL_TOKEN_OK ||
        dsql_token_check(t.get(), &e) != DSQL_TOKEN_OK) {
      state.SkipWithError("token refused");
      break;
    }
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_busy_timeout(db, 200);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
    sqlite3_step(s);
    sqlite3_finalize(s);
    sqlite3_prepare_v2(db,
                       "SELECT k.secret_access_key, k.session_token, k.expires_at, p.arn, p.id FROM access_keys k "
                       "JOIN principals p ON p.id = k.principal_id WHERE k.access_key_id = ?1",
                       -1, &s, nullptr);
    sqlite3_bind_text(s, 1, t->access_key_id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) state.SkipWithError("no key");
    const std::string key_secret = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const std::string principal = reinterpret_cast<const char*>(sqlite3_column_text(s, 4));
    sqlite3_finalize(s);
    // the policy evaluation of the auth hook (extension/policy.c)
    dsql_policy_request r{};
    r.action = "dsql:DbConnect";
    r.resource_arn = "arn:aws:dsql:us-east-1:123456789012:cluster/local";
    r.principal_id = principal.c_str();
    r.principal_arn = "arn:aws:iam::123456789012:role/AppReadOnlyRole";
    r.access_key_id = t->access_key_id;
    r.region = "us-east-1";
    r.source_ip = "127.0.0.1";
    r.secure_transport = true;
    r.now = t0 + 10;
    char reason[1024];
    const int rows = dsql_policy_evaluate(db, &r, work.get(), reason, sizeof reason) == DSQL_POLICY_ALLOW;
    if (!rows) state.SkipWithError(reason);
    sqlite3_close(db);
    benchmark::DoNotOptimize(rows);
    if (dsql_token_verify_signature(t.get(), key_secret.c_str()) != DSQL_TOKEN_OK) state.SkipWithError("bad sig");
  }
  unlink(file.c_str());
  rmdir(dir);
}
BENCHMARK(BM_verify_with_state);

}  // namespace

BENCHMARK_MAIN();
