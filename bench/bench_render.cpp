// Rendering the seed (dsl/examples/seed.hpp): model, bootstrap, revoke, policies.
// Run: build-dsl/bench/bench_render; record figures in bench/RESULTS.md with the command.
#include <benchmark/benchmark.h>

#include <dsql/roles.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "../dsl/examples/seed.hpp"

namespace {

void bm_model_of_seed(benchmark::State& state) {
  for (auto _ : state) {
    dsql::model::cluster m = dsql::model_of<seed::spec>();
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(bm_model_of_seed);

void bm_render_seed_bootstrap(benchmark::State& state) {
  dsql::target target = state.range(0) == 0 ? dsql::target::aurora_dsql : dsql::target::postgres_local;
  dsql::render_options options{.account_id = "123456789012"};
  std::size_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(target);
    benchmark::DoNotOptimize(options);
    std::string sql = dsql::render_bootstrap<seed::spec>(target, options);
    bytes += sql.size();
    benchmark::DoNotOptimize(sql);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(dsql::to_string(target).data());
}
BENCHMARK(bm_render_seed_bootstrap)->Arg(0)->Arg(1);

void bm_render_seed_bootstrap_from_model(benchmark::State& state) {
  const dsql::model::cluster model = dsql::model_of<seed::spec>();
  dsql::render_options options{.account_id = "123456789012"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(&model);
    benchmark::DoNotOptimize(options);
    std::string sql = dsql::render_bootstrap(model, dsql::target::aurora_dsql, options);
    benchmark::DoNotOptimize(sql);
  }
}
BENCHMARK(bm_render_seed_bootstrap_from_model);

void bm_render_seed_revoke(benchmark::State& state) {
  dsql::render_options options{.account_id = "123456789012"};
  std::string role = "user_service";
  for (auto _ : state) {
    benchmark::DoNotOptimize(role);
    std::string sql = dsql::render_revoke<seed::spec>(role, dsql::target::aurora_dsql, options);
    benchmark::DoNotOptimize(sql);
  }
}
BENCHMARK(bm_render_seed_revoke);

void bm_render_seed_policies(benchmark::State& state) {
  dsql::render_options options{.account_id = "123456789012", .region = "us-east-1"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(options);
    std::string json = dsql::render_policies<seed::spec>(options);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(bm_render_seed_policies);

}  // namespace

BENCHMARK_MAIN();
