// seed-spec: the seed scenario (seed.hpp) as a spec program. Every command is
// dsql::main's: plan | apply | inspect | spec on a live database (the engine), and
// bootstrap | revoke | policies | policy | matrix (the DSL's renderers).
//
//   seed-spec bootstrap --target aurora_dsql --account-id 123456789012 > bootstrap.sql
//   seed-spec plan --dir /tmp/mycluster --exit-code
//
// Exit codes: 0 ok, 1 error, 2 usage, 3 plan --exit-code with drift.
#include "engine/main.hpp"
#include "seed.hpp"

// The seed renders for both targets: their rules are checked at compile time too.
static_assert(dsql::verify_for<seed::spec, dsql::target::aurora_dsql>());
static_assert(dsql::verify_for<seed::spec, dsql::target::postgres_local>());

int main(int argc, char** argv) { return dsql::main<seed::spec>(argc, argv); }
