#include "engine/cli.hpp"

#include <unistd.h>

#include <pqxx/pqxx>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include <dsql/render.hpp>
#include <dsql/validate.hpp>

#include "engine/iam_connect.hpp"
#include "engine/model_json.hpp"

namespace dsql::engine::cli {

bool is_engine_command(std::string_view w) noexcept {
  return w == "plan" || w == "apply" || w == "inspect" || w == "spec" || is_render_command(w);
}

bool is_render_command(std::string_view w) noexcept {
  return w == "bootstrap" || w == "revoke" || w == "policies" || w == "policy" || w == "matrix";
}

std::string usage(std::string_view program, bool builtin) {
  const std::string p(program);
  std::string spec_opt = builtin ? "" : " --spec FILE";
  return "usage: " + p + " plan" + spec_opt +
         " [connection] [--target T] [--format text|json] [--prune] [--prune-undeclared] [--exit-code]\n" + "       " +
         p + " apply" + spec_opt +
         " [connection] [--target T] [--format text|json] [--prune] [--prune-undeclared] [--set-passwords]\n" +
         "       " + p + " inspect [connection] [--target T] [--format text|json|cpp [--role R]... [--schema S]...]\n" +
         (builtin ? "       " + p + " spec [--account-id ID]\n" : std::string()) + "       " + p + " bootstrap" +
         spec_opt + " --target T [--account-id ID]\n" + "       " + p + " revoke" + spec_opt +
         " (--role ROLE | --all) --target T [--drop] [--account-id ID]\n" + "       " + p + " policies" + spec_opt +
         " [--account-id ID] [--region R] [--cluster-id ID]\n" + "       " + p + " policy" + spec_opt +
         " --principal ARN [--account-id ID] [--region R] [--cluster-id ID]\n" + "       " + p + " matrix" + spec_opt +
         " [--account-id ID]\n" +
         "  plan      the ordered change from the live database to the spec, and the drift it does\n"
         "            not remove (nothing is changed)\n"
         "  apply     plan, execute, inspect again; fails when the database did not converge\n"
         "  inspect   the live roles, memberships, privileges, default privileges, IAM mappings;\n"
         "            --format cpp writes them as DSL code (namespace adopted) to adopt an existing\n"
         "            database, with its tables as a dsql::catalog for dsql::statement; --role R /\n"
         "            --schema S (repeatable) adopt only those\n" +
         (builtin ? "  spec      the spec as JSON (input of dsqlctl plan --spec)\n" : "") +
         "  bootstrap the idempotent psql script for the target (dsql::render_bootstrap): run it with psql,\n"
         "            or with `dsqlctl sql` on a local cluster\n"
         "  revoke    the offboarding script of one role or of all (with --drop: REASSIGN OWNED, DROP OWNED,\n"
         "            DROP ROLE)\n"
         "  policies  the IAM policy of every principal (JSON, ARN -> document); policy: one principal's;\n"
         "            their Resource is the cluster: --region R --cluster-id ID (unless the spec binds them;\n"
         "            \"*\" for any, with a note)\n"
         "  matrix    the access matrix in Markdown\n" +
         "connection: --conninfo STR (libpq), else the PG* environment variables;\n"
         "            or --dir DIR [--user USER]: a cluster made by `dsqlctl local up` (user admin)\n"
         "  --iam-token        connect with an Aurora DSQL IAM token as the password, as DSQL's\n"
         "                     connectors do: DbConnectAdmin for user admin, else DbConnect, signed\n"
         "                     for the host (no port); automatic when the host is\n"
         "                     <id>.dsql.<region>.on.aws and no password is given (conninfo, PGPASSWORD).\n"
         "                     With --dir: the cluster's front door (127.0.0.1) under its name\n"
         "                     <id>.dsql.<region>.on.aws. The token is never printed, and sent only\n"
         "                     over sslmode=verify-full (system roots; a local cluster's own CA).\n"
         "                     Each option below implies it:\n"
         "  --region R         signing region (default: the host's, else AWS_REGION, AWS_DEFAULT_REGION)\n"
         "  --expires-in S     token lifetime in seconds (default 900)\n"
         "  --profile P        the profile of ~/.aws/credentials (default: AWS_ACCESS_KEY_ID and\n"
         "                     AWS_SECRET_ACCESS_KEY, else AWS_PROFILE, else default)\n"
         "  --principal ARN    sign with the key of this IAM principal in the local IAM state\n"
         "                     (--dir's iam.sqlite, else $DSQL_IAM_STATE), as `dsqlctl token generate`\n"
         "  --insecure-unverified-tls-for-tests\n"
         "                     keep the conninfo's sslmode even if it does not verify the server:\n"
         "                     a token could go to an impostor. Tests only, never a real cluster\n"
         "  --spec FILE        the spec as JSON (- for standard input)\n"
         "  --target T         aurora_dsql or postgres_local (default: aurora_dsql when the host\n"
         "                     name contains .dsql. or the server is a local cluster in strict\n"
         "                     mode, else postgres_local)\n"
         "  --format F         text (default) or json\n"
         "  --prune            also revoke what declared roles hold beyond the spec, and what\n"
         "                     any declared role or PUBLIC holds on a sensitive schema it is not listed on\n"
         "  --prune-undeclared also revoke what undeclared roles hold on managed objects (the\n"
         "                     declared schemas and what is in them)\n"
         "  --set-passwords    apply: set the password of every role declared with\n"
         "                     password_from_env (postgres_local; a password cannot be compared)\n"
         "  --exit-code        plan: exit 3 when anything the spec manages differs (steps\n"
         "                     pending or drift reported)\n"
         "  --account-id ID    AWS account of the spec's IAM principals when the spec binds none\n"
         "                     (default 123456789012)\n"
         "exit status: 0 ok, 1 error, 2 usage, 3 drift (plan --exit-code)\n";
}

namespace {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct options {
  std::string command;
  // render commands
  std::optional<std::string> role, region, cluster_id, principal_arn;
  bool all = false, drop = false, account_given = false;
  std::string spec_file, conninfo, dir, user = "admin", format = "text", account_id = "123456789012";
  std::optional<target> on;
  bool exit_code = false, have_conninfo = false;
  diff_options diff;
  cpp_filter filter;
  iam_connect::token_options token;
};

std::int64_t seconds_of(const std::string& arg, const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  throw usage_error(arg + " must be a positive number of seconds, not '" + v + "'");
}

options parse(const std::vector<std::string>& a, bool builtin) {
  options o;
  o.command = a.at(0);
  for (std::size_t i = 1; i < a.size(); ++i) {
    std::string arg = a[i], value;
    bool inline_value = false;
    if (arg.rfind("--", 0) == 0)
      if (auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
        inline_value = true;
      }
    auto take = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= a.size()) throw usage_error(arg + " needs a value");
      return a[++i];
    };
    if (arg == "--spec" && !builtin)
      o.spec_file = take();
    else if (arg == "--conninfo" || arg == "-d") {
      o.conninfo = take();
      o.have_conninfo = true;
    } else if (arg == "--dir")
      o.dir = take();
    else if (arg == "--user" || arg == "-U")
      o.user = take();
    else if (arg == "--format") {
      o.format = take();
      if (o.format != "text" && o.format != "json" && !(o.format == "cpp" && o.command == "inspect"))
        throw usage_error("--format must be text or json (or cpp for inspect)");
    } else if (arg == "--target") {
      const std::string t = take();
      o.on = parse_target(t);
      if (!o.on) throw usage_error("--target must be aurora_dsql or postgres_local, not '" + t + "'");
    } else if (arg == "--account-id") {
      o.account_id = take();
      o.account_given = true;
    } else if (is_render_command(o.command)) {
      if (arg == "--role" && o.command == "revoke")
        o.role = take();
      else if (arg == "--all" && o.command == "revoke")
        o.all = true;
      else if (arg == "--drop" && o.command == "revoke")
        o.drop = true;
      else if (arg == "--region" && (o.command == "policies" || o.command == "policy"))
        o.region = take();
      else if (arg == "--cluster-id" && (o.command == "policies" || o.command == "policy"))
        o.cluster_id = take();
      else if (arg == "--principal" && o.command == "policy")
        o.principal_arn = take();
      else if (arg == "--help" || arg == "-h")
        o.command = "help";
      else
        throw usage_error("unknown option or argument " + arg + " for " + o.command);
    } else if (arg == "--iam-token" || arg == "--region" || arg == "--profile" || arg == "--principal" ||
               arg == "--expires-in" || arg == "--insecure-unverified-tls-for-tests") {
      o.token.requested = true;  // each token option asks for token authentication
      if (arg == "--insecure-unverified-tls-for-tests") o.token.insecure_tls = true;
      if (arg == "--region")
        o.token.region = take();
      else if (arg == "--profile")
        o.token.profile = take();
      else if (arg == "--principal")
        o.token.principal = take();
      else if (arg == "--expires-in")
        o.token.expires_in = seconds_of(arg, take());
    } else if (arg == "--prune" && (o.command == "plan" || o.command == "apply"))
      o.diff.prune = true;
    else if (arg == "--prune-undeclared" && (o.command == "plan" || o.command == "apply"))
      o.diff.prune_undeclared = true;
    else if (arg == "--set-passwords" && o.command == "apply")
      o.diff.set_passwords = true;
    else if (arg == "--role" && o.command == "inspect")
      o.filter.roles.push_back(take());
    else if (arg == "--schema" && o.command == "inspect")
      o.filter.schemas.push_back(take());
    else if (arg == "--exit-code" && o.command == "plan")
      o.exit_code = true;
    else if (arg == "--help" || arg == "-h")
      o.command = "help";
    else
      throw usage_error("unknown option or argument " + arg);
  }
  if (o.have_conninfo && !o.dir.empty()) throw usage_error("give --conninfo or --dir, not both");
  if (o.token.principal && o.token.profile) throw usage_error("--principal and --profile exclude each other");
  if (!builtin && o.spec_file.empty() && o.command != "inspect" && o.command != "help")
    throw usage_error(o.command + " needs --spec FILE (a spec as JSON, e.g. from `seed-spec spec`)");
  if ((o.command == "bootstrap" || o.command == "revoke") && !o.on)
    throw usage_error(o.command + " needs --target aurora_dsql|postgres_local");
  if (o.command == "revoke" && !o.role == !o.all) throw usage_error("revoke needs --role ROLE or --all");
  if (o.command == "policy" && !o.principal_arn) throw usage_error("policy needs --principal ARN");
  return o;
}

