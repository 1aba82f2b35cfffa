#include "iam/token.hpp"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <vector>

#include "sigv4.h"

namespace dsql::aws {

std::string generate_token(const token_request& r, const credentials& c, std::optional<std::int64_t> now) {
    if (r.expires_in < 1 || r.expires_in > DSQL_TOKEN_MAX_EXPIRES)
        throw token_error("--expires-in must be between 1 and 604800 seconds");
    const dsql_sigv4_credentials cc{c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                    c.session_token ? c.session_token->c_str() : nullptr};
    std::string out(DSQL_TOKEN_MAX_LEN + 1, '\0');
    const int n = dsql_token_generate(r.hostname.c_str(), r.region.c_str(),
                                      r.admin ? DSQL_TOKEN_DB_CONNECT_ADMIN : DSQL_TOKEN_DB_CONNECT,
                                      now.value_or(static_cast<std::int64_t>(std::time(nullptr))), r.expires_in, &cc,
                                      out.data(), out.size());
    if (n < 0)
        throw token_error("cannot sign a token: the host name (letters, digits, '-', '.'), the region (lower-case "
                          "letters, digits, '-'), the access key id (16-128 upper-case letters and digits) or the "
                          "session token (at most 4096 bytes) is not acceptable");
    out.resize(static_cast<size_t>(n));
    return out;
}

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

}  // namespace

std::optional<credentials> standard_credentials(const std::optional<std::string>& profile_arg) {
    if (!profile_arg) {
        const char* id = env("AWS_ACCESS_KEY_ID");
        const char* secret = env("AWS_SECRET_ACCESS_KEY");
        if (id && secret) {
            credentials c{id, secret, std::nullopt, "environment variables"};
            if (const char* t = env("AWS_SESSION_TOKEN")) c.session_token = t;
            return c;
        }
    }
    const std::string profile = profile_arg ? *profile_arg : (env("AWS_PROFILE") ? env("AWS_PROFILE") : "default");
    std::filesystem::path file;
    if (const char* f = env("AWS_SHARED_CREDENTIALS_FILE"))
        file = f;
    else if (const char* home = env("HOME"))
        file = std::filesystem::path(home) / ".aws" / "credentials";
    std::ifstream in(file);
    if (!in) {
        if (profile_arg) throw token_error("no AWS credentials file at " + file.string());
        return std::nullopt;
    }
    std::string line, section;
    credentials c;
    bool found = false;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            if (section == profile) found = true;
            continue;
        }
        if (section != profile) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        if (key == "aws_access_key_id") c.access_key_id = value;
        if (key == "aws_secret_access_key") c.secret_access_key = value;
        if (key == "aws_session_token") c.session_token = value;
    }
    if (!found || c.access_key_id.empty() || c.secret_access_key.empty()) {
        if (profile_arg || found)
            throw token_error("profile [" + profile + "] in " + file.string() +
                              " has no aws_access_key_id and aws_secret_access_key");
        return std::nullopt;
    }
    c.source = "profile " + profile + " in " + file.string();
    return c;
}

}  // namespace dsql::aws
