// dsqlctl plan | apply | inspect: the engine's command line with the spec read from
// --spec FILE (JSON, as `seed-spec spec` prints it). Dispatched from main.cpp.
#include "cli/engine_cmd.hpp"

#include "engine/cli.hpp"

namespace dsql::cli {

bool is_engine_command(const std::vector<std::string>& args) {
  return !args.empty() && args[0] != "spec" && dsql::engine::cli::is_engine_command(args[0]);
}

int run_engine_command(const std::vector<std::string>& args) {
  return dsql::engine::cli::run(args, nullptr, "dsqlctl");
}

}  // namespace dsql::cli
