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
};
static_assert(std::size(migrations) == schema_version);

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

std::vector<statement_row> normalise_policy(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw state_error(std::string("IAM policy: not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("Statement"))
        throw state_error("IAM policy: the document must be an object with a Statement");
    json statements = doc["Statement"];
    if (statements.is_object()) statements = json::array({statements});
    if (!statements.is_array() || statements.empty())
        throw state_error("IAM policy: Statement must be an object or a non-empty array");
    std::vector<statement_row> rows;
    for (const auto& s : statements) {
        if (!s.is_object()) throw state_error("IAM policy: each statement must be an object");
        if (!s.contains("Effect") || !s["Effect"].is_string() ||
            (s["Effect"] != "Allow" && s["Effect"] != "Deny"))
            throw state_error("IAM policy: Effect must be \"Allow\" or \"Deny\"");
        const std::string effect = s["Effect"].get<std::string>();
        bool conditional = s.contains("Condition") || s.contains("NotAction") || s.contains("NotResource");
        std::vector<std::string> actions, resources;
        if (s.contains("Action"))
            actions = strings_of(s["Action"], "Action");
        else if (s.contains("NotAction"))
            actions = {"*"};
        else
            throw state_error("IAM policy: a statement needs Action or NotAction");
        if (s.contains("Resource"))
            resources = strings_of(s["Resource"], "Resource");
        else {
            resources = {"*"};
            conditional = true;  // NotResource, or none: never grants
        }
        for (const auto& a : actions)
            for (const auto& r : resources) rows.push_back({effect, lower(a), r, conditional});
    }
    return rows;
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
    if (fd < 0)
        throw state_error("cannot open the IAM state file " + file.string() + ": " + std::strerror(errno));
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

void state::migrate() {
    exec("BEGIN IMMEDIATE");
    try {
        int version = 0;
        {
            stmt s(db_, "PRAGMA user_version");
            if (s.step()) version = std::stoi(s.text(0));
        }
        if (version > schema_version)
            throw state_error("the IAM state file " + file_.string() + " has schema version " +
                              std::to_string(version) + "; this dsqlctl knows up to " +
                              std::to_string(schema_version) + ": use a newer dsqlctl");
        for (int v = version; v < schema_version; ++v) {
            exec(migrations[v]);
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
    if (kind.empty() || arn.find(":iam::") == std::string::npos)
        throw state_error("not an IAM role or user ARN: " + arn);
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
        for (const char* sql : {"DELETE FROM policy_statements WHERE principal_id = ?",
                                "DELETE FROM trust_policies WHERE principal_id = ?",
                                "DELETE FROM policies WHERE principal_id = ?",
                                "DELETE FROM access_keys WHERE principal_id = ?", "DELETE FROM principals WHERE id = ?"}) {
            stmt s(db_, sql);
            s.bind(1, p->id);
            s.step();
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return true;
}

void state::put_policy(const std::string& arn, const std::string& name, const std::string& document) {
    const auto rows = normalise_policy(document);
    const auto p = find_principal(arn);
    if (!p) throw state_error("IAM principal " + arn + " does not exist");
    if (name.empty()) throw state_error("a policy name must not be empty");
    exec("BEGIN IMMEDIATE");
    try {
        {
            stmt s(db_, "DELETE FROM policy_statements WHERE principal_id = ? AND policy_name = ?");
            s.bind(1, p->id).bind(2, name);
            s.step();
        }
        {
            stmt s(db_, "INSERT OR REPLACE INTO policies (principal_id, name, document) VALUES (?, ?, ?)");
            s.bind(1, p->id).bind(2, name).bind(3, document);
            s.step();
        }
        std::int64_t i = 0;
        for (const auto& r : rows) {
            stmt s(db_,
                   "INSERT INTO policy_statements (principal_id, policy_name, statement, effect, action, resource, "
                   "conditional) VALUES (?, ?, ?, ?, ?, ?, ?)");
            s.bind(1, p->id).bind(2, name).bind(3, std::optional<std::int64_t>(i++)).bind(4, r.effect);
            s.bind(5, r.action).bind(6, r.resource).bind(7, std::optional<std::int64_t>(r.conditional ? 1 : 0));
            s.step();
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
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

std::vector<statement_row> state::statements(const std::string& arn) {
    stmt s(db_,
           "SELECT effect, action, resource, conditional FROM policy_statements JOIN principals "
           "ON principals.id = policy_statements.principal_id WHERE principals.arn = ? "
           "ORDER BY policy_name, statement");
    s.bind(1, arn);
    std::vector<statement_row> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3) == "1"});
    return out;
}

void state::put_trust_policy(const std::string& role_arn, const std::string& document) {
    const auto p = find_principal(role_arn);
    if (!p) throw state_error("IAM principal " + role_arn + " does not exist");
    if (p->kind != "role") throw state_error(role_arn + " is not an IAM role: only roles have a trust policy");
    stmt s(db_, "INSERT OR REPLACE INTO trust_policies (principal_id, document) VALUES (?, ?)");
    s.bind(1, p->id).bind(2, document);
    s.step();
}

std::optional<std::string> state::trust_policy(const std::string& role_arn) {
    stmt s(db_,
           "SELECT document FROM trust_policies JOIN principals ON principals.id = trust_policies.principal_id "
           "WHERE principals.arn = ?");
    s.bind(1, role_arn);
    if (!s.step()) return std::nullopt;
    return s.text(0);
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
    stmt s(db_,
           "SELECT arn, url, client_ids, public_key, private_key FROM oidc_providers WHERE arn = ? OR url = ?");
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