std::string read_file(const std::string& f) {
  if (f == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(f, std::ios::binary);
  if (!in) throw engine_error("cannot read " + f + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The conninfo (empty: libpq reads the PG* variables), or the local cluster's; with a
// DSQL token as the password when one is asked for or the host is Aurora DSQL's.
std::string conninfo_of(const options& o) { return iam_connect::connection_string(o.token, o.conninfo, o.dir, o.user); }

// The spec with the principals' account: the spec's own, else --account-id.
model::cluster spec_of(const options& o, const spec_factory& factory) {
  model::cluster s = factory ? factory() : model_from_json(read_file(o.spec_file));
  if (s.account_id.empty()) s.account_id = o.account_id;
  return s;
}

// The static outputs of the spec (the DSL's renderers), for people and for psql.
std::string render(const options& o, const model::cluster& s, std::string_view program) {
  dsql::render_options ro;
  ro.account_id = s.account_id;
  if (!o.account_given && o.command != "matrix" && !s.mappings.empty())
    std::cerr << program << ": no --account-id, using " << o.account_id << " for the IAM principals\n";
  if (o.region) ro.region = *o.region;
  if (o.cluster_id) ro.cluster_id = *o.cluster_id;
  if (o.command == "bootstrap") return dsql::render_bootstrap(s, *o.on, ro);
  if (o.command == "revoke") {
    const dsql::revoke_options rv{.drop = o.drop};
    return o.all ? dsql::render_revoke_all(s, *o.on, ro, rv) : dsql::render_revoke(s, *o.role, *o.on, ro, rv);
  }
  if ((o.command == "policies" || o.command == "policy") && (ro.region == "*" || ro.cluster_id == "*"))
    std::cerr << program << ": note: the policies allow dsql:DbConnect" << (ro.region == "*" ? " in every region" : "")
              << (ro.cluster_id == "*" ? " on every cluster" : "")
              << " of the account (\"*\"): least privilege names the cluster (--region R --cluster-id ID)\n";
  if (o.command == "policies") return dsql::render_policies(s, ro);
  if (o.command == "policy") return dsql::render_policy(s, *o.principal_arn, ro);
  return dsql::render_matrix(s, ro);
}

// --target, else aurora_dsql for a DSQL endpoint (the host name holds ".dsql.") and for
// a local cluster in strict mode (dsql_iam.strict = on: it refuses what DSQL refuses, so
// the plan must be DSQL's), else postgres_local.
target target_of(const options& o, pqxx::connection& c) {
  if (o.on) return *o.on;
  const char* host = c.hostname();
  if (host && std::string_view(host).find(".dsql.") != std::string_view::npos) return target::aurora_dsql;
  pqxx::nontransaction n(c);
  const auto r = n.exec("SELECT pg_catalog.current_setting('dsql_iam.strict', true)");
  return !r.empty() && !r[0][0].is_null() && std::string_view(r[0][0].c_str()) == "on" ? target::aurora_dsql
                                                                                       : target::postgres_local;
}

}  // namespace

int run(const std::vector<std::string>& args, const spec_factory& factory, std::string_view program) {
  const bool builtin = static_cast<bool>(factory);
  options o;
  try {
    if (args.empty()) throw usage_error("missing command");
    if (!is_engine_command(args[0])) throw usage_error("unknown command " + args[0]);
    o = parse(args, builtin);
  } catch (const usage_error& e) {
    std::cerr << program << ": " << e.what() << "\n\n" << usage(program, builtin);
    return exit_usage;
  }
  if (o.command == "help") {
    std::cout << usage(program, builtin);
    return exit_ok;
  }
  try {
    if (o.command == "spec") {
      if (!builtin) throw engine_error("spec is a command of spec programs (dsql::main)");
      std::cout << model_to_json(spec_of(o, factory));
      return exit_ok;
    }
    if (is_render_command(o.command)) {
      std::cout << render(o, spec_of(o, factory), program);
      return exit_ok;
    }
    std::optional<model::cluster> s;
    if (o.command != "inspect") {
      s = spec_of(o, factory);
      dsql::validate(*s);  // before connecting: a 64-byte name, a cycle never reach the server
    }
    pqxx::connection c(conninfo_of(o));
    const target t = target_of(o, c);
    if (s) dsql::validate_for(*s, t);
    const bool json = o.format == "json";
    if (o.command == "inspect") {
      const state st = inspect(c, t);
      if (o.format == "cpp") {
        const table_columns columns = inspect_columns(c);
        std::cout << to_cpp(st, "adopted", o.filter, &columns);
      } else {
        std::cout << (json ? to_json(st) : to_text(st));
      }
      return exit_ok;
    }
    if (o.command == "plan") {
      const plan p = diff(*s, inspect(c, t, &*s), o.diff);
      std::cout << (json ? to_json(p) : to_text(p));
      return o.exit_code && p.drift() ? exit_changes : exit_ok;
    }
    apply_options ao;
    ao.on = t;
    ao.diff = o.diff;
    ao.progress = isatty(STDERR_FILENO) != 0;
    try {
      const apply_result r = apply(c, *s, ao);
      plan left;
      left.on = t;
      left.spec_name = s->name;
      left.findings = r.findings;
      if (json) {
        std::cout << "{\"applied\": " << to_json(r.applied) << ", \"retries\": " << r.retries
                  << ", \"rounds\": " << r.rounds << ", \"transactions\": " << r.transactions
                  << ", \"converged\": true, \"left\": " << to_json(left) << "}\n";
      } else if (r.applied.empty()) {
        std::cout << to_text(left);
      } else {
        std::cout << "Applied:\n"
                  << to_text(r.applied) << "\nApply complete: " << r.applied.steps.size() << " step(s) in "
                  << r.transactions << " transaction(s), " << r.retries
                  << " retried conflict(s); the plan is now empty.\n";
        if (left.drift() || !left.findings.empty()) std::cout << to_text(left);
      }
      // steps cannot remove what the target cannot change in place: the spec is not reached
      for (const auto& f : left.findings)
        if (f.what == finding::kind::cannot_alter) return exit_error;
      return exit_ok;
    } catch (const convergence_error& e) {
      if (json) std::cout << "{\"converged\": false, \"remaining\": " << to_json(e.remaining()) << "}\n";
      std::cerr << program << ": " << printable_message(e.what()) << "\n";
      return exit_error;
    } catch (const apply_error& e) {
      if (json) std::cout << "{\"converged\": false, \"committed\": " << to_json(e.committed()) << "}\n";
      std::cerr << program << ": " << printable_message(e.what()) << "\n";
      return exit_error;
    }
  } catch (const std::exception& e) {
    std::cerr << program << ": " << printable_message(e.what()) << "\n";
    return exit_error;
  }
}

}  // namespace dsql::engine::cli
