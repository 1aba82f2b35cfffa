// dsql-conformance: runs the conformance cases (tests/conformance/cases/*.json) on a
// live server as admin and compares every answer with what a real Aurora DSQL cluster
// answered (the case's expectation, with its public source).
//
//   dsql-conformance --conninfo CONNINFO --cases DIR [--require-match] [--label NAME]
//                    [--markdown FILE] [--verbose]
//
// Case file format (one JSON object per file, one family per file):
//   { "family": "transaction",
//     "cases": [ { "id": "...", "certainty": "rec|lint|obs|doc",
//                  "source": {"repo": "...", "file": "...", "probe": "...", "recorded": "YYYY-MM-DD"},
//                  "note": "...",            (optional)
//                  "gap": "...",             (optional: a known difference, reported, never required)
//                  "unknown": "...",         (optional: DSQL's answer is not known; run, not scored)
//                  "steps": [ { "sql": "...", "session": 1|2 (default 1), "expect": E } ... ],
//                  "cleanup": ["sql", ...] } ] }   (run as admin afterwards, errors ignored)
//   E is one of
//     {"ok": "<command tag>"}                  success with this tag ("" : any tag)
//     {"ok": "...", "rows": [["v", ...], ...]} and exactly these rows (text; null as null)
//     {"ok": "...", "prefix": "text"}          and the first value starts with text
//     {"error": "SQLSTATE", "message": "..."}  this error (message optional: unknown text)
//     {"results": [E, ...]}                    a multi-statement query's results, in order
// fixtures.json ({"setup": [sql, ...]}) runs first, each statement on its own.
//
// Each step's SQL is what a client would send to DSQL; it reaches the local server through
// dsql::dialect::rewrite (dsl/sql), as with `dsqlctl sql` and the wire front-end, so
// AWS IAM GRANT/REVOKE and CREATE INDEX ASYNC are written as on DSQL.
//
// Every step is sent asynchronously and waited for at most 2 s: a step that would block
// (PostgreSQL waiting on a row lock) is reported as "blocked" and cancelled, so two
// sessions driven from this one thread never hang. Exit status: 0, or 1 when
// --require-match is given and a scored case does not match (or on a setup error).
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sql/dialect.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

constexpr auto step_timeout = std::chrono::milliseconds(2000);

struct answer {
  bool blocked = false;
  bool error = false;
  std::string tag;                // command status of a success
  std::string sqlstate, message;  // of an error
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::vector<answer> results;  // every result of the query
};

std::string describe(const answer& a) {
  if (a.blocked) return "blocked (still waiting after 2 s)";
  if (a.error) return "error " + a.sqlstate + " \"" + a.message + "\"";
  std::string s = "ok \"" + a.tag + "\"";
  if (!a.rows.empty()) {
    s += " rows";
    for (const auto& r : a.rows) {
      s += " (";
      for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + r[i].value_or("NULL");
      s += ")";
    }
  }
  return s;
}

class session {
 public:
  explicit session(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str()), PQfinish) {
    if (PQstatus(c_.get()) != CONNECTION_OK)
      throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(c_.get()));
    PQsetNoticeProcessor(
        c_.get(), [](void*, const char*) {}, nullptr);
  }

  // Sends sql (simple protocol; may hold several statements) and collects its results.
  answer run(const std::string& sql) {
    answer a;
    if (!PQsendQuery(c_.get(), sql.c_str())) {
      a.error = true;
      a.sqlstate = "08006";
      a.message = PQerrorMessage(c_.get());
      return a;
    }
    const auto deadline = clock_type::now() + step_timeout;
    while (true) {
      if (!PQconsumeInput(c_.get())) break;
      if (!PQisBusy(c_.get())) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      if (left.count() <= 0) {
        a.blocked = true;
        cancel();
        return a;
      }
      pollfd p{PQsocket(c_.get()), POLLIN, 0};
      (void)poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 50)));
    }
    while (PGresult* r = PQgetResult(c_.get())) {
      answer one;
      const auto st = PQresultStatus(r);
      if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR) {
        one.error = true;
        const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        one.sqlstate = code ? code : "";
        one.message = msg ? msg : "";
      } else {
        one.tag = PQcmdStatus(r);
        for (int i = 0; i < PQntuples(r); ++i) {
          std::vector<std::optional<std::string>> row;
          for (int j = 0; j < PQnfields(r); ++j)
            row.push_back(PQgetisnull(r, i, j) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, i, j)));
          one.rows.push_back(std::move(row));
        }
      }
      PQclear(r);
      a.results.push_back(one);
    }
    // The answer of the query: its error if any, else its last result.
    for (const auto& one : a.results)
      if (one.error) {
        a.error = true;
        a.sqlstate = one.sqlstate;
        a.message = one.message;
        return a;
      }
    if (!a.results.empty()) {
      a.tag = a.results.back().tag;
      a.rows = a.results.back().rows;
    }
    return a;
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> c_;

  void cancel() {
    if (PGcancel* k = PQgetCancel(c_.get())) {
      char buf[256];
      (void)PQcancel(k, buf, sizeof buf);
      PQfreeCancel(k);
    }
    while (PGresult* r = PQgetResult(c_.get())) PQclear(r);  // the cancelled statement ends
  }
};

