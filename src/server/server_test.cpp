// Tests of the server's pieces that need no socket: target parsing, cookies, the router, problem
// details and the metrics text. The API over real HTTP is tested by tests/api (both backends).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "server/http.h"
#include "server/metrics.h"
#include "server/problem.h"
#include "server/router.h"
#include "server/static_files.h"

namespace gradus::server {
namespace {

TEST(Http, ParsesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> q;
  ASSERT_TRUE(parse_target("/api/v1/enterprises?park=%E8%8B%8F%E5%B7%9E&q=a+b&page=2", path, q));
  EXPECT_EQ(path, "/api/v1/enterprises");
  EXPECT_EQ(q["park"], "苏州");
  EXPECT_EQ(q["q"], "a b");
  EXPECT_EQ(q["page"], "2");
  EXPECT_FALSE(parse_target("/bad%zz", path, q));
  EXPECT_FALSE(parse_target("/bad%4", path, q));
  EXPECT_FALSE(parse_target("no-slash", path, q));
  ASSERT_TRUE(parse_target("/a%2Fb", path, q));
  EXPECT_EQ(path, "/a/b");
}

TEST(Http, ReadsOneCookieAmongSeveral) {
  HttpRequest r;
  r.headers["cookie"] = "theme=dark; gradus_session=abc123; other=x";
  EXPECT_EQ(r.cookie("gradus_session"), "abc123");
  EXPECT_EQ(r.cookie("missing"), "");
}

std::string header_of(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(StaticFiles, ServesFilesAppRoutesAndNothingOutsideTheRoot) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("gradus-web-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "dist" / "assets");
  std::ofstream(dir / "dist" / "index.html") << "<!doctype html><title>gradus</title>";
  std::ofstream(dir / "dist" / "assets" / "app-1a2b.js") << "console.log(1)";
  std::ofstream(dir / "dist" / ".env") << "SECRET=1";
  std::ofstream(dir / "secret.txt") << "outside";
  fs::create_symlink(dir / "secret.txt", dir / "dist" / "link.txt");
  EXPECT_FALSE(StaticFiles::open((dir / "missing").string()).ok());
  EXPECT_FALSE(StaticFiles::open((dir / "dist" / "assets").string()).ok());  // no index.html
  Result<StaticFiles> web = StaticFiles::open((dir / "dist").string());
  ASSERT_TRUE(web.ok()) << web.error().message.en;
  const std::string index = (fs::canonical(dir / "dist") / "index.html").string();
  for (const char* app_route : {"/", "/pool", "/enterprises/91320505MA1P7K3C1N", "/admin/users/"}) {
    std::optional<HttpResponse> r = web->serve(app_route);
    ASSERT_TRUE(r.has_value()) << app_route;
    EXPECT_EQ(r->file_path, index) << app_route;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header_of(*r, "Cache-Control"), "no-cache");
    EXPECT_NE(header_of(*r, "Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
  }
  std::optional<HttpResponse> js = web->serve("/assets/app-1a2b.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(header_of(*js, "Cache-Control").find("immutable"), std::string::npos);
  EXPECT_EQ(header_of(*js, "X-Content-Type-Options"), "nosniff");
  // A missing asset, dotfiles, "..", backslashes, NUL and a link leaving the root: nothing.
  for (const char* bad : {"/assets/old-9z9z.js", "/.env", "/assets/../.env", "/../secret.txt",
                          "/..\\secret.txt", "/link.txt", "relative"})
    EXPECT_FALSE(web->serve(bad).has_value()) << bad;
  EXPECT_FALSE(web->serve(std::string("/index.html\0.js", 15)).has_value());
  fs::remove_all(dir);
}

TEST(Router, MatchesCapturesAndTellsMethodNotAllowed) {
  Router router;
  int which = 0;
  router.add("GET", "/api/v1/enterprises/{uscc}", [&](HttpRequest&, const RouteParams&) {
    which = 1;
    return HttpResponse{};
  });
  router.add("GET", "/api/v1/enterprises/{uscc}/gaps", [&](HttpRequest&, const RouteParams&) {
    which = 2;
    return HttpResponse{};
  });
  router.add("PATCH", "/api/v1/enterprises/{uscc}", [&](HttpRequest&, const RouteParams&) {
    which = 3;
    return HttpResponse{};
  });
  router.add("GET", "/api/v1/jobs/{id}/result", [&](HttpRequest&, const RouteParams&) {
    which = 4;
    return HttpResponse{};
  });
  RouteMatch m = router.match("GET", "/api/v1/enterprises/91320505MA1P7K3C1N/gaps");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/enterprises/{uscc}/gaps");
  EXPECT_EQ(m.params["uscc"], "91320505MA1P7K3C1N");
  m = router.match("DELETE", "/api/v1/enterprises/X");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "PATCH"}));
  m = router.match("GET", "/api/v1/enterprises/");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_known);
  EXPECT_EQ(router.match("GET", "/api/v1/enterprises/x/y/z").route, nullptr);
}

TEST(Problem, IsProblemJsonInTheCallersLanguage) {
  HttpRequest req;
  req.headers["accept-language"] = "en-US,en;q=0.9";
  HttpResponse r = problem(req, 412, "precondition_failed");
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.content_type, "application/problem+json");
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["code"], "precondition_failed");
  EXPECT_EQ(j["status"], 412);
  EXPECT_NE(j["detail"].get<std::string>().find("someone else"), std::string::npos);
  req.headers["accept-language"] = "zh-CN";
  j = nlohmann::json::parse(problem(req, 412, "precondition_failed").body);
  EXPECT_NE(j["detail"].get<std::string>().find("他人"), std::string::npos);
  EXPECT_EQ(lang_of_header(""), Lang::zh);
}

TEST(Problem, FieldErrorsKeepRowColumnValueAndInvalidBytesAreCleaned) {
  Problem p{
      422, "import_failed", {}, {{"", "a.csv", 4, "revenue", "12,3O0\xE7", "", "not a number"}}};
  nlohmann::json j = nlohmann::json::parse(p.response(Lang::en).body);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["row"], 4);
  EXPECT_EQ(j["errors"][0]["column"], "revenue");
  EXPECT_EQ(j["errors"][0]["file"], "a.csv");
  EXPECT_EQ(j["errors"][0]["reason"], "not a number");
  EXPECT_EQ(j["errors"][0]["value"].get<std::string>().rfind("12,3O0", 0), 0u);
}

TEST(Metrics, CountsByRouteAndStatusWithHistograms) {
  Metrics m;
  m.observe_request("/api/v1/enterprises/{uscc}", 200, 0.003);
  m.observe_request("/api/v1/enterprises/{uscc}", 200, 0.2);
  m.observe_request("/api/v1/enterprises/{uscc}", 404, 0.001);
  m.set_gauge("gradus_pool_enterprises", "Enterprises in memory", 913);
  const std::string text = m.render();
  EXPECT_NE(
      text.find(
          "gradus_http_requests_total{route=\"/api/v1/enterprises/{uscc}\",status=\"200\"} 2"),
      std::string::npos);
  EXPECT_NE(text.find("status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(text.find("gradus_http_request_duration_seconds_bucket{route=\"/api/v1/enterprises/"
                      "{uscc}\",le=\"0.005\"} 2"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          "gradus_http_request_duration_seconds_count{route=\"/api/v1/enterprises/{uscc}\"} 3"),
      std::string::npos);
  EXPECT_NE(text.find("gradus_pool_enterprises 913"), std::string::npos);
}

}  // namespace
}  // namespace gradus::server
