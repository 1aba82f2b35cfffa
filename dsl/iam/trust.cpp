#include "iam/trust.hpp"

#include <nlohmann/json.hpp>

namespace dsql::aws::trust {

namespace {

using json = nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::vector<std::string> strings(const json& v, const char* what) {
    std::vector<std::string> out;
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array() || v.empty())
        throw state_error(std::string("trust policy: ") + what + " must be a string or a non-empty array of strings");
    for (const auto& e : v) {
        if (!e.is_string()) throw state_error(std::string("trust policy: ") + what + " must hold strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

json parse(std::string_view document) {
    json doc;
    try {
        doc = json::parse(document);
    } catch (const json::parse_error& e) {
        throw state_error(std::string("trust policy: not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("Statement"))
        throw state_error("trust policy: the document must be an object with a Statement");
    json st = doc["Statement"];
    if (st.is_object()) st = json::array({st});
    if (!st.is_array() || st.empty()) throw state_error("trust policy: Statement must be an object or a non-empty array");
    for (const auto& s : st) {
        if (!s.is_object()) throw state_error("trust policy: each statement must be an object");
        if (!s.contains("Effect") || !s["Effect"].is_string() || (s["Effect"] != "Allow" && s["Effect"] != "Deny"))
            throw state_error("trust policy: Effect must be \"Allow\" or \"Deny\"");
        if (!s.contains("Principal") && !s.contains("NotPrincipal"))
            throw state_error("trust policy: a statement needs Principal (who may assume the role)");
        if (s.contains("Principal")) {
            const auto& p = s["Principal"];
            if (!(p.is_string() && p == "*")) {
                if (!p.is_object() || p.empty())
                    throw state_error("trust policy: Principal must be \"*\" or an object such as {\"AWS\": ARN}");
                for (const auto& [kind, v] : p.items()) (void)strings(v, "each Principal entry");
            }
        }
        if (s.contains("Action")) (void)strings(s["Action"], "Action");
        else if (s.contains("NotAction")) (void)strings(s["NotAction"], "NotAction");
        else throw state_error("trust policy: a statement needs Action (sts:AssumeRole, sts:AssumeRoleWithWebIdentity)");
        if (s.contains("Condition") && !s["Condition"].is_object())
            throw state_error("trust policy: Condition must be an object");
    }
    return st;
}

enum class principal_match { none, specific, by_account };

principal_match match_principal(const json& p, const request& r) {
    if (p.is_string()) return p == "*" ? principal_match::by_account : principal_match::none;
    principal_match best = principal_match::none;
    for (const auto& [kind, v] : p.items()) {
        for (const auto& entry : strings(v, "each Principal entry")) {
            if (kind == "AWS" && !r.principal_arn.empty()) {
                if (entry == r.principal_arn || (!r.session_arn.empty() && entry == r.session_arn))
                    return principal_match::specific;
                if (entry == "*" || entry == r.account || entry == "arn:aws:iam::" + r.account + ":root")
                    best = principal_match::by_account;
            } else if (kind == "Federated" && !r.federated.empty() && entry == r.federated) {
                return principal_match::specific;
            }
        }
    }
    return best;
}

bool match_action(const json& s, const request& r) {
    const std::string a = lower(r.action);
    if (s.contains("Action")) {
        for (const auto& p : strings(s["Action"], "Action"))
            if (glob_match(lower(p), a)) return true;
        return false;
    }
    for (const auto& p : strings(s["NotAction"], "NotAction"))
        if (glob_match(lower(p), a)) return false;
    return true;
}

enum class cond { holds, fails, unsupported };

cond conditions(const json& c, const request& r) {
    for (const auto& [op, keys] : c.items()) {
        if (!keys.is_object()) return cond::unsupported;
        for (const auto& [key, v] : keys.items()) {
            std::vector<std::string> wanted;
            try {
                wanted = strings(v, "each Condition value");
            } catch (const state_error&) {
                return cond::unsupported;
            }
            const auto it = r.keys.find(lower(key));
            const std::vector<std::string> none;
            const auto& have = it == r.keys.end() ? none : it->second;
            const auto any = [&](auto eq) {
                for (const auto& h : have)
                    for (const auto& w : wanted)
                        if (eq(w, h)) return true;
                return false;
            };
            bool ok;
            if (op == "StringEquals") ok = any([](const std::string& w, const std::string& h) { return w == h; });
            else if (op == "StringEqualsIgnoreCase")
                ok = any([](const std::string& w, const std::string& h) { return lower(w) == lower(h); });
            else if (op == "StringLike") ok = any([](const std::string& w, const std::string& h) { return glob_match(w, h); });
            else if (op == "StringNotEquals") ok = !any([](const std::string& w, const std::string& h) { return w == h; });
            else if (op == "StringNotLike")
                ok = !any([](const std::string& w, const std::string& h) { return glob_match(w, h); });
            else return cond::unsupported;
            if (!ok) return cond::fails;
        }
    }
    return cond::holds;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == text[t]))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

void validate(std::string_view document) { (void)parse(document); }

decision evaluate(std::string_view document, const request& r) {
    const json st = parse(document);
    bool allowed = false, by_account = false;
    for (const auto& s : st) {
        const bool deny = s["Effect"] == "Deny";
        if (!match_action(s, r)) continue;
        principal_match pm;
        if (s.contains("NotPrincipal")) {
            if (!deny) continue;  // unsupported: an Allow never applies
            pm = principal_match::specific;  // a Deny always applies (fail closed)
        } else {
            pm = match_principal(s["Principal"], r);
        }
        if (pm == principal_match::none) continue;
        const cond c = s.contains("Condition") ? conditions(s["Condition"], r) : cond::holds;
        if (deny) {
            if (c != cond::fails) return decision::denied;
            continue;
        }
        if (c != cond::holds) continue;
        if (pm == principal_match::specific) allowed = true;
        else by_account = true;
    }
    if (allowed) return decision::allowed;
    if (by_account) return decision::allowed_by_account;
    return decision::not_allowed;
}

namespace {
// Actions compare case-insensitively, resources case-sensitively (IAM's rules).
bool any_glob(const std::vector<std::string>& patterns, std::string_view text, bool negated, bool fold) {
    bool hit = false;
    for (const auto& p : patterns) hit = hit || (fold ? glob_match(lower(p), lower(text)) : glob_match(p, text));
    return negated ? !hit : hit;
}
bool covers(const statement_row& s, std::string_view action, std::string_view resource) {
    return any_glob(s.actions, action, s.not_action, true) && any_glob(s.resources, resource, s.not_resource, false);
}
}  // namespace

bool identity_denies(const std::vector<statement_row>& statements, std::string_view action, std::string_view resource) {
    // fail closed: a Deny applies whatever its conditions or variables say
    for (const auto& s : statements)
        if (s.effect == "Deny" && (s.unsupported || covers(s, action, resource))) return true;
    return false;
}

bool identity_allows(const std::vector<statement_row>& statements, std::string_view action, std::string_view resource) {
    if (identity_denies(statements, action, resource)) return false;
    // fail closed: an Allow with conditions or variables never grants here
    for (const auto& s : statements)
        if (s.effect == "Allow" && !s.unsupported && s.conditions.empty() && !s.variables &&
            covers(s, action, resource))
            return true;
    return false;
}

}  // namespace dsql::aws::trust