// Why an answer does not meet an expectation ("" when it does).
std::string mismatch(const json& e, const answer& a) {
  if (a.blocked) return "blocked";
  if (e.contains("results")) {
    if (a.error) return e.contains("error") ? "" : "unexpected error";
    const auto& want = e["results"];
    if (want.size() != a.results.size())
      return "expected " + std::to_string(want.size()) + " results, got " + std::to_string(a.results.size());
    for (std::size_t i = 0; i < want.size(); ++i)
      if (auto m = mismatch(want[i], a.results[i]); !m.empty()) return "result " + std::to_string(i + 1) + ": " + m;
    return "";
  }
  if (e.contains("error")) {
    if (!a.error) return "expected error " + e["error"].get<std::string>();
    if (a.sqlstate != e["error"].get<std::string>()) return "SQLSTATE differs";
    if (e.contains("message") && a.message != e["message"].get<std::string>()) return "message differs";
    return "";
  }
  if (a.error) return "expected success";
  const std::string tag = e.value("ok", "");
  if (!tag.empty() && a.tag != tag) return "command tag differs";
  if (e.contains("rows")) {
    const auto& want = e["rows"];
    if (want.size() != a.rows.size()) return "row count differs";
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (want[i].size() != a.rows[i].size()) return "column count differs";
      for (std::size_t j = 0; j < want[i].size(); ++j) {
        const auto& w = want[i][j];
        const auto& got = a.rows[i][j];
        if (w.is_null() != !got.has_value() || (!w.is_null() && w.get<std::string>() != *got))
          return "row " + std::to_string(i + 1) + " differs";
      }
    }
  }
  if (e.contains("prefix")) {
    if (a.rows.empty() || a.rows[0].empty() || !a.rows[0][0] ||
        a.rows[0][0]->rfind(e["prefix"].get<std::string>(), 0) != 0)
      return "value does not start with \"" + e["prefix"].get<std::string>() + "\"";
  }
  return "";
}

std::string expected_text(const json& e) {
  if (e.contains("results")) return "results " + e["results"].dump();
  if (e.contains("error"))
    return "error " + e["error"].get<std::string>() +
           (e.contains("message") ? " \"" + e["message"].get<std::string>() + "\"" : " (message unknown)");
  return "ok \"" + e.value("ok", "") + "\"" + (e.contains("rows") ? " rows " + e["rows"].dump() : "") +
         (e.contains("prefix") ? " starting " + e["prefix"].dump() : "");
}

struct family_count {
  int cases = 0, matched = 0, gaps = 0, gaps_matched = 0, unknown = 0;
};

