// Serving the web UI's built files (static_files.h).
#include "server/static_files.h"

#include <filesystem>
#include <string_view>

namespace gradus::server {

namespace {

namespace fs = std::filesystem;

std::string content_type_of(std::string_view ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff") return "font/woff";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ttf") return "font/ttf";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

HttpResponse file_response(const fs::path& file, bool immutable) {
  HttpResponse r;
  r.file_path = file.string();
  r.content_type = content_type_of(file.extension().string());
  r.set_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Referrer-Policy", "same-origin");
  // The app loads only its own files; Element Plus sets inline styles, ECharts draws on canvas and
  // exports PNGs as data: URLs.
  r.set_header("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
               "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors "
               "'none'; base-uri 'self'");
  return r;
}

}  // namespace

Result<StaticFiles> StaticFiles::open(const std::string& root) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec))
    return error(StatusCode::not_found,
                 "网页目录 " + root + " 不存在（先在 web/ 中 npm run build）",
                 "the web root " + root + " does not exist (run npm run build in web/ first)");
  if (!fs::is_regular_file(canonical / "index.html", ec))
    return error(StatusCode::not_found, "网页目录 " + root + " 中没有 index.html",
                 "the web root " + root + " has no index.html");
  StaticFiles s;
  s.root_ = canonical.string();
  return s;
}

std::optional<HttpResponse> StaticFiles::serve(const std::string& path) const {
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) return std::nullopt;
  const fs::path root(root_);
  // Every segment plain: no "..", no dotfiles (.env, .git), no backslashes.
  std::string_view rest(path);
  rest.remove_prefix(1);
  fs::path relative;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    if (!seg.empty()) {
      if (seg[0] == '.' || seg.find('\\') != std::string_view::npos) return std::nullopt;
      relative /= std::string(seg);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::error_code ec;
  if (!relative.empty()) {
    const fs::path file = fs::weakly_canonical(root / relative, ec);
    const std::string f = file.string();
    const bool inside = !ec && f.size() > root_.size() && f.compare(0, root_.size(), root_) == 0 &&
                        f[root_.size()] == '/';
    if (inside && fs::is_regular_file(file, ec))
      return file_response(file, relative.begin()->string() == "assets");
    // A path naming a file (it has an extension) that is not there: nothing.
    if (relative.has_extension()) return std::nullopt;
  }
  return file_response(root / "index.html", false);
}

}  // namespace gradus::server
