// The Beast/Asio implementation of HttpServer (http_server.h): one acceptor, a connection object
// per client reading requests with deadlines and size limits, requests handed to a worker pool and
// answered on the connection's strand, and the graceful stop.
#include "server/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "core/text.h"
#include "server/metrics.h"

namespace gradus::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A JSON string literal of `s` (already valid UTF-8 or cleaned by the caller).
std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string utc_now() {
  std::timespec ts{};
  std::timespec_get(&ts, TIME_UTC);
  std::tm tm{};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
  return buf;
}

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  Handler handler;
  ErrorResponder errors;
  Metrics* metrics = nullptr;

  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc};
  std::unique_ptr<asio::thread_pool> workers;
  uint16_t bound_port = 0;

  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};  // requests handed to the workers whose answer is not written yet
  std::mutex log_mu;

  void accept();
  void begin_stop();
  void log(const HttpRequest& req, const HttpResponse& res, uint64_t bytes, double seconds);
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(server_.options.header_limit);
    parser_->body_limit(server_.options.body_limit);
    // The first request of a connection and each following one must arrive in full before the
    // deadline: a client trickling bytes is cut off (a keep-alive wait counts as idle time).
    stream_.expires_after(first_ ? server_.options.request_timeout : server_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    first_ = false;
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close();
    std::string lang;
    if (parser_->is_header_done()) lang = std::string(parser_->get()[http::field::accept_language]);
    if (ec == http::error::body_limit) return refuse(413, "payload_too_large", lang);
    if (ec == http::error::header_limit) return refuse(431, "headers_too_large", lang);
    if (ec) return refuse(400, "malformed_request", lang);

    http::request<http::string_body> msg = parser_->release();
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string& v = req->headers[name];
      if (!v.empty()) v += name == "cookie" ? "; " : ", ";
      v += std::string(f.value());
    }
    req->body = std::move(msg.body());
    beast::error_code ignore;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ignore);
    req->remote_address = ignore ? "" : remote.address().to_string();
    req->received = std::chrono::steady_clock::now();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    if (server_.stopping) return refuse(503, "shutting_down", lang, req.get());
    if (!parse_target(req->target, req->path, req->query))
      return refuse(400, "malformed_request", lang, req.get());

    // The request is handled on a worker; the answer is written back on this connection's strand.
    stream_.expires_never();
    // In flight until its answer is written out (after_write), so that a graceful stop does not
    // tear down a connection whose answer is still being sent.
    ++server_.in_flight;
    counted_ = true;
    auto self = shared_from_this();
    asio::post(*server_.workers, [self, req] {
      HttpResponse res;
      try {
        res = self->server_.handler(*req);
      } catch (const std::exception& e) {
        res = self->server_.errors(500, "internal_error",
                                   std::string(req->header("accept-language")));
        std::cerr << "gradus serve: " << req->method << " " << req->path << ": " << e.what()
                  << "\n";
      }
      asio::post(self->stream_.get_executor(), [self, req, res = std::move(res)]() mutable {
        self->write(*req, std::move(res));
      });
    });
  }

  // Answers an error the server detects itself, then closes the connection.
  void refuse(int status, const std::string& code, const std::string& lang,
              const HttpRequest* req = nullptr) {
    HttpRequest blank;
    keep_alive_ = false;
    // Counted until written, like a handled request: a graceful stop waits for the 503s too.
    if (!counted_) {
      counted_ = true;
      ++server_.in_flight;
    }
    // The client may still be sending (a body over the limit): after the answer, the rest is
    // read and dropped for a while before closing, so that the client reads the answer instead
    // of a reset connection.
    drain_ = true;
    HttpResponse res = server_.errors(status, code, lang);
    res.route = "(refused)";
    write(req ? *req : blank, std::move(res));
  }

  void write(const HttpRequest& req, HttpResponse res) {
    if (server_.stopping) keep_alive_ = false;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received).count();
    auto fill = [&](auto& msg) {
      msg.version(version_);
      msg.result(static_cast<unsigned>(res.status));
      msg.set(http::field::server, "gradus");
      if (!res.content_type.empty() && res.status != 204)
        msg.set(http::field::content_type, res.content_type);
      for (const auto& [name, value] : res.headers) msg.insert(name, value);
      msg.keep_alive(keep_alive_);
    };
    uint64_t bytes = 0;
    if (!res.file_path.empty()) {
      auto msg = std::make_shared<http::response<http::file_body>>();
      fill(*msg);
      beast::error_code ec;
      msg->body().open(res.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) {
        res = server_.errors(500, "internal_error", std::string(req.header("accept-language")));
        res.file_path.clear();
        return write(req, std::move(res));
      }
      msg->prepare_payload();
      bytes = msg->body().size();
      log_and_count(req, res, bytes, seconds);
      stream_.expires_after(server_.options.request_timeout * 4);
      http::async_write(
          stream_, *msg,
          [self = shared_from_this(), msg](beast::error_code e, size_t) { self->after_write(e); });
      return;
    }
    auto msg = std::make_shared<http::response<http::string_body>>();
    fill(*msg);
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    bytes = msg->body().size();
    log_and_count(req, res, bytes, seconds);
    stream_.expires_after(server_.options.request_timeout * 4);
    http::async_write(stream_, *msg, [self = shared_from_this(), msg](beast::error_code e, size_t) {
      self->after_write(e);
    });
  }

  void log_and_count(const HttpRequest& req, const HttpResponse& res, uint64_t bytes,
                     double seconds) {
    if (server_.metrics)
      server_.metrics->observe_request(res.route.empty() ? "(none)" : res.route, res.status,
                                       seconds);
    if (server_.options.access_log) server_.log(req, res, bytes, seconds);
  }

  void after_write(beast::error_code ec) {
    if (counted_) {
      counted_ = false;
      --server_.in_flight;
    }
    if (!ec && drain_) return drain();
    if (ec || !keep_alive_) return close();
    read();
  }

  // Half-closes, then discards what the client still sends, for at most kDrainTime or kDrainBytes.
  static constexpr auto kDrainTime = std::chrono::seconds(5);
  static constexpr size_t kDrainBytes = 64ull * 1024 * 1024;
  void drain() {
    beast::error_code ignore;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignore);
    stream_.expires_after(kDrainTime);
    discard_.resize(64 * 1024);
    stream_.async_read_some(asio::buffer(discard_),
                            beast::bind_front_handler(&Connection::on_drain, shared_from_this()));
  }

  void on_drain(beast::error_code ec, size_t n) {
    drained_ += n;
    if (ec || drained_ > kDrainBytes) return close();
    stream_.async_read_some(asio::buffer(discard_),
                            beast::bind_front_handler(&Connection::on_drain, shared_from_this()));
  }

  void close() {
    beast::error_code ignore;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignore);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  bool first_ = true;
  bool drain_ = false;
  bool counted_ = false;  // a handled request of this connection is in server_.in_flight
  std::vector<char> discard_;
  size_t drained_ = 0;
  unsigned version_ = 11;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    } else {
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    if (!stopping) accept();
  });
}

