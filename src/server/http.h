// The HTTP request and response as the API sees them: plain values, no Boost.Beast types, so that
// the API's translation units stay light and testable without a socket. http_server.cpp converts
// between these and Beast's messages.
//
//   HttpResponse r = HttpResponse::json(200, R"({"ok": true})");
//   r.set_header("ETag", "\"b42\"");
//   std::string_view lang = req.header("accept-language");
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradus::server {

struct HttpRequest {
  std::string method;                          // "GET", "POST", …
  std::string target;                          // as sent: path and query
  std::string path;                            // percent-decoded path, without the query
  std::map<std::string, std::string> query;    // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();

  // The header's value ("" when absent); `name` lower-case.
  std::string_view header(std::string_view name) const;
  // The query parameter's value, or nullopt when absent.
  std::optional<std::string> param(std::string_view name) const;
  // The value of one cookie ("" when absent).
  std::string cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
  std::string content_type = "application/json";
  std::string body;
  // A file to send as the body instead of `body` (downloads); empty for none.
  std::string file_path;
  // What a replay of this request under its Idempotency-Key answers instead of `body` (an answer
  // holding a secret shown once keeps a copy without it); nullopt: `body`.
  std::optional<std::string> replay_body;
  // Not sent: for the access log and the metrics — the caller's name and the route's pattern.
  std::string user;
  std::string route;

  void set_header(std::string name, std::string value);
  static HttpResponse json(int status, std::string body);
  static HttpResponse text(int status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");
};

// Percent-decodes `s` ('+' stays '+' in paths; in query strings it means a space). nullopt when an
// escape is malformed.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// Splits a request target into its decoded path and query parameters; false when malformed.
bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query);

// The reason phrase of a status code ("Not Found").
std::string_view status_reason(int status);

}  // namespace gradus::server
