// The web UI's files served by `gradus serve --web-root DIR` (the built web/dist): a GET for a
// path outside /api/ answers the file of DIR it names; an app route (a path without a file
// extension, e.g. /enterprises/9132…) answers index.html, so that the browser app's own router
// shows it; a missing file with an extension (an old asset) is 404. Paths cannot leave DIR (the
// decoded path is resolved and must stay under it; no dotfiles). Hashed assets (/assets/…) are
// cached for a year, index.html is revalidated; every answer carries nosniff, a frame ban and a
// Content-Security-Policy of the app's own origin.
//
//   Result<StaticFiles> web = StaticFiles::open("web/dist");
//   std::optional<HttpResponse> r = web->serve("/pool");     // index.html
//
// Thread-safety: immutable after open(); serve() may run on every worker at once.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/http.h"

namespace gradus::server {

class StaticFiles {
 public:
  // `root` must be a directory holding index.html.
  static Result<StaticFiles> open(const std::string& root);
  // The answer for the decoded `path` of a GET, or nullopt when it names nothing.
  std::optional<HttpResponse> serve(const std::string& path) const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;  // canonical, without a trailing '/'
};

}  // namespace gradus::server
