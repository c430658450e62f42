// gradus serve: the platform server (src/server) on a store — the HTTP API for officials, firms,
// reviewers and integrations. Prints the address it listens on, then one JSON access-log line per
// request on stderr; stops gracefully on SIGTERM / SIGINT.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/problem.h"
#include "store/store.h"

namespace gradus {

int cmd_serve(int argc, char** argv) {
  Args a = parse_args(
      argc, argv, 2,
      {"listen", "db", "workers", "jobs-dir", "lang", "body-limit-mb", "web-root", "today"},
      {"routes", "no-access-log"});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang))
    return usage_error("--lang must be zh or en");
  server::ServerOptions so;
  const std::string listen = a.get("listen", "127.0.0.1:8080");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size() ||
      listen.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      listen.size() - colon > 6)
    return usage_error("--listen must be HOST:PORT (e.g. 127.0.0.1:8080; port 0 picks a free one)");
  so.host = listen.substr(0, colon);
  if (so.host.size() > 2 && so.host.front() == '[' && so.host.back() == ']')
    so.host = so.host.substr(1, so.host.size() - 2);
  const unsigned long port = std::stoul(listen.substr(colon + 1));
  if (port > 65535) return usage_error("--listen: the port must be 0–65535");
  so.port = static_cast<uint16_t>(port);
  if (a.has("workers")) {
    const std::string w = a.get("workers");
    if (w.empty() || w.size() > 3 || w.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(w) == 0)
      return usage_error("--workers must be a number from 1 to 999");
    so.workers = static_cast<unsigned>(std::stoul(w));
  }
  if (a.has("body-limit-mb")) {
    const std::string m = a.get("body-limit-mb");
    if (m.empty() || m.size() > 5 || m.find_first_not_of("0123456789") != std::string::npos)
      return usage_error("--body-limit-mb must be a whole number of MiB");
    so.body_limit = std::stoull(m) * 1024 * 1024;
  }
  so.access_log = !a.has("no-access-log");

  server::ApiOptions ao;
  ao.db_url = store::database_url(a.get("db"));
  ao.jobs_dir = a.get("jobs-dir");
  ao.web_root = a.get("web-root");
  if (a.has("today")) {
    // A test clock moves every deadline: never by accident on a real store.
    const char* allow = std::getenv("GRADUS_ALLOW_TEST_CLOCK");
    if (allow == nullptr || std::string(allow) != "1")
      return usage_error("--today is a test clock: it needs GRADUS_ALLOW_TEST_CLOCK=1");
    Result<Date> d = Date::parse(a.get("today"));
    if (!d) return usage_error("--today must be a date (YYYY-MM-DD)");
    ao.today = *d;
  }
  ao.threads = so.workers;
  server::Metrics metrics;
  Result<std::unique_ptr<server::Api>> api = server::Api::create(ao, &metrics);
  if (!api) return std::cerr << "gradus: " << api.error().message.in(lang) << "\n", kFailed;
  if (a.has("routes")) {
    for (const auto& [method, pattern] : (*api)->routes())
      std::cout << method << " " << pattern << "\n";
    return kOk;
  }
  server::Api& handler = **api;
  server::HttpServer http(
      so, [&handler](server::HttpRequest& r) { return handler.handle(r); },
      [](int status, const std::string& code, const std::string& accept_language) {
        return server::Problem{status, code, {}, {}}.response(
            server::lang_of_header(accept_language));
      },
      &metrics);
  if (Status s = http.listen(); !s.ok())
    return std::cerr << "gradus: " << s.message.in(lang) << "\n", kFailed;
  const std::string url = "http://" +
                          (so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host) +
                          ":" + std::to_string(http.port());
  std::printf(lang == Lang::zh
                  ? "gradus serve：%s 已启动（企业库 %s）；按 Ctrl+C 或发送 SIGTERM 停止\n"
                  : "gradus serve: listening on %s (store %s); Ctrl+C or SIGTERM stops it\n",
              url.c_str(), ao.db_url.c_str());
  std::fflush(stdout);
  http.run();
  std::printf(lang == Lang::zh ? "gradus serve：已停止\n" : "gradus serve: stopped\n");
  return kOk;
}

}  // namespace gradus
