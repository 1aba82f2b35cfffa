// seed-spec: renders the seed scenario (seed.hpp) for psql, IAM and people: bootstrap,
// revoke (one role or all, optionally dropping), IAM policies (all or one), access matrix.
//
// Exit codes: 0 ok, 1 error (e.g. a bad account id), 2 usage. Output goes to stdout.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/main.hpp"
#include "seed.hpp"

namespace {

constexpr std::string_view default_account = "123456789012";

constexpr std::string_view usage_text =
    "usage: seed-spec <command> [options]\n"
    "\n"
    "Renders the seed scenario declared in dsl/examples/seed.hpp.\n"
    "\n"
    "commands:\n"
    "  bootstrap --target T [--account-id ID]\n"
    "      idempotent psql script: roles, memberships, schemas, schema privileges, table\n"
    "      privileges, revokes from PUBLIC, default privileges (postgres_local; aurora_dsql\n"
    "      re-runs the script after migrations instead), IAM mappings (AWS IAM GRANT for\n"
    "      aurora_dsql, CALL sys.aws_iam_grant for postgres_local)\n"
    "  revoke (--role ROLE | --all) --target T [--drop] [--account-id ID]\n"
    "      idempotent offboarding script for one role or every role: REVOKE ALL ON ALL\n"
    "      TABLES IN SCHEMA, REVOKE USAGE, CREATE ON SCHEMA, then the IAM mapping; with\n"
    "      --drop, then REASSIGN OWNED, DROP OWNED and DROP ROLE\n"
    "  policies [--account-id ID] [--region R] [--cluster-id ID]\n"
    "      IAM policy JSON per principal (dsql:DbConnect for mapped principals,\n"
    "      dsql:DbConnectAdmin for the admin identity), keyed by principal ARN\n"
    "  policy --principal ARN [--account-id ID] [--region R] [--cluster-id ID]\n"
    "      the IAM policy document of one principal (for aws iam put-role-policy)\n"
    "  matrix [--account-id ID]\n"
    "      the access table in Markdown: component, role, IAM principal, IAM action,\n"
    "      privileges, schemas\n"
    "  plan | apply | inspect | spec [options]\n"
    "      the plan/apply engine on a live database (dsql::main; `seed-spec plan --help`)\n"
    "\n"
    "options:\n"
    "  --target T        aurora_dsql or postgres_local (required for bootstrap and revoke)\n"
    "  --account-id ID   the 12-digit AWS account of the IAM principals; default\n"
    "                    123456789012 (AWS's documentation account, used by the local\n"
    "                    emulation), with a note on stderr\n"
    "  --region R        region of the policies' Resource ARN; default * (any)\n"
    "  --cluster-id ID   cluster id of the policies' Resource ARN; default * (any)\n"
    "  --role ROLE       the role to offboard: app_readonly, app_readwrite, user_service or\n"
    "                    reporting_readonly\n"
    "  --all             offboard every role of the spec, in declaration order\n"
    "  --principal ARN   the principal whose policy to print\n"
    "  --drop            drop the offboarded roles at the end\n"
    "  -h, --help        this text\n"
    "\n"
    "exit codes: 0 ok, 1 error, 2 usage\n";

struct usage_error {
  std::string message;
};

struct arguments {
  std::string command;
  std::optional<dsql::target> target;
  std::optional<std::string> account_id, region, cluster_id, role, principal;
  bool help = false;
  bool all = false;
  bool drop = false;
};

arguments parse(const std::vector<std::string_view>& args) {
  arguments a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto value = [&](std::string_view option) -> std::string {
      if (i + 1 >= args.size()) throw usage_error{std::string(option) + " needs a value"};
      return std::string(args[++i]);
    };
    if (arg == "-h" || arg == "--help" || arg == "help") {
      a.help = true;
    } else if (arg == "--target") {
      const std::string v = value(arg);
      a.target = dsql::parse_target(v);
      if (!a.target) throw usage_error{"--target must be aurora_dsql or postgres_local, not '" + v + "'"};
    } else if (arg == "--account-id") {
      a.account_id = value(arg);
    } else if (arg == "--region") {
      a.region = value(arg);
    } else if (arg == "--cluster-id") {
      a.cluster_id = value(arg);
    } else if (arg == "--role") {
      a.role = value(arg);
    } else if (arg == "--principal") {
      a.principal = value(arg);
    } else if (arg == "--all") {
      a.all = true;
    } else if (arg == "--drop") {
      a.drop = true;
    } else if (arg.starts_with("-")) {
      throw usage_error{"unknown option " + std::string(arg)};
    } else if (a.command.empty()) {
      a.command = std::string(arg);
    } else {
      throw usage_error{"unexpected argument " + std::string(arg)};
    }
  }
  return a;
}

