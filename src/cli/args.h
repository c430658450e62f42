// Command-line plumbing shared by the gradus commands: a small option parser (--key value,
// --key=value, flags, repeated options) and the exit codes.
//
//   Args a = parse_args(argc, argv, 2, {"db", "as-of"}, {"dry-run"});
//   if (!a.error.empty()) return usage_error(a.error);
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace gradus {

// 0 everything succeeded; 1 some rows, firms or cases failed (the rest was done); 2 the command
// could not run.
constexpr int kOk = 0, kPartial = 1, kFailed = 2;

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;
  std::string error;

  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = options.find(k);
    return it == options.end() || it->second.empty() ? def : it->second.back();
  }
  std::vector<std::string> all(const std::string& k) const {
    auto it = options.find(k);
    return it == options.end() ? std::vector<std::string>{} : it->second;
  }
};

// Options named in `valued` take a value, those in `flags` do not; anything else is an error.
Args parse_args(int argc, char** argv, int start, std::initializer_list<const char*> valued,
                std::initializer_list<const char*> flags);

// Prints "gradus: MSG" and a pointer to --help; returns kFailed.
int usage_error(const std::string& msg);

}  // namespace gradus
