#include "iam/state.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <array>
#include <set>

#include "policy.h"

namespace dsql::aws {

namespace {

using json = nlohmann::json;

// A prepared statement, finalised on scope exit.
class stmt {
 public:
  stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw state_error(std::string("IAM state: cannot prepare a statement: ") + sqlite3_errmsg(db));
  }
  ~stmt() { sqlite3_finalize(s_); }
  stmt(const stmt&) = delete;
  stmt& operator=(const stmt&) = delete;

  stmt& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  stmt& bind(int i, const std::optional<std::string>& v) {
    if (v) return bind(i, *v);
    check(sqlite3_bind_null(s_, i));
    return *this;
  }
  stmt& bind(int i, std::optional<std::int64_t> v) {
    check(v ? sqlite3_bind_int64(s_, i, *v) : sqlite3_bind_null(s_, i));
    return *this;
  }
  /// true while rows come; throws on error.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw state_error(std::string("IAM state: ") + sqlite3_errmsg(db_));
  }
  std::string text(int col) {
    const auto* p = sqlite3_column_text(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  std::optional<std::string> opt_text(int col) {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return text(col);
  }
  std::optional<std::int64_t> opt_int(int col) {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(s_, col);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw state_error(std::string("IAM state: cannot bind: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

// Schema migrations: migrations[i] takes user_version i to i + 1.
constexpr const char* migrations[] = {
    R"sql(
CREATE TABLE principals (
  id          TEXT PRIMARY KEY,
  arn         TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('role', 'user')),
  created_at  INTEGER NOT NULL
);
CREATE TABLE access_keys (
  access_key_id      TEXT PRIMARY KEY,
  principal_id       TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  secret_access_key  TEXT NOT NULL,
  session_token      TEXT,
  expires_at         INTEGER,
  created_at         INTEGER NOT NULL
);
CREATE INDEX access_keys_principal ON access_keys (principal_id);
CREATE TABLE policies (
  principal_id  TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  document      TEXT NOT NULL,
  PRIMARY KEY (principal_id, name)
);
CREATE TABLE policy_statements (
  principal_id  TEXT NOT NULL,
  policy_name   TEXT NOT NULL,
  statement     INTEGER NOT NULL,
  effect        TEXT NOT NULL CHECK (effect IN ('Allow', 'Deny')),
  action        TEXT NOT NULL,
  resource      TEXT NOT NULL,
  conditional   INTEGER NOT NULL CHECK (conditional IN (0, 1)),
  FOREIGN KEY (principal_id, policy_name) REFERENCES policies (principal_id, name) ON DELETE CASCADE
);
CREATE INDEX policy_statements_principal ON policy_statements (principal_id);
)sql",
    // 1 -> 2: statements with conditions, principals and Not* elements; cluster
    // (resource-based) policies; local context keys. state::migrate() then
    // re-normalises every stored identity policy into the new tables.
    R"sql(
CREATE TABLE cluster_policies (
  cluster_arn  TEXT PRIMARY KEY,
  document     TEXT NOT NULL,
  version      INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE statements (
  id             INTEGER PRIMARY KEY,
  principal_id   TEXT,
  policy_name    TEXT,
  cluster_arn    TEXT REFERENCES cluster_policies (cluster_arn) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  sid            TEXT,
  effect         TEXT NOT NULL CHECK (effect IN ('Allow', 'Deny')),
  not_action     INTEGER NOT NULL CHECK (not_action IN (0, 1)),
  not_resource   INTEGER NOT NULL CHECK (not_resource IN (0, 1)),
  not_principal  INTEGER NOT NULL CHECK (not_principal IN (0, 1)),
  variables      INTEGER NOT NULL CHECK (variables IN (0, 1)),
  unsupported    TEXT,
  CHECK ((principal_id IS NULL AND policy_name IS NULL) <> (cluster_arn IS NULL)),
  FOREIGN KEY (principal_id, policy_name) REFERENCES policies (principal_id, name) ON DELETE CASCADE
);
CREATE INDEX statements_principal ON statements (principal_id);
CREATE INDEX statements_cluster ON statements (cluster_arn);
CREATE TABLE statement_values (
  statement_id  INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('action', 'resource', 'principal')),
  value         TEXT NOT NULL
);
CREATE INDEX statement_values_statement ON statement_values (statement_id);
CREATE TABLE statement_conditions (
  statement_id  INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  operator      TEXT NOT NULL,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL
);
CREATE INDEX statement_conditions_statement ON statement_conditions (statement_id);
CREATE TABLE context_keys (
  principal_id  TEXT REFERENCES principals (id) ON DELETE CASCADE,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL
);
CREATE INDEX context_keys_principal ON context_keys (principal_id);
DROP TABLE policy_statements;
)sql",
    // 2 -> 3: the local STS: session names of temporary keys, trust policies, OIDC
    // providers (the extension reads none of these).
    R"sql(
ALTER TABLE access_keys ADD COLUMN session_name TEXT;
CREATE TABLE trust_policies (
  principal_id  TEXT PRIMARY KEY REFERENCES principals (id) ON DELETE CASCADE,
  document      TEXT NOT NULL
);
CREATE TABLE oidc_providers (
  arn          TEXT PRIMARY KEY,
  url          TEXT NOT NULL UNIQUE,
  client_ids   TEXT NOT NULL,
  public_key   TEXT NOT NULL,
  private_key  TEXT,
  created_at   INTEGER NOT NULL
);
)sql",
    // 3 -> 4: one table of resource-based policies (a cluster's policy, a role's trust
    // policy), their statements keyed by the resource's ARN. state::migrate() then
    // normalises every trust policy into statements and drops trust_policies.
    R"sql(
ALTER TABLE cluster_policies RENAME TO resource_policies;
ALTER TABLE resource_policies RENAME COLUMN cluster_arn TO resource_arn;
ALTER TABLE statements RENAME COLUMN cluster_arn TO resource_arn;
DROP INDEX statements_cluster;
CREATE INDEX statements_resource ON statements (resource_arn);
)sql",
};
static_assert(std::size(migrations) == schema_version);
static_assert(schema_version == DSQL_IAM_STATE_SCHEMA_VERSION,
              "dsqlctl and the extension read one schema version (extension/policy.h)");

std::vector<std::string> strings_of(const json& v, const char* what) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && !v.empty()) {
    for (const auto& e : v) {
      if (!e.is_string()) throw state_error(std::string("IAM policy: ") + what + " must hold strings");
      out.push_back(e.get<std::string>());
    }
  } else {
    throw state_error(std::string("IAM policy: ") + what + " must be a string or a non-empty array of strings");
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

std::string random_id(std::string_view prefix, std::size_t n) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) throw state_error("no random bytes from OpenSSL");
  std::string out(prefix);
  for (const unsigned char b : bytes) out += alphabet[b & 31];
  return out;
}

