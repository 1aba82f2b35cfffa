// client_bench: the application side's figures (issue 12), Google Benchmark over a
// throwaway local cluster (dsql::local, TLS verify-full on 127.0.0.1):
//
//   BM_pool_checkout             acquire + release of a warm dsql::pool (target: median <= 5 us)
//   BM_pool_checkout_under_refresh   the same while the credentials cache refreshes
//                                in the background from a source that takes 200 ms per
//                                fetch; p50/p99 in the counters (refresh never blocks)
//   BM_pool_new_connection       acquire + discard: a new connection through the pool,
//                                its own DbConnect token, dsql_iam's token check
//   BM_pool_new_connection_under_refresh   the same during such refreshes (p50/p99)
//   BM_libpq_scram / BM_libpq_password     a bare libpq connection (same TLS settings)
//                                with a static password: scram-sha-256, and the
//                                cleartext `password` method against an md5 verifier
//   BM_token_sign                what the pool adds per connection on our side: the
//                                cached credentials and the token's signature (target:
//                                <= 2 % of a new connection)
//
// usage: client_bench [Google Benchmark flags]   (needs make setup: dsql_iam installed)
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <dsql/client.hpp>

#include <algorithm>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "iam/credentials.hpp"
#include "iam/state.hpp"
#include "iam/token.hpp"
#include "local/cluster.hpp"

namespace {

using namespace std::chrono_literals;

using app_rw = dsql::role<"app_rw", dsql::login>;
using spec = dsql::cluster<"bench", dsql::roles<app_rw>, dsql::iam<dsql::iam_grant<app_rw, dsql::iam_role<"AppRole">>>,
                           dsql::aws_account<"123456789012">>;
constexpr const char* app_arn = "arn:aws:iam::123456789012:role/AppRole";

struct bench_cluster {
  std::filesystem::path dir;
  dsql::local::cluster_info info;
  dsql::aws::access_key key;

  bench_cluster() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dsql-client-bench.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    info = dsql::local::up({dir, 0, true});
    dsql::aws::state st(info.iam_state);
    st.create_principal(app_arn);
    st.put_policy(
        app_arn, "dsql-connect",
        R"({"Statement":[{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}]})");
    key = st.create_access_key(app_arn);
    su("CREATE ROLE app_rw LOGIN");
    su(std::string("CALL sys.aws_iam_grant('app_rw', '") + app_arn + "')", "admin");
    su("CREATE ROLE bench_scram LOGIN PASSWORD 'bench-scram-password'");
    su("SET password_encryption = 'md5'; CREATE ROLE bench_plain LOGIN PASSWORD 'bench-plain-password'");
    // static-password lines for the two baseline roles, before the trust line dsql_iam takes over
    const auto hba = info.data_dir / "pg_hba.conf";
    std::stringstream old;
    old << std::ifstream(hba).rdbuf();
    std::ofstream(hba, std::ios::trunc) << "hostssl all bench_scram 127.0.0.1/32 scram-sha-256\n"
                                        << "hostssl all bench_plain 127.0.0.1/32 password\n"
                                        << old.str();
    su("SELECT pg_reload_conf()");
    std::this_thread::sleep_for(500ms);
  }
  ~bench_cluster() {
    try {
      dsql::local::down(dir);
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove(dir, ec);
  }
  void su(const std::string& sql, const std::string& user = "postgres") const {
    pqxx::connection c(info.conninfo(user));
    pqxx::nontransaction n(c);
    n.exec(sql);
  }
  dsql::client::endpoint endpoint() const {
    return {info.endpoint, static_cast<std::uint16_t>(info.port), "postgres", std::string("127.0.0.1")};
  }
  dsql::client::connect_options options(std::shared_ptr<dsql::aws::credentials_cache> creds = nullptr) const {
    dsql::client::connect_options o;
    o.credentials = creds ? creds
                          : std::make_shared<dsql::aws::credentials_cache>(dsql::aws::static_provider(
                                {key.access_key_id, key.secret_access_key, std::nullopt, "local IAM state"}));
    o.region = info.region;
    o.sslrootcert = info.ca_file;
    return o;
  }
  std::string static_conninfo(const std::string& user, const std::string& password) const {
    return "host=" + info.endpoint + " hostaddr=127.0.0.1 port=" + std::to_string(info.port) +
           " dbname=postgres user=" + user + " password=" + password +
           " sslmode=verify-full sslsni=1 ssl_min_protocol_version=TLSv1.2 sslrootcert=" + info.ca_file.string();
  }
};

bench_cluster* cluster = nullptr;

// The local key, fetched slowly (200 ms) and always due for a refresh (expires in
// 100 s, refresh_before 300 s): a background refresh is running nearly all the time.
class slow_source : public dsql::aws::credentials_provider {
 public:
  explicit slow_source(dsql::aws::access_key k) : k_(std::move(k)) {}
  std::optional<dsql::aws::credentials> fetch(std::string*) override {
    std::this_thread::sleep_for(200ms);
    dsql::aws::credentials c{k_.access_key_id, k_.secret_access_key, std::nullopt, "slow"};
    c.expiration = std::chrono::system_clock::now() + 100s;
    return c;
  }
  std::string name() const override { return "slow"; }

