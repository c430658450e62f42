// Error answers of the API as RFC 9457 problem details (application/problem+json): a stable
// machine-readable `code`, the HTTP status, a title and a detail in the caller's language, and
// per-field `errors` (an import's: file, row, column, value, reason).
//
//   return problem(req, 404, "not_found");
//   return problem(req, 422, "validation_failed", Text{"缺少 password", "password is missing"});
//   Problem p{422, "import_failed"}; p.errors.push_back({...}); return p.response(lang);
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "server/http.h"

namespace gradus {
struct InputError;
}

namespace gradus::server {

// The caller's language from Accept-Language: en when it prefers English, else zh.
Lang request_lang(const HttpRequest& req);
Lang lang_of_header(std::string_view accept_language);

struct FieldProblem {
  std::string field;  // JSON path or parameter name (or empty)
  std::string file;
  int64_t row = -1;  // -1: not about a row
  std::string column, value, uscc;
  std::string reason;
};

struct Problem {
  int status = 500;
  std::string code;  // e.g. "not_found", "precondition_failed"
  Text detail;       // empty: the code's standard sentence
  std::vector<FieldProblem> errors;
  HttpResponse response(Lang lang) const;
};

// The standard title of a code (zh/en); codes without a title get a generic one.
Text problem_title(const std::string& code);

HttpResponse problem(const HttpRequest& req, int status, const std::string& code,
                     const Text& detail = {});
// The problem for a failed library status (invalid_argument → 422, not_found → 404, …).
HttpResponse problem_from_status(const HttpRequest& req, const Status& s);
// One per-field entry for an input error of a file.
FieldProblem field_problem(const InputError& e, Lang lang);

}  // namespace gradus::server
