// The option parser of the gradus command line (see args.h).
#include "cli/args.h"

#include <algorithm>
#include <iostream>

namespace gradus {

Args parse_args(int argc, char** argv, int start, std::initializer_list<const char*> valued,
                std::initializer_list<const char*> flags) {
  Args a;
  for (int i = start; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) {
      a.positional.push_back(s);
      continue;
    }
    std::string key = s.substr(2), value;
    size_t eq = key.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) value = key.substr(eq + 1), key = key.substr(0, eq);
    bool is_valued = std::find_if(valued.begin(), valued.end(), [&](const char* v) { return key == v; }) != valued.end();
    bool is_flag = std::find_if(flags.begin(), flags.end(), [&](const char* v) { return key == v; }) != flags.end();
    if (!is_valued && !is_flag) {
      a.error = "unknown option --" + key;
      return a;
    }
    if (is_valued && !has_value) {
      if (i + 1 >= argc) {
        a.error = "--" + key + " needs a value";
        return a;
      }
      value = argv[++i];
    }
    a.options[key].push_back(value);
  }
  return a;
}

int usage_error(const std::string& msg) {
  std::cerr << "gradus: " << msg << "\n(see gradus --help)\n";
  return kFailed;
}

}  // namespace gradus
