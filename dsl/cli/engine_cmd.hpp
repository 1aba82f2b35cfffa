// dsqlctl's engine commands (plan | apply | inspect), parsed and run by the engine's own
// command line (engine/cli.hpp); main.cpp only dispatches to them.
#pragma once

#include <string>
#include <vector>

namespace dsql::cli {

/// args (after argv[0]) start with plan, apply or inspect.
[[nodiscard]] bool is_engine_command(const std::vector<std::string>& args);
/// Runs it; returns the exit status (3: plan --exit-code with changes pending).
int run_engine_command(const std::vector<std::string>& args);

}  // namespace dsql::cli
