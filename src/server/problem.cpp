// The problem+json answers of the API (problem.h): the catalogue of codes with their zh/en titles,
// and the mapping from library statuses and input errors.
#include "server/problem.h"

#include <nlohmann/json.hpp>

#include "ingest/ingest.h"

namespace gradus::server {

namespace {

struct CodeTitle {
  const char* code;
  const char* zh;
  const char* en;
};

// Every code the API answers with. A client may rely on the code; the texts may improve.
constexpr CodeTitle kTitles[] = {
    {"unauthenticated", "需要登录", "authentication required"},
    {"invalid_credentials", "用户名或密码错误", "wrong user name or password"},
    {"account_locked", "账户已临时锁定", "the account is locked for a while"},
    {"too_many_attempts", "尝试次数过多，请稍后再试", "too many attempts, try again later"},
    {"forbidden", "无权执行此操作", "your role may not do this"},
    {"csrf_failed", "缺少或错误的 X-CSRF-Token", "missing or wrong X-CSRF-Token"},
    {"not_found", "未找到", "not found"},
    {"method_not_allowed", "不支持此方法", "method not allowed on this resource"},
    {"invalid_json", "请求体不是有效的 JSON", "the request body is not valid JSON"},
    {"validation_failed", "请求内容有误", "the request is not valid"},
    {"invalid_parameter", "参数有误", "a parameter is not valid"},
    {"unsupported_media_type", "不支持的内容类型", "unsupported content type"},
    {"payload_too_large", "请求体过大", "the request body is too large"},
    {"headers_too_large", "请求头过大", "the request headers are too large"},
    {"malformed_request", "请求格式错误", "malformed HTTP request"},
    {"precondition_required", "修改需要 If-Match（先读取得到 ETag）",
     "a change needs If-Match (read the ETag first)"},
    {"precondition_failed", "数据已被他人修改，请重新读取后再改",
     "changed by someone else since you read it: read it again"},
    {"idempotency_key_reused", "该 Idempotency-Key 已用于另一请求",
     "this Idempotency-Key was used for a different request"},
    {"idempotency_key_in_use", "使用该 Idempotency-Key 的请求仍在处理，请稍后重试",
     "a request with this Idempotency-Key is still running: retry shortly"},
    {"import_failed", "导入被拒绝，未写入任何数据", "the import was refused; nothing was written"},
    {"conflict", "与现有数据冲突", "conflicts with existing data"},
    {"shutting_down", "服务器正在停止，请稍后重试", "the server is shutting down; retry shortly"},
    {"internal_error", "服务器内部错误", "internal server error"},
    {"store_unavailable", "企业库暂时不可用", "the store is unavailable"},
};

}  // namespace

Lang lang_of_header(std::string_view accept_language) {
  // The first language named decides; zh is the default (the users are Chinese offices).
  while (!accept_language.empty() && (accept_language.front() == ' '))
    accept_language.remove_prefix(1);
  if (accept_language.size() >= 2 && (accept_language[0] == 'e' || accept_language[0] == 'E') &&
      (accept_language[1] == 'n' || accept_language[1] == 'N'))
    return Lang::en;
  return Lang::zh;
}

Lang request_lang(const HttpRequest& req) {
  if (std::optional<std::string> l = req.param("lang")) {
    Lang out;
    if (parse_lang(*l, &out)) return out;
  }
  return lang_of_header(req.header("accept-language"));
}

Text problem_title(const std::string& code) {
  for (const CodeTitle& t : kTitles)
    if (code == t.code) return Text{t.zh, t.en};
  return Text{"请求失败", "request failed"};
}

HttpResponse Problem::response(Lang lang) const {
  nlohmann::ordered_json j;
  j["type"] = "https://gradus.dev/problems/" + code;
  const Text title = problem_title(code);
  j["title"] = title.in(lang);
  j["status"] = status;
  j["code"] = code;
  j["detail"] = clean_utf8(detail.empty() ? title.in(lang) : detail.in(lang));
  if (!errors.empty()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const FieldProblem& e : errors) {
      nlohmann::ordered_json x;
      if (!e.field.empty()) x["field"] = clean_utf8(e.field);
      if (!e.file.empty()) x["file"] = clean_utf8(e.file);
      if (e.row >= 0) x["row"] = e.row;
      if (!e.column.empty()) x["column"] = clean_utf8(e.column);
      if (!e.value.empty()) x["value"] = clean_utf8(e.value);
      if (!e.uscc.empty()) x["uscc"] = clean_utf8(e.uscc);
      x["reason"] = clean_utf8(e.reason);
      list.push_back(std::move(x));
    }
    j["errors"] = std::move(list);
  }
  HttpResponse r = HttpResponse::json(status, j.dump());
  r.content_type = "application/problem+json";
  r.set_header("Content-Language", lang == Lang::zh ? "zh-CN" : "en");
  return r;
}

HttpResponse problem(const HttpRequest& req, int status, const std::string& code,
                     const Text& detail) {
  return Problem{status, code, detail, {}}.response(request_lang(req));
}

HttpResponse problem_from_status(const HttpRequest& req, const Status& s) {
  switch (s.code) {
    case StatusCode::invalid_argument:
    case StatusCode::parse_error:
      return problem(req, 422, "validation_failed", s.message);
    case StatusCode::not_found:
      return problem(req, 404, "not_found", s.message);
    case StatusCode::failed_precondition:
      return problem(req, 409, "conflict", s.message);
    case StatusCode::io_error:
      return problem(req, 503, "store_unavailable", s.message);
    case StatusCode::permission_denied:
      return problem(req, 403, "forbidden", s.message);
    default:
      return problem(req, 500, "internal_error", s.message);
  }
}

FieldProblem field_problem(const InputError& e, Lang lang) {
  FieldProblem f;
  f.file = e.file;
  f.row = e.row;
  f.column = e.sheet.empty() ? e.column : e.sheet + "!" + e.column;
  f.value = e.value;
  f.uscc = e.uscc;
  f.reason = e.reason.in(lang);
  return f;
}

}  // namespace gradus::server
