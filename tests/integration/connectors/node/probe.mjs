// AWS's Aurora DSQL connector for node-postgres, unmodified, against a local cluster.
// Run by tests/integration/connectors/connectors.sh with only the standard AWS
// credential variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: a key of the local
// IAM state), the CA variable (NODE_EXTRA_CA_CERTS) and the host:
//
//   node probe.mjs HOST PORT ROLE allowed   connect as ROLE with the connector's own
//                                           token (DbConnectAdmin for admin), check the
//                                           role's cells of the seed matrix, and run
//                                           the connector's OCC-retrying transaction()
//   node probe.mjs HOST PORT ROLE refused   the login must fail with SQLSTATE 28000
//
// One line per check ("ok ..." or "FAIL ..."); the exit status is the number of failures.
import { AuroraDSQLClient, AuroraDSQLPool } from "@aws/aurora-dsql-node-postgres-connector";

const [host, port, role, mode] = process.argv.slice(2);
let failures = 0;
const ok = (what) => console.log(`ok   ${role}: ${what}`);
const fail = (what, why) => {
  failures += 1;
  console.log(`FAIL ${role}: ${what}: ${why}`);
};

// the connector's defaults otherwise: ssl { rejectUnauthorized: true } (verify-full, SNI),
// database postgres, a token signed for host in the region parsed from it
const config = { host, port: Number(port), user: role, connectionTimeoutMillis: 10000 };

async function expectAllowed(client, what, sql, params = []) {
  try {
    await client.query(sql, params);
    ok(what);
  } catch (e) {
    fail(what, `${e.code} ${e.message}`);
  }
}

async function expectRefused(client, what, sql) {
  try {
    await client.query("BEGIN");
    await client.query(sql);
    fail(what, "allowed, expected 42501");
  } catch (e) {
    if (e.code === "42501") ok(`${what} refused (42501)`);
    else fail(what, `${e.code} ${e.message}`);
  } finally {
    await client.query("ROLLBACK").catch(() => {});
  }
}

const cells = {
  admin: async (c) => {
    await expectAllowed(c, "SELECT sys.iam_pg_role_mappings", "SELECT arn FROM sys.iam_pg_role_mappings");
  },
  app_readonly: async (c) => {
    await expectAllowed(c, "SELECT public.products", "SELECT * FROM public.products");
    await expectRefused(c, "INSERT public.products", "INSERT INTO public.products (tenant_id, name) VALUES ('t', 'n')");
    await expectRefused(c, "SELECT users_schema.profiles", "SELECT * FROM users_schema.profiles");
  },
  app_readwrite: async (c) => {
    await expectAllowed(c, "SELECT public.products", "SELECT * FROM public.products");
    await expectRefused(c, "SELECT users_schema.profiles", "SELECT * FROM users_schema.profiles");
  },
  user_service: async (c) => {
    await expectAllowed(c, "SET search_path, unqualified profiles", "SET search_path TO users_schema, public");
    await expectAllowed(c, "SELECT profiles", "SELECT * FROM profiles");
    await expectRefused(c, "DELETE users_schema.profiles", "DELETE FROM users_schema.profiles");
  },
  reporting_readonly: async (c) => {
    await expectAllowed(c, "SELECT public.products", "SELECT * FROM public.products");
    await expectAllowed(c, "SELECT users_schema.profiles", "SELECT * FROM users_schema.profiles");
    await expectRefused(c, "INSERT public.products", "INSERT INTO public.products (tenant_id, name) VALUES ('t', 'n')");
  },
};

// What each role does inside the connector's transaction() (committed, OCC-retried).
const transactions = {
  admin: async (c) => (await c.query("SELECT count(*)::int AS n FROM sys.iam_pg_role_mappings")).rows[0].n,
  app_readonly: async (c) => (await c.query("SELECT count(*)::int AS n FROM public.products")).rows[0].n,
  app_readwrite: async (c) => {
    const id = (await c.query("INSERT INTO public.products (tenant_id, name) VALUES ('connector', 'probe') RETURNING id")).rows[0].id;
    await c.query("DELETE FROM public.products WHERE id = $1", [id]);
    return id;
  },
  user_service: async (c) => {
    const id = (await c.query("INSERT INTO users_schema.profiles (tenant_id, email) VALUES ('connector', 'p@example.com') RETURNING id")).rows[0].id;
    await c.query("UPDATE users_schema.profiles SET name = 'probe' WHERE id = $1", [id]);
    return id;
  },
  reporting_readonly: async (c) => (await c.query("SELECT count(*)::int AS n FROM users_schema.profiles")).rows[0].n,
};

async function main() {
  if (mode === "refused") {
    const client = new AuroraDSQLClient(config);
    try {
      await client.connect();
      fail("login", "accepted, expected 28000");
      await client.end();
    } catch (e) {
      if (e.code === "28000") ok(`login refused (28000: ${e.message})`);
      else fail("login", `${e.code} ${e.message}`);
    }
    return;
  }
  const client = new AuroraDSQLClient(config);
  try {
    await client.connect();
  } catch (e) {
    fail("login", `${e.code} ${e.message}`);
    return;
  }
  const who = (await client.query("SELECT current_user AS u, current_setting('dsql_iam.front_door') AS f")).rows[0];
  if (who.u === role && who.f === "on") ok(`login with the connector's token over verified TLS (server ${client.connectionParameters.host})`);
  else fail("login", `current_user ${who.u}, front_door ${who.f}`);
  await cells[role](client);
  await client.end();

  const pool = new AuroraDSQLPool({ ...config, max: 2, retry: { maxRetries: 3 } });
  try {
    const result = await pool.transaction(transactions[role]);
    ok(`pool.transaction() committed (${typeof result === "string" ? "row " + result : result})`);
  } catch (e) {
    fail("pool.transaction()", `${e.code} ${e.message}`);
  } finally {
    await pool.end();
  }
}

main()
  .catch((e) => fail("unexpected", `${e.code} ${e.stack}`))
  .finally(() => process.exit(failures));