std::string option(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

bool flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == name) return true;
  return false;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  try {
    return json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(p.string() + ": " + e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string conninfo = option(argc, argv, "--conninfo");
  const fs::path dir = option(argc, argv, "--cases");
  const std::string label = option(argc, argv, "--label", "run");
  const std::string markdown = option(argc, argv, "--markdown");
  const bool require = flag(argc, argv, "--require-match");
  const bool verbose = flag(argc, argv, "--verbose");
  if (conninfo.empty() || dir.empty()) {
    std::cerr << "usage: dsql-conformance --conninfo CONNINFO --cases DIR [--require-match] [--label NAME] "
                 "[--markdown FILE] [--verbose]\n";
    return 2;
  }
  const auto started = clock_type::now();
  try {
    {
      session setup(conninfo);
      const json fixtures = read_json(dir / "fixtures.json");
      for (const auto& sql : fixtures.at("setup")) {
        const answer a = setup.run(sql.get<std::string>());
        if (a.error || a.blocked) {
          std::cerr << "dsql-conformance: fixture failed: " << sql.get<std::string>() << ": " << describe(a) << "\n";
          return 1;
        }
      }
    }
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(dir))
      if (f.path().extension() == ".json" && f.path().filename() != "fixtures.json") files.push_back(f.path());
    std::sort(files.begin(), files.end());

    std::map<std::string, family_count> counts;
    std::vector<std::string> failures;
    for (const auto& file : files) {
      const json doc = read_json(file);
      const std::string family = doc.at("family");
      for (const auto& c : doc.at("cases")) {
        const std::string id = c.at("id");
        const bool gap = c.contains("gap");
        const bool unknown = c.contains("unknown");
        std::map<int, std::unique_ptr<session>> sessions;
        std::string why;
        std::size_t n = 0;
        for (const auto& step : c.at("steps")) {
          ++n;
          const int sid = step.value("session", 1);
          if (!sessions.count(sid)) sessions[sid] = std::make_unique<session>(conninfo);
          const std::string sql = step.at("sql");
          answer a;
          try {
            a = sessions[sid]->run(dsql::rewrite_dsql_script(sql));
          } catch (const dsql::dialect_error& e) {
            a.error = true;
            a.sqlstate = "42601";
            a.message = e.what();
          }
          if (verbose) std::cout << "    [" << id << "] s" << sid << " " << sql << "\n      -> " << describe(a) << "\n";
          if (unknown || !step.contains("expect")) {
            if (a.blocked) {
              why = "step " + std::to_string(n) + " blocked";
              break;
            }
            continue;
          }
          if (const auto m = mismatch(step["expect"], a); !m.empty()) {
            why = "step " + std::to_string(n) + " (" + sql + "): " + m + "; expected " + expected_text(step["expect"]) +
                  ", got " + describe(a);
            break;
          }
        }
        sessions.clear();
        if (c.contains("cleanup")) {
          session admin(conninfo);
          for (const auto& sql : c["cleanup"]) (void)admin.run(sql.get<std::string>());
        }
        auto& fc = counts[family];
        if (unknown) {
          ++fc.unknown;
          std::cout << "UNKNOWN " << family << " " << id << (why.empty() ? "" : " (" + why + ")") << "\n";
          continue;
        }
        if (gap) {
          ++fc.gaps;
          if (why.empty()) ++fc.gaps_matched;
          std::cout << (why.empty() ? "GAP-MATCH " : "GAP ") << family << " " << id << (why.empty() ? "" : ": " + why)
                    << "\n";
          continue;
        }
        ++fc.cases;
        if (why.empty()) {
          ++fc.matched;
          if (verbose) std::cout << "MATCH " << family << " " << id << "\n";
        } else {
          std::cout << "DIFF " << family << " " << id << ": " << why << "\n";
          failures.push_back(family + " " + id);
        }
      }
    }

    const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
    family_count total;
    std::ostringstream table;
    table << "| family | cases | match (" << label << ") | known gaps (matching) | unknown |\n"
          << "|---|---:|---:|---:|---:|\n";
    for (const auto& [family, fc] : counts) {
      table << "| " << family << " | " << fc.cases << " | " << fc.matched << " | " << fc.gaps << " (" << fc.gaps_matched
            << ") | " << fc.unknown << " |\n";
      total.cases += fc.cases;
      total.matched += fc.matched;
      total.gaps += fc.gaps;
      total.gaps_matched += fc.gaps_matched;
      total.unknown += fc.unknown;
    }
    table << "| **all** | " << total.cases << " | " << total.matched << " | " << total.gaps << " ("
          << total.gaps_matched << ") | " << total.unknown << " |\n";
    std::cout << "\nconformance (" << label << "): " << total.matched << " of " << total.cases
              << " cases match; known gaps " << total.gaps_matched << "/" << total.gaps << " match; " << total.unknown
              << " unknown; " << std::fixed << std::setprecision(1) << seconds << " s\n"
              << table.str();
    if (!markdown.empty()) {
      std::ofstream out(markdown);
      out << table.str();
    }
    if (require && !failures.empty()) {
      std::cerr << "dsql-conformance: " << failures.size() << " case(s) do not match DSQL's answers\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "dsql-conformance: " << e.what() << "\n";
    return 1;
  }
}
