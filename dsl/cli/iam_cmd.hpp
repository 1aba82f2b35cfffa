// dsqlctl iam …, dsqlctl token … and dsqlctl sts serve: the local IAM state, token
// signing and the local STS. Kept out
// of args.cpp/main.cpp (main dispatches here when argv[1] is "iam", "token" or "sts").
#pragma once

#include <string>
#include <vector>

namespace dsql::cli {

/// True when args (after argv[0]) name a command handled here.
[[nodiscard]] bool is_iam_command(const std::vector<std::string>& args);

/// Runs it; returns the exit status (0 ok, 1 error, 2 usage).
int run_iam_command(const std::vector<std::string>& args);

}  // namespace dsql::cli