 private:
  dsql::aws::access_key k_;
};

void percentiles(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  state.counters["max_us"] = us.back();
}

void BM_pool_checkout(benchmark::State& state) {
  dsql::pool<spec, app_rw> pool(cluster->endpoint(), cluster->options(), {4, 55min, 10min, 5000ms});
  { auto warm = pool.acquire(); }
  for (auto _ : state) {
    auto l = pool.acquire();
    benchmark::DoNotOptimize(l.get());
  }
  state.counters["opened"] = static_cast<double>(pool.stats().opened);
}
BENCHMARK(BM_pool_checkout)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_pool_checkout_under_refresh(benchmark::State& state) {
  auto creds = std::make_shared<dsql::aws::credentials_cache>(std::make_shared<slow_source>(cluster->key),
                                                              dsql::aws::cache_options{300s, 15s, 0s});
  dsql::pool<spec, app_rw> pool(cluster->endpoint(), cluster->options(creds), {4, 55min, 10min, 5000ms});
  { auto warm = pool.acquire(); }
  std::atomic<bool> stop{false};
  std::thread refresher([&] {  // keeps a background refresh going
    while (!stop) {
      (void)creds->get();
      std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<double> us;
  us.reserve(1 << 20);
  for (auto _ : state) {
    const auto t = std::chrono::steady_clock::now();
    auto l = pool.acquire();
    benchmark::DoNotOptimize(l.get());
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t).count());
  }
  stop = true;
  refresher.join();
  percentiles(state, us);
  state.counters["refreshes"] = static_cast<double>(creds->fetches());
}
BENCHMARK(BM_pool_checkout_under_refresh)->MinTime(3.0);

void BM_pool_new_connection(benchmark::State& state) {
  dsql::pool<spec, app_rw> pool(cluster->endpoint(), cluster->options(), {4, 55min, 10min, 5000ms});
  for (auto _ : state) {
    auto l = pool.acquire();
    l.discard();
  }
}
BENCHMARK(BM_pool_new_connection)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_pool_new_connection_under_refresh(benchmark::State& state) {
  auto creds = std::make_shared<dsql::aws::credentials_cache>(std::make_shared<slow_source>(cluster->key),
                                                              dsql::aws::cache_options{300s, 15s, 0s});
  (void)creds->get();  // warm: the one cold fetch
  dsql::pool<spec, app_rw> pool(cluster->endpoint(), cluster->options(creds), {4, 55min, 10min, 5000ms});
  std::vector<double> us;
  for (auto _ : state) {
    const auto t = std::chrono::steady_clock::now();
    auto l = pool.acquire();  // every get() finds the credentials due and a refresh running or started
    l.discard();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t).count());
  }
  percentiles(state, us);
  state.counters["refreshes"] = static_cast<double>(creds->fetches());
}
BENCHMARK(BM_pool_new_connection_under_refresh)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void libpq_connect(benchmark::State& state, const std::string& info) {
  for (auto _ : state) {
    PGconn* c = PQconnectdb(info.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      state.SkipWithError(PQerrorMessage(c));
      PQfinish(c);
      break;
    }
    PQfinish(c);
  }
}
void BM_libpq_scram(benchmark::State& state) {
  libpq_connect(state, cluster->static_conninfo("bench_scram", "bench-scram-password"));
}
BENCHMARK(BM_libpq_scram)->Unit(benchmark::kMillisecond)->MinTime(3.0);
void BM_libpq_password(benchmark::State& state) {
  libpq_connect(state, cluster->static_conninfo("bench_plain", "bench-plain-password"));
}
BENCHMARK(BM_libpq_password)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_token_sign(benchmark::State& state) {
  const auto opts = cluster->options();
  (void)opts.credentials->get();
  for (auto _ : state) {
    const auto creds = opts.credentials->get();
    auto t = dsql::aws::generate_token({"localhost", "us-east-1", false, 900}, *creds);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_token_sign)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench_cluster c;
  cluster = &c;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
