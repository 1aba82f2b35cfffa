// dsqlctl iam … and dsqlctl token …: the local IAM state and token signing. Kept out
// of args.cpp/main.cpp (main dispatches here when argv[1] is "iam" or "token").
#pragma once

#include <string>
#include <vector>

namespace dsql::cli {

/// True when args (after argv[0]) name a command handled here.
[[nodiscard]] bool is_iam_command(const std::vector<std::string>& args);

/// Runs it; returns the exit status (0 ok, 1 error, 2 usage).
int run_iam_command(const std::vector<std::string>& args);

}  // namespace dsql::cli