void HttpServer::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  asio::post(ioc, [this] {
    beast::error_code ignore;
    // Connections the kernel completed but the server had not accepted yet would be reset when
    // the listener closes: they are taken first, so that their requests get an answer (503).
    acceptor.non_blocking(true, ignore);
    for (;;) {
      tcp::socket socket(asio::make_strand(ioc));
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) break;
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    acceptor.close(ignore);
    signals.cancel(ignore);
  });
}

void HttpServer::Impl::log(const HttpRequest& req, const HttpResponse& res, uint64_t bytes,
                           double seconds) {
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.6f", seconds);
  std::string line =
      "{\"time\":\"" + utc_now() + "\",\"user\":" + json_quote(clean_utf8(res.user)) +
      ",\"remote\":" + json_quote(req.remote_address) +
      ",\"method\":" + json_quote(clean_utf8(req.method)) +
      ",\"path\":" + json_quote(clean_utf8(req.path.empty() ? req.target : req.path)) +
      ",\"route\":" + json_quote(res.route) + ",\"status\":" + std::to_string(res.status) +
      ",\"bytes\":" + std::to_string(bytes) + ",\"duration\":" + dur + "}\n";
  std::lock_guard lock(log_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

HttpServer::HttpServer(ServerOptions options, Handler handler, ErrorResponder errors,
                       Metrics* metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->errors = std::move(errors);
  impl_->metrics = metrics;
  unsigned n = impl_->options.workers;
  if (n == 0) n = std::max(2u, std::thread::hardware_concurrency());
  impl_->options.workers = n;
  impl_->workers = std::make_unique<asio::thread_pool>(n);
}

HttpServer::~HttpServer() {
  if (impl_->workers) impl_->workers->join();
}

Status HttpServer::listen() {
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(impl_->options.host, ec);
  if (ec)
    return invalid("监听地址无效（应为 IP 地址）：" + impl_->options.host,
                   "the listen address is not an IP address: " + impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  const std::string where = impl_->options.host + ":" + std::to_string(impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return error(
        StatusCode::io_error,
        "无法监听 " + where + "：" + ec.message() + "（端口是否已被占用？可用 --listen 换一个）",
        "cannot listen on " + where + ": " + ec.message() +
            " (is the port in use? choose another with --listen)");
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  return Status::ok_status();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::run() {
  Impl& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.add(SIGTERM);
    s.signals.add(SIGINT);
    s.signals.async_wait([&s](beast::error_code ec, int) {
      if (!ec) s.begin_stop();
    });
  }
  s.accept();
  // Keeps the context running while connections drain after the acceptor closed.
  auto guard = asio::make_work_guard(s.ioc);
  std::vector<std::thread> net;
  const unsigned threads = std::max(1u, s.options.network_threads);
  for (unsigned i = 0; i < threads; ++i) net.emplace_back([&s] { s.ioc.run(); });
  // Waits for the stop, then for the requests in flight (up to the drain timeout), then gives
  // the connections a moment to write their last answers.
  while (!s.stopping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Done when nothing has been in flight for a while: a request still arriving on a connection
  // accepted before the stop is read, answered (503) and written out before the end.
  const auto deadline = std::chrono::steady_clock::now() + s.options.drain_timeout;
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = std::chrono::steady_clock::now();
    if (s.in_flight > 0)
      quiet_since = now;
    else if (now - quiet_since >= std::chrono::milliseconds(300))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  guard.reset();
  s.ioc.stop();
  for (std::thread& t : net) t.join();
  s.workers->join();
}

void HttpServer::stop() { impl_->begin_stop(); }

}  // namespace gradus::server