namespace {
std::string random_secret() {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char bytes[40];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw state_error("no random bytes from OpenSSL");
  std::string out;
  for (const unsigned char b : bytes) out += alphabet[b & 63];
  return out;
}
}  // namespace

namespace {

constexpr std::size_t max_sid_len = 128;
constexpr std::size_t max_context_rows = 40;  // per scope pair; the evaluator holds 64 entries
constexpr std::size_t max_values_per_key = 16;

bool has_control(std::string_view v) {
  for (const char c : v)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

// A scalar condition value as IAM reads it: strings as they are, booleans and numbers
// as their JSON text.
std::string condition_value(const json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  throw state_error("IAM policy: " + where + ": a condition value must be a string, a boolean or a number");
}

void check_text(const std::string& v, const std::string& where) {
  if (v.size() > DSQL_POLICY_TEXT_MAX_LEN)
    throw state_error("IAM policy: " + where + ": a value is longer than " + std::to_string(DSQL_POLICY_TEXT_MAX_LEN) +
                      " bytes");
  if (has_control(v)) throw state_error("IAM policy: " + where + ": a value holds control characters");
}

void check_variables(const std::string& v, bool resource, bool variables, const std::string& where) {
  if (!variables) return;
  char why[256];
  if (!dsql_policy_check_variables(v.c_str(), resource, why, sizeof why))
    throw state_error("IAM policy: " + where + ": " + why);
}

bool is_account(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// One Principal value of a resource-based policy, typed for the evaluator: "AWS:<value>",
// "Federated:<provider>", "Service:<name>", "CanonicalUser:<id>". A trust policy also
// takes a role session (arn:aws:sts::<account>:assumed-role/<role>/<session>); it has no
// CanonicalUser.
std::string principal_value(const std::string& type, const std::string& v, policy_kind kind, const std::string& where) {
  check_text(v, where);
  if (v.empty()) throw state_error("IAM policy: " + where + ": a principal must not be empty");
  if (type == "CanonicalUser" && kind == policy_kind::trust)
    throw state_error("IAM policy: " + where + ": a trust policy has no CanonicalUser principal");
  if (type != "AWS") return type + ":" + v;  // Service, CanonicalUser: never a local caller
  if (v == "*" || is_account(v)) return "AWS:" + v;
  if (v.starts_with("arn:") && v.find('*') == std::string::npos && v.find('?') == std::string::npos) {
    std::vector<std::string> f;
    std::size_t from = 0;
    for (int i = 0; i < 5; ++i) {
      const auto c = v.find(':', from);
      if (c == std::string::npos) break;
      f.push_back(v.substr(from, c - from));
      from = c + 1;
    }
    const std::string rest = from <= v.size() ? v.substr(from) : std::string();
    if (f.size() == 5 && f[2] == "iam" && f[3].empty() && is_account(f[4]) &&
        (rest == "root" || rest.starts_with("role/") || rest.starts_with("user/")))
      return "AWS:" + v;
    // assumed-role/<role>/<session>: two non-empty parts after the prefix
    const std::string session = "assumed-role/";
    if (kind == policy_kind::trust && f.size() == 5 && f[2] == "sts" && f[3].empty() && is_account(f[4]) &&
        rest.starts_with(session) && rest.find('/', session.size()) != std::string::npos &&
        rest.find('/', session.size()) > session.size() && !rest.ends_with("/"))
      return "AWS:" + v;
  }
  throw state_error(
      "IAM policy: " + where + ": \"" + v.substr(0, 80) +
      "\" is not a principal: use \"*\", a 12-digit account, arn:aws:iam::<account>:root, or an IAM "
      "role or user ARN" +
      (kind == policy_kind::trust ? ", or a role session arn:aws:sts::<account>:assumed-role/<role>/<session>" : "") +
      " (no wildcards)");
}

// Whether a condition key is known to the evaluator for the requests a policy of this
// kind answers (a trust policy's are about a role).
bool key_is_known(const std::string& key, policy_kind kind) {
  return kind == policy_kind::trust ? dsql_policy_key_is_known_for(key.c_str(), DSQL_POLICY_ROLE)
                                    : dsql_policy_key_is_known(key.c_str());
}

void normalise_statement(const json& s, policy_kind kind, bool variables, statement_row& row,
                         std::vector<std::string>& notes, const std::string& where) {
  static const std::set<std::string> elements{"Sid",         "Effect",    "Action",       "NotAction", "Resource",
                                              "NotResource", "Principal", "NotPrincipal", "Condition"};
  if (!s.is_object()) throw state_error("IAM policy: " + where + " must be an object");
  for (const auto& [name, value] : s.items()) {
    (void)value;
    if (!elements.contains(name))
      throw state_error("IAM policy: " + where + ": unknown element \"" + name.substr(0, 40) + "\"");
  }
  if (s.contains("Sid")) {
    if (!s["Sid"].is_string() || s["Sid"].get<std::string>().size() > max_sid_len ||
        has_control(s["Sid"].get<std::string>()))
      throw state_error("IAM policy: " + where + ": Sid must be a string of at most 128 bytes");
    row.sid = s["Sid"].get<std::string>();
  }
  if (!s.contains("Effect") || !s["Effect"].is_string() || (s["Effect"] != "Allow" && s["Effect"] != "Deny"))
    throw state_error("IAM policy: " + where + ": Effect must be \"Allow\" or \"Deny\"");
  row.effect = s["Effect"].get<std::string>();
  const bool a = s.contains("Action"), na = s.contains("NotAction");
  if (a == na) throw state_error("IAM policy: " + where + ": a statement needs Action or NotAction (one of them)");
  row.not_action = na;
  for (const auto& v : strings_of(s[na ? "NotAction" : "Action"], na ? "NotAction" : "Action")) {
    check_text(v, where);
    row.actions.push_back(lower(v));
  }
  const bool r = s.contains("Resource"), nr = s.contains("NotResource");
  if (kind == policy_kind::trust) {
    if (r || nr)
      throw state_error("IAM policy: " + where +
                        ": a trust policy has no Resource or NotResource (its statements "
                        "are about its role)");
  } else {
    if (r == nr)
      throw state_error("IAM policy: " + where + ": a statement needs Resource or NotResource (one of them)");
    row.not_resource = nr;
    for (const auto& v : strings_of(s[nr ? "NotResource" : "Resource"], nr ? "NotResource" : "Resource")) {
      check_text(v, where);
      check_variables(v, true, variables, where + ", Resource");
      row.resources.push_back(v);
    }
  }
  const bool p = s.contains("Principal"), np = s.contains("NotPrincipal");
  if (kind == policy_kind::identity && (p || np))
    throw state_error("IAM policy: " + where +
                      ": an identity policy has no Principal or NotPrincipal (a cluster "
                      "policy has: dsqlctl iam put-cluster-policy)");
  if (kind == policy_kind::trust && np)
    throw state_error("IAM policy: " + where +
                      ": a trust policy cannot use NotPrincipal (AWS refuses it in role "
                      "trust policies); name who may assume the role in Principal");
  if (kind == policy_kind::trust && !p)
    throw state_error("IAM policy: " + where + ": a trust policy statement needs Principal (who may assume the role)");
  if (kind != policy_kind::identity) {
    if (p == np)
      throw state_error("IAM policy: " + where +
                        ": a cluster policy statement needs Principal or NotPrincipal (one of them)");
    row.not_principal = np;
    const json& pv = s[np ? "NotPrincipal" : "Principal"];
    if (pv.is_string()) {
      if (pv != "*") throw state_error("IAM policy: " + where + ": a Principal string must be \"*\"");
      row.principals.push_back("*");
    } else if (pv.is_object() && !pv.empty()) {
      for (const auto& [type, values] : pv.items()) {
        if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser")
          throw state_error("IAM policy: " + where + ": unknown principal type \"" + type.substr(0, 40) + "\"");
        for (const auto& v : strings_of(values, "Principal"))
          row.principals.push_back(principal_value(type, v, kind, where + ", Principal"));
      }
    } else {
      throw state_error("IAM policy: " + where + ": Principal must be \"*\" or an object such as {\"AWS\": ...}");
    }
  }
  if (s.contains("Condition")) {
    const json& c = s["Condition"];
    if (!c.is_object()) throw state_error("IAM policy: " + where + ": Condition must be an object");
    for (const auto& [op, block] : c.items()) {
      if (!dsql_policy_operator_is_known(op.c_str()))
        throw state_error("IAM policy: " + where + ": unknown condition operator \"" + op.substr(0, 60) + "\"");
      if (!block.is_object() || block.empty())
        throw state_error("IAM policy: " + where + ": Condition " + op + " must map keys to values");
      for (const auto& [key, values] : block.items()) {
        if (key.empty() || key.size() > DSQL_POLICY_KEY_MAX_LEN || has_control(key))
          throw state_error("IAM policy: " + where + ": a condition key must be 1 to 128 bytes");
        std::vector<std::string> vs;
        if (values.is_array()) {
          if (values.empty())
            throw state_error("IAM policy: " + where + ": Condition " + op + " " + key + " has no value");
          for (const auto& v : values) vs.push_back(condition_value(v, where));
        } else {
          vs.push_back(condition_value(values, where));
        }
        for (const auto& v : vs) {
          check_text(v, where);
          check_variables(v, false, variables, where + ", Condition " + op + " " + key);
          row.conditions.push_back({op, key, v});
        }
        if (!key_is_known(key, kind))
          notes.push_back(where + ": the condition key " + key +
                          " is not known locally (nor set with dsqlctl iam set-context): an Allow using it "
                          "never grants, a Deny using it always applies");
      }
    }
  }
}

}  // namespace

normalised_policy normalise_policy(std::string_view text, policy_kind kind, bool lenient) {
  if (text.size() > DSQL_POLICY_DOCUMENT_MAX_LEN)
    throw state_error("IAM policy: the document is longer than " + std::to_string(DSQL_POLICY_DOCUMENT_MAX_LEN) +
                      " bytes");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw state_error(std::string("IAM policy: not valid JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("Statement"))
    throw state_error("IAM policy: the document must be an object with a Statement");
  bool variables = false;
  if (doc.contains("Version")) {
    if (doc["Version"] == "2012-10-17")
      variables = true;
    else if (doc["Version"] != "2008-10-17")
      throw state_error("IAM policy: Version must be \"2012-10-17\" (or the old \"2008-10-17\")");
  }
  for (const auto& [name, value] : doc.items()) {
    (void)value;
    if (name != "Version" && name != "Statement" && name != "Id")
      throw state_error("IAM policy: unknown top-level element \"" + name.substr(0, 40) + "\"");
  }
  json statements = doc["Statement"];
  if (statements.is_object()) statements = json::array({statements});
  if (!statements.is_array() || statements.empty())
    throw state_error("IAM policy: Statement must be an object or a non-empty array");
  normalised_policy out;
  std::size_t i = 0;
  for (const auto& s : statements) {
    ++i;
    statement_row row;
    row.variables = variables;
    const std::string where = "statement " + std::to_string(i);
    try {
      normalise_statement(s, kind, variables, row, out.notes, where);
    } catch (const state_error& e) {
      if (!lenient) throw;
      const std::string effect = row.effect == "Allow" ? "Allow" : "Deny";
      row = statement_row{};
      row.effect = effect;
      row.variables = variables;
      row.unsupported = e.what();
      out.notes.push_back(std::string(e.what()) + " (kept: it never grants and always denies)");
    }
    out.statements.push_back(std::move(row));
  }
  return out;
}

std::string principal_arn(std::string_view name_or_arn, std::string_view kind, std::string_view account) {
  if (name_or_arn.starts_with("arn:")) return std::string(name_or_arn);
  if (name_or_arn.empty()) throw state_error("a principal name must not be empty");
  return "arn:aws:iam::" + std::string(account) + ":" + std::string(kind) + "/" + std::string(name_or_arn);
}

// Trust: in a cluster directory the file belongs to the server's run user, and the
// server can change anything in that directory, while dsqlctl may run as root. So
// the file is never followed through a symbolic link (O_NOFOLLOW here,
// SQLITE_OPEN_NOFOLLOW for sqlite), must be a regular file, and sqlite keeps its
// rollback journal in memory (journal_mode = MEMORY): root never creates or writes
// any other path in that directory. The cost: a crash in the middle of a dsqlctl
// write can leave the file torn (it is a throwaway cluster's state; recreate it).
state::state(const std::filesystem::path& file) : file_(file) {
  // Create the file 0600 ourselves so that sqlite never creates it with the umask.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw state_error("cannot open the IAM state file " + file.string() + ": " + std::strerror(errno));
  struct stat fst {};
  if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
    ::close(fd);
    throw state_error("the IAM state file " + file.string() + " is not a regular file");
  }
  ::fchmod(fd, 0600);
  // As root, hand the file to the owner of its directory (the server's run user for
  // a cluster directory): the server must read it, nobody else.
  if (::geteuid() == 0) {
    struct stat st {};
    if (::stat(file.parent_path().empty() ? "." : file.parent_path().c_str(), &st) == 0)
      (void)::fchown(fd, st.st_uid, st.st_gid);
  }
  ::close(fd);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                      nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw state_error("cannot open the IAM state file " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 2000);
  try {
    exec("PRAGMA journal_mode = MEMORY");
    exec("PRAGMA foreign_keys = ON");
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

state::~state() { sqlite3_close(db_); }

void state::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw state_error("IAM state " + file_.string() + ": " + msg);
  }
}

namespace {
// A stored document normalised leniently for a migration: a statement the rules refuse is
// kept as unsupported (never grants, always denies); a document that is no policy at all
// becomes one such Deny.
normalised_policy normalise_for_migration(const std::string& document, policy_kind kind) {
  try {
    return normalise_policy(document, kind, true);
  } catch (const state_error& e) {
    normalised_policy p;
    statement_row bad;
    bad.effect = "Deny";
    bad.unsupported = e.what();
    p.statements.push_back(bad);
    return p;
  }
}
}  // namespace

void state::migrate() {
  exec("BEGIN IMMEDIATE");
  try {
    int version = 0;
    {
      stmt s(db_, "PRAGMA user_version");
      if (s.step()) version = std::stoi(s.text(0));
    }
    if (version > schema_version)
      throw state_error("the IAM state file " + file_.string() + " has schema version " + std::to_string(version) +
                        "; this dsqlctl knows up to " + std::to_string(schema_version) + ": use a newer dsqlctl");
    for (int v = version; v < schema_version; ++v) {
      exec(migrations[v]);
      if (v + 1 == 2) {
        // every identity policy into the new statements (lenient: what the new
        // rules refuse is kept as an unsupported statement, fail closed)
        std::vector<std::array<std::string, 3>> docs;
        {
          stmt s(db_, "SELECT principal_id, name, document FROM policies ORDER BY principal_id, name");
          while (s.step()) docs.push_back({s.text(0), s.text(1), s.text(2)});
        }
        for (const auto& [pid, name, document] : docs)
          store_statements("principal_id", pid, name, normalise_for_migration(document, policy_kind::identity));
      }
      if (v + 1 == 4) {
        // every trust policy into resource_policies and its statements (lenient,
        // as for 1 -> 2: what the normaliser refuses, e.g. NotPrincipal, which the
        // old trust parser took, is kept as an unsupported statement that never
        // grants and always denies), then the old table goes
        std::vector<std::array<std::string, 2>> docs;
        {
          stmt s(db_,
                 "SELECT p.arn, t.document FROM trust_policies t JOIN principals p ON p.id = t.principal_id "
                 "ORDER BY p.arn");
          while (s.step()) docs.push_back({s.text(0), s.text(1)});
        }
        for (const auto& [arn, document] : docs) {
          const normalised_policy p = normalise_for_migration(document, policy_kind::trust);
          stmt s(db_,
                 "INSERT INTO resource_policies (resource_arn, document, version, updated_at) VALUES (?, ?, 1, ?)");
          s.bind(1, arn).bind(2, document).bind(3, std::optional<std::int64_t>(now()));
          s.step();
          store_statements("resource_arn", arn, "", p);
        }
        exec("DROP TABLE trust_policies");
      }
      exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

principal state::create_principal(const std::string& arn, bool if_absent) {
  // arn:aws:iam::<12 digits>:role/... or :user/...
  const auto colon = arn.find(':', std::string_view("arn:aws:iam::").size());
  std::string kind;
  if (arn.starts_with("arn:") && colon != std::string::npos) {
    const std::string rest = arn.substr(colon + 1);
    if (rest.starts_with("role/")) kind = "role";
    if (rest.starts_with("user/")) kind = "user";
  }
  if (kind.empty() || arn.find(":iam::") == std::string::npos) throw state_error("not an IAM role or user ARN: " + arn);
  if (auto p = find_principal(arn)) {
    if (if_absent) return *p;
    throw state_error("IAM principal " + arn + " already exists");
  }
  principal p{random_id(kind == "role" ? "AROA" : "AIDA", 17), arn, kind};
  stmt s(db_, "INSERT INTO principals (id, arn, kind, created_at) VALUES (?, ?, ?, ?)");
  s.bind(1, p.id).bind(2, p.arn).bind(3, p.kind).bind(4, std::optional<std::int64_t>(now()));
  s.step();
  return p;
}

std::optional<principal> state::find_principal(const std::string& arn) {
  stmt s(db_, "SELECT id, arn, kind FROM principals WHERE arn = ?");
  s.bind(1, arn);
  if (!s.step()) return std::nullopt;
  return principal{s.text(0), s.text(1), s.text(2)};
}

std::vector<principal> state::principals() {
  stmt s(db_, "SELECT id, arn, kind FROM principals ORDER BY arn");
  std::vector<principal> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

bool state::delete_principal(const std::string& arn) {
  const auto p = find_principal(arn);
  if (!p) return false;
  exec("BEGIN IMMEDIATE");
  try {
    for (const char* sql :
         {"DELETE FROM statements WHERE principal_id = ?", "DELETE FROM context_keys WHERE principal_id = ?",
          "DELETE FROM policies WHERE principal_id = ?", "DELETE FROM access_keys WHERE principal_id = ?",
          "DELETE FROM principals WHERE id = ?"}) {
      stmt s(db_, sql);
      s.bind(1, p->id);
      s.step();
    }
    // a role's trust policy (a resource-based policy keyed by its ARN)
    for (const char* sql :
         {"DELETE FROM statements WHERE resource_arn = ?", "DELETE FROM resource_policies WHERE resource_arn = ?"}) {
      stmt s(db_, sql);
      s.bind(1, p->arn);
      s.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return true;
}

// Inserts the statements of one normalised policy, owned by a principal's named policy
// or by a resource-based policy (inside the caller's transaction).
void state::store_statements(const std::string& owner_column, const std::string& owner, const std::string& policy_name,
                             const normalised_policy& p) {
  const bool resource = owner_column == "resource_arn";
  std::int64_t position = 0;
  for (const auto& r : p.statements) {
    {
      stmt s(db_, resource ? "INSERT INTO statements (resource_arn, position, sid, effect, not_action, "
                             "not_resource, not_principal, variables, unsupported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                           : "INSERT INTO statements (principal_id, policy_name, position, sid, effect, not_action, "
                             "not_resource, not_principal, variables, unsupported) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      int i = 1;
      s.bind(i++, owner);
      if (!resource) s.bind(i++, policy_name);
      s.bind(i++, std::optional<std::int64_t>(position++));
      s.bind(i++, r.sid.empty() ? std::optional<std::string>() : std::optional<std::string>(r.sid));
      s.bind(i++, r.effect);
      for (const bool b : {r.not_action, r.not_resource, r.not_principal, r.variables})
        s.bind(i++, std::optional<std::int64_t>(b ? 1 : 0));
      s.bind(i++, r.unsupported);
      s.step();
    }
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    const auto value = [&](const char* kind, const std::string& v) {
      stmt s(db_, "INSERT INTO statement_values (statement_id, kind, value) VALUES (?, ?, ?)");
      s.bind(1, std::optional<std::int64_t>(id)).bind(2, std::string(kind)).bind(3, v);
      s.step();
    };
    for (const auto& v : r.actions) value("action", v);
    for (const auto& v : r.resources) value("resource", v);
    for (const auto& v : r.principals) value("principal", v);
    for (const auto& c : r.conditions) {
      stmt s(db_, "INSERT INTO statement_conditions (statement_id, operator, key, value) VALUES (?, ?, ?, ?)");
      s.bind(1, std::optional<std::int64_t>(id)).bind(2, c.op).bind(3, c.key).bind(4, c.value);
      s.step();
    }
  }
}

std::vector<std::string> state::put_policy(const std::string& arn, const std::string& name,
                                           const std::string& document) {
  const auto normalised = normalise_policy(document);
  const auto p = find_principal(arn);
  if (!p) throw state_error("IAM principal " + arn + " does not exist");
  if (name.empty() || name.size() > 128 || has_control(name))
    throw state_error("a policy name must be 1 to 128 bytes without control characters");
  exec("BEGIN IMMEDIATE");
  try {
    {
      stmt s(db_, "DELETE FROM statements WHERE principal_id = ? AND policy_name = ?");
      s.bind(1, p->id).bind(2, name);
      s.step();
    }
    {
      stmt s(db_, "INSERT OR REPLACE INTO policies (principal_id, name, document) VALUES (?, ?, ?)");
      s.bind(1, p->id).bind(2, name).bind(3, document);
      s.step();
    }
    store_statements("principal_id", p->id, name, normalised);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return normalised.notes;
}

namespace {
void check_cluster_arn(const std::string& arn) {
  // arn:<partition>:dsql:<region>:<account>:cluster/<id>
  std::vector<std::string> f;
  std::size_t from = 0;
  for (int i = 0; i < 5; ++i) {
    const auto c = arn.find(':', from);
    if (c == std::string::npos) break;
    f.push_back(arn.substr(from, c - from));
    from = c + 1;
  }
  if (f.size() != 5 || f[0] != "arn" || f[2] != "dsql" || f[3].empty() || !is_account(f[4]) ||
      !arn.substr(from).starts_with("cluster/") || arn.size() <= from + 8 || arn.size() > 256 || has_control(arn) ||
      arn.find_first_of("*? ") != std::string::npos)
    throw state_error("not an Aurora DSQL cluster ARN (arn:aws:dsql:<region>:<12-digit account>:cluster/<id>): " +
                      arn.substr(0, 120));
}
}  // namespace

// Stores (replaces) the resource-based policy of resource_arn, normalised (already
// checked by the caller); returns its new version.
std::int64_t state::put_resource_policy(const std::string& resource_arn, const std::string& document,
                                        const normalised_policy& normalised) {
  std::int64_t version = 1;
  exec("BEGIN IMMEDIATE");
  try {
    {
      stmt s(db_, "SELECT version FROM resource_policies WHERE resource_arn = ?");
      s.bind(1, resource_arn);
      if (s.step()) version = *s.opt_int(0) + 1;
    }
    {
      stmt s(db_, "DELETE FROM statements WHERE resource_arn = ?");
      s.bind(1, resource_arn);
      s.step();
    }
    {
      stmt s(db_,
             "INSERT OR REPLACE INTO resource_policies (resource_arn, document, version, updated_at) "
             "VALUES (?, ?, ?, ?)");
      s.bind(1, resource_arn).bind(2, document).bind(3, std::optional<std::int64_t>(version));
      s.bind(4, std::optional<std::int64_t>(now()));
      s.step();
    }
    store_statements("resource_arn", resource_arn, "", normalised);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return version;
}

std::optional<std::pair<std::string, std::int64_t>> state::resource_policy(const std::string& resource_arn) {
  stmt s(db_, "SELECT document, version FROM resource_policies WHERE resource_arn = ?");
  s.bind(1, resource_arn);
  if (!s.step()) return std::nullopt;
  return std::pair<std::string, std::int64_t>{s.text(0), *s.opt_int(1)};
}

std::pair<std::int64_t, std::vector<std::string>> state::put_cluster_policy(const std::string& cluster_arn,
                                                                            const std::string& document) {
  check_cluster_arn(cluster_arn);
  const auto normalised = normalise_policy(document, policy_kind::cluster);
  return {put_resource_policy(cluster_arn, document, normalised), normalised.notes};
}

std::optional<std::pair<std::string, std::int64_t>> state::cluster_policy(const std::string& cluster_arn) {
  check_cluster_arn(cluster_arn);
  return resource_policy(cluster_arn);
}

bool state::delete_cluster_policy(const std::string& cluster_arn) {
  check_cluster_arn(cluster_arn);
  exec("BEGIN IMMEDIATE");
  try {
    {
      stmt s(db_, "DELETE FROM statements WHERE resource_arn = ?");
      s.bind(1, cluster_arn);
      s.step();
    }
    stmt s(db_, "DELETE FROM resource_policies WHERE resource_arn = ?");
    s.bind(1, cluster_arn);
    s.step();
    const bool deleted = sqlite3_changes(db_) > 0;
    exec("COMMIT");
    return deleted;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void state::set_context(const std::string& principal_arn, const std::string& key,
                        const std::vector<std::string>& values) {
  if (key.empty() || key.size() > DSQL_POLICY_KEY_MAX_LEN || has_control(key) ||
      key.find_first_of(" ${}") != std::string::npos)
    throw state_error("a context key must be 1 to 128 bytes without spaces, $, { or }: " + key.substr(0, 60));
  if (dsql_policy_key_is_computed(key.c_str()))
    throw state_error(key +
                      " is computed for every request (from the token, the principal and the connection) or "
                      "given by the request itself (sts:ExternalId, <provider>:sub, ...); it cannot be set");
  if (values.empty() || values.size() > max_values_per_key)
    throw state_error("a context key takes 1 to " + std::to_string(max_values_per_key) + " values");
  for (const auto& v : values)
    if (v.size() > DSQL_POLICY_VALUE_MAX_LEN || has_control(v))
      throw state_error("a context value must be at most " + std::to_string(DSQL_POLICY_VALUE_MAX_LEN) +
                        " bytes without control characters");
  std::optional<std::string> pid;
  if (!principal_arn.empty()) {
    const auto p = find_principal(principal_arn);
    if (!p) throw state_error("IAM principal " + principal_arn + " does not exist");
    pid = p->id;
  }
  exec("BEGIN IMMEDIATE");
  try {
    {
      stmt s(db_, "DELETE FROM context_keys WHERE principal_id IS ? AND lower(key) = lower(?)");
      s.bind(1, pid).bind(2, key);
      s.step();
    }
    for (const auto& v : values) {
      stmt s(db_, "INSERT INTO context_keys (principal_id, key, value) VALUES (?, ?, ?)");
      s.bind(1, pid).bind(2, key).bind(3, v);
      s.step();
    }
    {
      stmt s(db_, "SELECT count(*) FROM context_keys WHERE principal_id IS NULL OR principal_id IS ?");
      s.bind(1, pid);
      s.step();
      if (static_cast<std::size_t>(*s.opt_int(0)) > max_context_rows)
        throw state_error("too many context key values: at most " + std::to_string(max_context_rows) +
                          " for a principal and all principals together");
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

bool state::unset_context(const std::string& principal_arn, const std::string& key) {
  std::optional<std::string> pid;
  if (!principal_arn.empty()) {
    const auto p = find_principal(principal_arn);
    if (!p) throw state_error("IAM principal " + principal_arn + " does not exist");
    pid = p->id;
  }
  stmt s(db_, "DELETE FROM context_keys WHERE principal_id IS ? AND lower(key) = lower(?)");
  s.bind(1, pid).bind(2, key);
  s.step();
  return sqlite3_changes(db_) > 0;
}

std::vector<context_entry> state::context() {
  stmt s(
      db_,
      "SELECT coalesce(p.arn, ''), c.key, c.value FROM context_keys c LEFT JOIN principals p ON p.id = c.principal_id "
      "ORDER BY 1, lower(c.key), c.rowid");
  std::vector<context_entry> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

std::vector<std::pair<std::string, std::string>> state::policies(const std::string& arn) {
  stmt s(db_,
         "SELECT name, document FROM policies JOIN principals ON principals.id = policies.principal_id "
         "WHERE principals.arn = ? ORDER BY name");
  s.bind(1, arn);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

access_key state::create_access_key(const std::string& arn, bool with_session_token,
                                    std::optional<std::int64_t> expires_at) {
  const auto p = find_principal(arn);
  if (!p) throw state_error("IAM principal " + arn + " does not exist");
  access_key k;
  k.access_key_id = random_id(with_session_token ? "ASIA" : "AKIA", 16);
  k.principal_arn = arn;
  k.secret_access_key = random_secret();
  if (with_session_token) k.session_token = "IQoJ" + random_secret() + random_secret();
  k.expires_at = expires_at;
  stmt s(db_,
         "INSERT INTO access_keys (access_key_id, principal_id, secret_access_key, session_token, expires_at, "
         "created_at) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, k.access_key_id).bind(2, p->id).bind(3, k.secret_access_key).bind(4, k.session_token);
  s.bind(5, k.expires_at).bind(6, std::optional<std::int64_t>(now()));
  s.step();
  return k;
}

std::optional<access_key> state::find_access_key(const std::string& id) {
  stmt s(db_,
         "SELECT k.access_key_id, p.arn, k.secret_access_key, k.session_token, k.expires_at, k.session_name "
         "FROM access_keys k JOIN principals p ON p.id = k.principal_id WHERE k.access_key_id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return access_key{s.text(0), s.text(1), s.text(2), s.opt_text(3), s.opt_int(4), s.opt_text(5)};
}

std::vector<access_key> state::access_keys(const std::string& arn) {
  stmt s(db_,
         "SELECT k.access_key_id, p.arn, k.secret_access_key, k.session_token, k.expires_at, k.session_name "
         "FROM access_keys k JOIN principals p ON p.id = k.principal_id WHERE ? = '' OR p.arn = ? "
         "ORDER BY p.arn, k.created_at, k.access_key_id");
  s.bind(1, arn).bind(2, arn);
  std::vector<access_key> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.opt_text(3), s.opt_int(4), s.opt_text(5)});
  return out;
}

bool state::delete_access_key(const std::string& id) {
  stmt s(db_, "DELETE FROM access_keys WHERE access_key_id = ?");
  s.bind(1, id);
  s.step();
  return sqlite3_changes(db_) > 0;
}

access_key state::create_session_key(const std::string& role_arn, const std::string& session_name,
                                     std::int64_t expires_at) {
  access_key k = create_access_key(role_arn, true, expires_at);
  stmt s(db_, "UPDATE access_keys SET session_name = ? WHERE access_key_id = ?");
  s.bind(1, session_name).bind(2, k.access_key_id);
  s.step();
  k.session_name = session_name;
  return k;
}

std::size_t state::delete_expired_keys(std::int64_t before) {
  stmt s(db_, "DELETE FROM access_keys WHERE session_token IS NOT NULL AND expires_at IS NOT NULL AND expires_at < ?");
  s.bind(1, std::optional<std::int64_t>(before));
  s.step();
  return static_cast<std::size_t>(sqlite3_changes(db_));
}

std::vector<std::string> state::put_trust_policy(const std::string& role_arn, const std::string& document) {
  const auto p = find_principal(role_arn);
  if (!p) throw state_error("IAM principal " + role_arn + " does not exist");
  if (p->kind != "role") throw state_error(role_arn + " is not an IAM role: only roles have a trust policy");
  const auto normalised = normalise_policy(document, policy_kind::trust);
  (void)put_resource_policy(p->arn, document, normalised);
  return normalised.notes;
}

std::optional<std::string> state::trust_policy(const std::string& role_arn) {
  const auto p = find_principal(role_arn);
  if (!p || p->kind != "role") return std::nullopt;
  auto policy = resource_policy(p->arn);
  if (!policy) return std::nullopt;
  return std::move(policy->first);
}

namespace {
oidc_provider provider_row(stmt& s) {
  oidc_provider p;
  p.arn = s.text(0);
  p.url = s.text(1);
  try {
    for (const auto& id : json::parse(s.text(2))) p.client_ids.push_back(id.get<std::string>());
  } catch (const json::exception&) {
    throw state_error("IAM state: the client ids of OIDC provider " + p.arn + " are not a JSON array of strings");
  }
  p.public_key = s.text(3);
  p.private_key = s.opt_text(4);
  return p;
}
}  // namespace

oidc_provider state::create_oidc_provider(const oidc_provider& p) {
  if (!p.url.starts_with("https://") || p.url.size() <= 8)
    throw state_error("an OIDC provider URL must start with https:// and name a host");
  if (p.client_ids.empty()) throw state_error("an OIDC provider needs at least one client id (audience)");
  if (find_oidc_provider(p.url)) throw state_error("OIDC provider " + p.url + " already exists");
  stmt s(db_,
         "INSERT INTO oidc_providers (arn, url, client_ids, public_key, private_key, created_at) "
         "VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, p.arn).bind(2, p.url).bind(3, json(p.client_ids).dump()).bind(4, p.public_key).bind(5, p.private_key);
  s.bind(6, std::optional<std::int64_t>(now()));
  s.step();
  return p;
}

std::optional<oidc_provider> state::find_oidc_provider(const std::string& arn_or_url) {
  stmt s(db_, "SELECT arn, url, client_ids, public_key, private_key FROM oidc_providers WHERE arn = ? OR url = ?");
  s.bind(1, arn_or_url).bind(2, arn_or_url);
  if (!s.step()) return std::nullopt;
  return provider_row(s);
}

std::vector<oidc_provider> state::oidc_providers() {
  stmt s(db_, "SELECT arn, url, client_ids, public_key, private_key FROM oidc_providers ORDER BY arn");
  std::vector<oidc_provider> out;
  while (s.step()) out.push_back(provider_row(s));
  return out;
}

}  // namespace dsql::aws
