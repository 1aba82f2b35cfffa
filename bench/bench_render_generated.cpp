// Run-time rendering of the generated 1,000-grant spec (bench/gen_spec.cmake, N=1000):
// model_of, bootstrap for both targets (from the spec, which includes model_of, and from
// a model built once), revoke of every role, policies, matrix.
// Run: build/bench/bench_render_generated; the target: bootstrap <= 1 ms.
#include <benchmark/benchmark.h>

#include <dsql/roles.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "spec_1000.hpp"

namespace {

using spec = gen1000::spec;

void bm_model_of_1000(benchmark::State& state) {
  for (auto _ : state) {
    dsql::model::cluster m = dsql::model_of<spec>();
    benchmark::DoNotOptimize(m);
  }
  state.counters["grants"] = static_cast<double>(dsql::model_of<spec>().grants.size());
}
BENCHMARK(bm_model_of_1000)->Unit(benchmark::kMicrosecond);

void bm_render_bootstrap_1000(benchmark::State& state) {
  dsql::target target = state.range(0) == 0 ? dsql::target::aurora_dsql : dsql::target::postgres_local;
  std::size_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(target);
    std::string sql = dsql::render_bootstrap<spec>(target);
    bytes += sql.size();
    benchmark::DoNotOptimize(sql);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(dsql::to_string(target).data());
}
BENCHMARK(bm_render_bootstrap_1000)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void bm_render_bootstrap_1000_from_model(benchmark::State& state) {
  const dsql::model::cluster model = dsql::model_of<spec>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&model);
    std::string sql = dsql::render_bootstrap(model, dsql::target::aurora_dsql);
    benchmark::DoNotOptimize(sql);
  }
}
BENCHMARK(bm_render_bootstrap_1000_from_model)->Unit(benchmark::kMicrosecond);

void bm_validate_1000(benchmark::State& state) {
  const dsql::model::cluster model = dsql::model_of<spec>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&model);
    dsql::validate_for(model, dsql::target::aurora_dsql);
  }
}
BENCHMARK(bm_validate_1000)->Unit(benchmark::kMicrosecond);

void bm_render_revoke_all_1000(benchmark::State& state) {
  for (auto _ : state) {
    std::string sql = dsql::render_revoke_all<spec>(dsql::target::aurora_dsql, {}, {.drop = true});
    benchmark::DoNotOptimize(sql);
  }
}
BENCHMARK(bm_render_revoke_all_1000)->Unit(benchmark::kMicrosecond);

void bm_render_policies_1000(benchmark::State& state) {
  for (auto _ : state) {
    std::string json = dsql::render_policies<spec>();
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(bm_render_policies_1000)->Unit(benchmark::kMicrosecond);

void bm_render_matrix_1000(benchmark::State& state) {
  for (auto _ : state) {
    std::string md = dsql::render_matrix<spec>();
    benchmark::DoNotOptimize(md);
  }
}
BENCHMARK(bm_render_matrix_1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
