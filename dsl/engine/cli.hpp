// The engine's command line, shared by `dsqlctl plan|apply|inspect` (spec from --spec
// FILE, JSON) and by every spec program through dsql::main<Spec>(argc, argv) (spec
// built in; see engine/main.hpp).
//
//   plan    [--exit-code] [--prune] [--prune-undeclared]
//                                     the ordered change and the drift it does not remove,
//                                     text or JSON; --exit-code: 3 when anything the spec
//                                     manages differs (a CI drift gate)
//   apply   [--prune] [--prune-undeclared] [--set-passwords]
//                                     plan and execute, then inspect again (convergence)
//   inspect [--format cpp [--role R]... [--schema S]...]
//                                     the live state as the engine reads it
//   spec                              the spec as JSON (what `dsqlctl --spec` reads)
//   bootstrap --target T | revoke (--role R | --all) --target T [--drop] | policies |
//   policy --principal ARN | matrix   the DSL's static outputs of the spec
// Connection: --conninfo STR (libpq), else the PG* environment; or --dir DIR for a
// cluster made by `dsqlctl local up` (--user, default admin). --target aurora_dsql |
// postgres_local (default: postgres_local, aurora_dsql when the host is *.dsql.*).
// IAM token authentication (engine/iam_connect.hpp): --iam-token [--region R]
// [--expires-in S] [--profile P] [--principal ARN], automatic for a host
// <id>.dsql.<region>.on.aws without a password; with --dir over the cluster's TLS endpoint.
// --format text|json. Exit status: 0 ok, 1 error, 2 usage, 3 plan --exit-code with changes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"

namespace dsql::engine::cli {

inline constexpr int exit_ok = 0, exit_error = 1, exit_usage = 2, exit_changes = 3;

// plan, apply, inspect, spec, and the render commands
bool is_engine_command(std::string_view word) noexcept;
// bootstrap, revoke, policies, policy, matrix: the DSL's renderers on the spec
bool is_render_command(std::string_view word) noexcept;

// Builds the spec (the DSL's model).
using spec_factory = std::function<model::cluster()>;

// args: the words after the program name, starting with the command. With no factory
// the spec comes from --spec FILE. program: the name used in messages.
int run(const std::vector<std::string>& args, const spec_factory& factory, std::string_view program);

// Usage text of the engine commands.
std::string usage(std::string_view program, bool builtin_spec);

}  // namespace dsql::engine::cli
