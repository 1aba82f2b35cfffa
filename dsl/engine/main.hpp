// dsql::main<Spec>(argc, argv): a spec program becomes the engine's command line in one
// call (plan | apply | inspect | spec, the options of `dsqlctl plan`; see engine/cli.hpp).
//
//   int main(int argc, char** argv) { return dsql::main<my::spec>(argc, argv); }
//
// The spec is the DSL's run-time model, dsql::model_of<Spec>(), planned as it is (the one
// spec model); --account-id gives the IAM principals' account when the spec binds none.
#pragma once

#include <dsql/model.hpp>
#include <dsql/validate.hpp>

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
      args, [] { return model_of<Spec>(); }, program);
}

}  // namespace dsql
