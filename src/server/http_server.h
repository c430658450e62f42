// The HTTP/1.1 server under `gradus serve`: asynchronous (Boost.Beast on Asio; a few network
// threads serve every connection, requests are handled on a separate pool of worker threads so a
// slow store call never stalls the network), keep-alive, limits on header and body size, a
// deadline for each request's arrival (a client sending one byte a second is cut off), structured
// access log lines, and a graceful stop: on SIGTERM/SIGINT the listener closes, requests in
// flight finish and are answered, requests arriving after are refused (503), then run() returns.
//
//   HttpServer server({.host = "127.0.0.1", .port = 8080, .workers = 4},
//                     [&](HttpRequest& r) { return api.handle(r); }, make_problem);
//   Status s = server.listen();            // binds (port 0 picks a free one: server.port())
//   server.run();                          // until SIGTERM / SIGINT / stop()
//
// Thread-safety: the handler is called from several worker threads at once. stop() may be called
// from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/http.h"

namespace gradus::server {

class Metrics;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  unsigned workers = 0;          // request handler threads; 0: the number of cores (at least 2)
  unsigned network_threads = 1;  // threads running the sockets
  uint32_t header_limit = 16 * 1024;           // bytes of request line + headers
  uint64_t body_limit = 256ull * 1024 * 1024;  // bytes of a request body (imports are files)
  std::chrono::seconds request_timeout{30};    // a request must have fully arrived by then
  std::chrono::seconds idle_timeout{60};       // keep-alive connection without a request
  std::chrono::seconds drain_timeout{60};      // on stop: how long requests in flight may take
  bool access_log = true;                      // one JSON line per request on stderr
  bool handle_signals = true;                  // stop on SIGTERM / SIGINT
};

using Handler = std::function<HttpResponse(HttpRequest&)>;
// Builds the body of an error the server answers itself (413 body too large, 431 headers too
// large, 400 malformed request, 503 shutting down), in the language of `accept_language`.
using ErrorResponder = std::function<HttpResponse(int status, const std::string& code,
                                                  const std::string& accept_language)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler, ErrorResponder errors,
             Metrics* metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; an unavailable address is an error naming it.
  Status listen();
  // The port listened on (after listen()).
  uint16_t port() const;
  // Serves until stop() or a signal; then drains (see above) and returns.
  void run();
  // Begins the graceful stop.
  void stop();

  struct Impl;  // the Beast side (http_server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gradus::server
