// dsql::main<Spec>(argc, argv): a spec program becomes the engine's command line in one
// call (plan | apply | inspect | spec, the options of `dsqlctl plan`; see engine/cli.hpp).
//
//   int main(int argc, char** argv) { return dsql::main<my::spec>(argc, argv); }
//
// The spec is the DSL's run-time model (dsql::model_of<Spec>()) seen through the engine's
// adapter (dsql::engine::from_model); --account-id resolves the IAM principals' ARNs.
#pragma once

#include <dsql/model.hpp>

#include <string>
#include <vector>

#include "engine/cli.hpp"

namespace dsql {

template <cluster_spec Spec>
int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  std::string program = argc > 0 ? argv[0] : "spec";
  if (auto slash = program.rfind('/'); slash != std::string::npos) program.erase(0, slash + 1);
  return engine::cli::run(
      args, [](const std::string& account) { return engine::from_model(model_of<Spec>(), account); }, program);
}

}  // namespace dsql