void allow_only(const arguments& a, bool target, bool role, bool region) {
  if (!target && a.target) throw usage_error{"--target does not apply to " + a.command};
  if (!role && (a.role || a.all || a.drop)) throw usage_error{"--role, --all and --drop apply to revoke only"};
  if (!region && (a.region || a.cluster_id))
    throw usage_error{"--region and --cluster-id apply to policies only"};
}

dsql::render_options options(const arguments& a) {
  dsql::render_options o;
  if (a.account_id) {
    o.account_id = *a.account_id;
  } else {
    o.account_id = std::string(default_account);
    std::cerr << "seed-spec: no --account-id, using " << default_account << "\n";
  }
  if (a.region) o.region = *a.region;
  if (a.cluster_id) o.cluster_id = *a.cluster_id;
  return o;
}

std::string run(const arguments& a) {
  if (a.command == "bootstrap") {
    allow_only(a, true, false, false);
    if (!a.target) throw usage_error{"bootstrap needs --target aurora_dsql|postgres_local"};
    // The target-templated renderer: the seed is checked against both targets' rules
    // at compile time (no password on aurora_dsql, at most 10 schemas, ...).
    if (*a.target == dsql::target::aurora_dsql)
      return dsql::render_bootstrap<seed::spec, dsql::target::aurora_dsql>(options(a));
    return dsql::render_bootstrap<seed::spec, dsql::target::postgres_local>(options(a));
  }
  if (a.command == "revoke") {
    allow_only(a, true, true, false);
    if (!a.role == !a.all) throw usage_error{"revoke needs --role ROLE or --all"};
    if (!a.target) throw usage_error{"revoke needs --target aurora_dsql|postgres_local"};
    const dsql::revoke_options ro{.drop = a.drop};
    if (a.all) return dsql::render_revoke_all<seed::spec>(*a.target, options(a), ro);
    return dsql::render_revoke<seed::spec>(*a.role, *a.target, options(a), ro);
  }
  if (a.command == "policies") {
    allow_only(a, false, false, true);
    return dsql::render_policies<seed::spec>(options(a));
  }
  if (a.command == "policy") {
    allow_only(a, false, false, true);
    if (!a.principal) throw usage_error{"policy needs --principal ARN"};
    return dsql::render_policy(dsql::model_of<seed::spec>(), *a.principal, options(a));
  }
  if (a.principal) throw usage_error{"--principal applies to policy only"};
  if (a.command == "matrix") {
    allow_only(a, false, false, false);
    dsql::render_options o;
    if (a.account_id) o.account_id = *a.account_id;
    return dsql::render_matrix<seed::spec>(o);
  }
  if (a.command.empty()) throw usage_error{"a command is needed"};
  throw usage_error{"unknown command " + a.command};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && dsql::engine::cli::is_engine_command(argv[1])) return dsql::main<seed::spec>(argc, argv);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  try {
    const arguments a = parse(args);
    if (a.help) {
      std::cout << usage_text;
      return 0;
    }
    std::cout << run(a);
    std::cout.flush();
    return std::cout ? 0 : 1;
  } catch (const usage_error& e) {
    std::cerr << "seed-spec: " << e.message << "\n" << usage_text;
    return 2;
  } catch (const dsql::error& e) {
    std::cerr << "seed-spec: " << e.what() << "\n";
    return 1;
  }
}
