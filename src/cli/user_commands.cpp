// gradus user: the accounts of the server (src/auth) from the command line — add, passwd,
// disable / enable, list, token, revoke-token. Passwords are read from standard input (never from
// an argument, which other users could see in the process list); a token is printed once.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "cli/commands.h"
#include "store/store.h"

namespace gradus {
namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string part(trim(std::string_view(text).substr(start, end - start)));
    if (!part.empty()) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

// The first line of standard input, without its line end.
bool read_password(Lang lang, std::string* out) {
  if (!std::getline(std::cin, *out)) {
    std::cerr << (lang == Lang::zh ? "gradus: 标准输入中没有密码（--password-stdin）\n"
                                   : "gradus: no password on standard input (--password-stdin)\n");
    return false;
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return true;
}

int report(const Status& s, Lang lang) {
  if (s.ok()) return kOk;
  std::cerr << "gradus: " << s.message.in(lang) << "\n";
  return kFailed;
}

std::string scope_text(const auth::User& u) {
  std::string out;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) out += (out.empty() ? "" : " ") + key + "=" + value;
  };
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  add("regions", joined(u.regions));
  add("parks", joined(u.parks));
  add("level", u.level);
  add("uscc", u.uscc);
  return out;
}

}  // namespace

int cmd_user(int argc, char** argv) {
  if (argc < 3)
    return usage_error(
        "user needs a subcommand: add, passwd, disable, enable, list, token, tokens, "
        "revoke-token");
  const std::string sub = argv[2];
  Args a = parse_args(
      argc, argv, 3,
      {"db", "lang", "actor", "role", "regions", "parks", "level", "uscc", "format", "label"},
      {"password-stdin"});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang))
    return usage_error("--lang must be zh or en");
  const bool zh = lang == Lang::zh;
  const bool needs_name = sub != "list";
  if (sub != "add" && sub != "passwd" && sub != "disable" && sub != "enable" && sub != "list" &&
      sub != "token" && sub != "tokens" && sub != "revoke-token") {
    return usage_error("unknown user subcommand '" + sub + "'");
  }
  if (needs_name && a.positional.size() != 1) return usage_error("user " + sub + " needs one NAME");
  if (!needs_name && !a.positional.empty()) return usage_error("user list takes no NAME");
  if ((sub == "add" || sub == "passwd") && !a.has("password-stdin")) {
    return usage_error("user " + sub + " needs --password-stdin (the password on standard input)");
  }
  if (sub == "revoke-token" && !a.has("label"))
    return usage_error("user revoke-token needs --label");
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json") return usage_error("--format must be text or json");
  const std::string name = needs_name ? a.positional[0] : std::string();
  const std::string actor = actor_name(a);

  std::string password;
  if (a.has("password-stdin") && !read_password(lang, &password)) return kFailed;
  auto db = open_store_or_report(a, lang);
  if (!db) return kFailed;
  auth::Accounts accounts(*db);

  if (sub == "add") {
    if (!a.has("role"))
      return usage_error("user add needs --role admin|official|reviewer|enterprise");
    std::optional<auth::Role> role = auth::parse_role(a.get("role"));
    if (!role) return usage_error("--role must be admin, official, reviewer or enterprise");
    auth::User u;
    u.name = name;
    u.role = *role;
    u.regions = split_commas(a.get("regions"));
    u.parks = split_commas(a.get("parks"));
    u.level = a.get("level");
    u.uscc = a.get("uscc");
    Result<auth::User> made = accounts.add_user(u, password, actor);
    if (!made) return report(made.error(), lang);
    std::printf(zh ? "已添加用户 %s（%s）%s\n" : "added user %s (%s) %s\n", made->name.c_str(),
                std::string(auth::role_id(made->role)).c_str(), scope_text(*made).c_str());
    return kOk;
  }
  if (sub == "passwd") {
    if (Status s = accounts.set_password(name, password, actor); !s.ok()) return report(s, lang);
    std::printf(zh ? "已更改用户 %s 的密码（其登录会话已结束）\n"
                   : "changed the password of %s (its sessions are ended)\n",
                name.c_str());
    return kOk;
  }
  if (sub == "disable" || sub == "enable") {
    const bool off = sub == "disable";
    if (Status s = accounts.set_disabled(name, off, actor); !s.ok()) return report(s, lang);
    std::printf(zh ? (off ? "已停用用户 %s\n" : "已启用用户 %s\n")
                   : (off ? "disabled user %s\n" : "enabled user %s\n"),
                name.c_str());
    return kOk;
  }
  if (sub == "list") {
    Result<std::vector<auth::User>> users = accounts.list_users();
    if (!users) return report(users.error(), lang);
    if (format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auth::User& u : *users) {
        out.push_back({{"name", u.name},
                       {"role", auth::role_id(u.role)},
                       {"regions", u.regions},
                       {"parks", u.parks},
                       {"level", u.level},
                       {"uscc", u.uscc},
                       {"disabled", u.disabled},
                       {"created_at", u.created_at}});
      }
      std::cout << out.dump(2) << "\n";
      return kOk;
    }
    if (users->empty())
      std::cout << (zh ? "没有用户（gradus init 创建第一个管理员）\n"
                       : "no users (gradus init creates the first admin)\n");
    for (const auth::User& u : *users) {
      std::cout << u.name << "  " << auth::role_id(u.role) << "  " << scope_text(u)
                << (u.disabled ? (zh ? "  [已停用]" : "  [disabled]") : "") << "\n";
    }
    return kOk;
  }
  if (sub == "token") {
    const std::string label = a.get("label", "default");
    Result<std::string> token = accounts.create_token(name, label, actor);
    if (!token) return report(token.error(), lang);
    std::cerr << (zh ? "用户 " + name + " 的 API 令牌（标签 " + label + "），只显示这一次：\n"
                     : "API token of " + name + " (label " + label + "), shown this once:\n");
    std::cout << *token << "\n";
    return kOk;
  }
  if (sub == "tokens") {
    Result<std::optional<auth::User>> found = accounts.find_user(name);
    if (!found) return report(found.error(), lang);
    if (!*found) {
      std::cerr << (zh ? "gradus: 没有用户 " + name + "\n" : "gradus: no user " + name + "\n");
      return kFailed;
    }
    Result<std::vector<auth::Accounts::TokenInfo>> tokens = accounts.tokens(name);
    if (!tokens) return report(tokens.error(), lang);
    if (tokens->empty()) std::cout << (zh ? "没有令牌\n" : "no tokens\n");
    for (const auto& t : *tokens) {
      std::cout << t.label << "  " << (zh ? "创建于 " : "created ") << t.created_at << "  "
                << (t.last_used_at.empty() ? (zh ? "未使用" : "never used")
                                           : (zh ? "最近使用 " : "last used ") + t.last_used_at)
                << (t.revoked ? (zh ? "  [已吊销]" : "  [revoked]") : "") << "\n";
    }
    return kOk;
  }
  // revoke-token
  const std::string label = a.get("label");
  if (Status s = accounts.revoke_token(name, label, actor); !s.ok()) return report(s, lang);
  std::printf(zh ? "已吊销用户 %s 标签为 %s 的令牌\n" : "revoked the token of %s labelled %s\n",
              name.c_str(), label.c_str());
  return kOk;
}

}  // namespace gradus
