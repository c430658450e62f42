// Accounts of the gradus server (see accounts.h): users, logins, sessions, API tokens and kept
// idempotent responses, in the store's database.
#include "auth/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/region.h"
#include "core/uscc.h"
#include "store/schema.h"
#include "store/tables.h"

namespace gradus::auth {
namespace {

using store::SqlParam;
using store::SqlRows;

constexpr size_t kMinPassword = 10;
constexpr std::string_view kTokenPrefix = "gradus_";

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // libsodium cannot work without a random source
  });
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

// A password a person can type: base64url without padding.
std::string random_password() {
  unsigned char raw[15];
  randombytes_buf(raw, sizeof raw);
  std::string out(sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// ISO UTC text ("2026-12-02T08:15:30[.123456]Z") ↔ microseconds since 1970.
std::optional<int64_t> parse_time(std::string_view t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const std::string text(t);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6)
    return std::nullopt;
  int64_t micros = 0;
  size_t at = static_cast<size_t>(n);
  if (at < text.size() && text[at] == '.') {
    int digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      if (digits++ < 6) micros = micros * 10 + (text[at] - '0');
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + micros;
}

std::string format_time(int64_t micros) {
  const std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1000000));
  return buf;
}

std::string plus(const std::string& time, std::chrono::minutes m) {
  const std::optional<int64_t> t = parse_time(time);
  return format_time(t.value_or(0) + static_cast<int64_t>(m.count()) * 60 * 1000000);
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ";") + p;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  });
}

Status bad_name(std::string_view n) {
  return invalid(
      "用户名“" + std::string(n) + "”无效：只能用 1–64 个字母、数字或 . _ @ -",
      "the user name '" + std::string(n) + "' is invalid: use 1–64 letters, digits or . _ @ -");
}

Status no_user(std::string_view n) {
  return error(StatusCode::not_found, "没有用户“" + std::string(n) + "”",
               "there is no user '" + std::string(n) + "'");
}

Status check_password(std::string_view p) {
  if (p.size() >= kMinPassword) return Status::ok_status();
  return invalid("密码太短：至少需要 " + std::to_string(kMinPassword) + " 个字符",
                 "the password is too short: it needs at least " + std::to_string(kMinPassword) +
                     " characters");
}

Status wrong_credentials() {
  return error(StatusCode::unauthenticated, "用户名或密码错误", "wrong user name or password");
}

nlohmann::json user_json(const User& u) {
  return {{"name", u.name},        {"role", role_id(u.role)}, {"regions", u.regions},
          {"parks", u.parks},      {"level", u.level},        {"uscc", u.uscc},
          {"disabled", u.disabled}};
}

// Drains a cursor (a result must be read to its end before the next statement).
Status finish(SqlRows& r) {
  while (r.next()) {
  }
  return r.status();
}

// Runs `body` in one write transaction: COMMIT when it succeeds, ROLLBACK otherwise.
// The same columns as kUserColumns (below), of `users u` joined to sessions or tokens.
constexpr std::string_view kJoinedUserColumns =
    "u.name, u.role, u.regions, u.parks, u.level, u.uscc, u.disabled, u.created_at";

User user_from_row(SqlRows& r) {
  // name, role, regions, parks, level, uscc, disabled, created_at
  User u;
  u.name = r.text(0);
  u.role = parse_role(r.text(1)).value_or(Role::enterprise);
  u.regions = split(r.text(2));
  u.parks = split(r.text(3));
  u.level = r.text(4);
  u.uscc = r.text(5);
  u.disabled = r.integer(6) != 0;
  u.created_at = r.text(7);
  return u;
}

constexpr std::string_view kUserColumns =
    "name, role, regions, parks, level, uscc, disabled, created_at";

}  // namespace

std::string_view role_id(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::official:
      return "official";
    case Role::reviewer:
      return "reviewer";
    case Role::enterprise:
      return "enterprise";
  }
  return "enterprise";
}

std::optional<Role> parse_role(std::string_view id) {
  for (Role r : {Role::admin, Role::official, Role::reviewer, Role::enterprise}) {
    if (role_id(r) == id) return r;
  }
  return std::nullopt;
}

std::string token_hash(std::string_view token) {
  init_sodium();
  return store::sha256_hex(token);
}

Accounts::Accounts(store::Store& store, AccountsOptions options)
    : store_(store), options_(std::move(options)) {
  init_sodium();
  if (options_.pwhash_opslimit == 0) options_.pwhash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  if (options_.pwhash_memlimit == 0) options_.pwhash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

std::string Accounts::now() const { return options_.now ? options_.now() : store::now_timestamp(); }

std::string Accounts::hash_password(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.pwhash_opslimit,
                            options_.pwhash_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};
  }
  return out;
}

Status Accounts::check_user(User& u) const {
  if (!valid_name(u.name)) return bad_name(u.name);
  const std::string who = "用户“" + u.name + "”（" + std::string(role_id(u.role)) + "）";
  const std::string who_en = "user '" + u.name + "' (" + std::string(role_id(u.role)) + ")";
  auto refuse = [&](std::string zh, std::string en) {
    return invalid(who + "：" + zh, who_en + ": " + en);
  };
  const bool scoped = !u.regions.empty() || !u.parks.empty();
  for (std::string& code : u.regions) {
    const bool digits =
        std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (code.size() != 2 && code.size() != 4 && code.size() != 6)) {
      return refuse(
          "地区代码“" + code + "”无效：应为 2、4 或 6 位数字（GB/T 2260，如 32、3205、320571）",
          "the region code '" + code +
              "' is invalid: give 2, 4 or 6 digits of a GB/T 2260 code (32, 3205, 320571)");
    }
    Result<RegionCode> r = RegionCode::parse(code + std::string(6 - code.size(), '0'));
    if (!r) {
      return refuse("地区代码“" + code + "”无效：" + r.error().message.zh,
                    "the region code '" + code + "' is invalid: " + r.error().message.en);
    }
    if (code.size() == 6) code = r->str();  // a retired county code becomes its successor
  }
  for (const std::string& park : u.parks) {
    if (park.empty() || park.find_first_of(";,") != std::string::npos || park.size() > 200) {
      return refuse("园区名称“" + park + "”无效：不能为空，不能含 ; 或 ,",
                    "the park name '" + park + "' is invalid: it must not be empty or hold ; or ,");
    }
  }
  switch (u.role) {
    case Role::admin:
      if (scoped || !u.level.empty() || !u.uscc.empty())
        return refuse("管理员不带地区、园区、级别或企业代码",
                      "an admin takes no regions, parks, level or USCC");
      break;
    case Role::official:
      if (!scoped)
        return refuse("主管部门用户至少需要一个地区代码（--regions）或园区（--parks）",
                      "an official needs at least one region code (--regions) or park (--parks)");
      if (!u.level.empty() || !u.uscc.empty())
        return refuse("主管部门用户不带级别或企业代码", "an official takes no level or USCC");
      break;
    case Role::reviewer: {
      const bool known = std::find(std::begin(kReviewerLevels), std::end(kReviewerLevels),
                                   u.level) != std::end(kReviewerLevels);
      if (!known)
        return refuse(
            "评审用户需要级别（--level）：park、county、city、province 或 ministry，而不是“" +
                u.level + "”",
            "a reviewer needs a level (--level): park, county, city, province or ministry, not '" +
                u.level + "'");
      if (!u.uscc.empty()) return refuse("评审用户不带企业代码", "a reviewer takes no USCC");
      break;
    }
    case Role::enterprise: {
      if (scoped || !u.level.empty())
        return refuse(
            "企业用户只带统一社会信用代码（--uscc），不带地区、园区或级别",
            "an enterprise user takes only its USCC (--uscc), no regions, parks or level");
      if (u.uscc.empty())
        return refuse("企业用户需要统一社会信用代码（--uscc）",
                      "an enterprise user needs its USCC (--uscc)");
      Result<Uscc> code = Uscc::parse(u.uscc);
      if (!code)
        return refuse("统一社会信用代码无效：" + code.error().message.zh,
                      "the USCC is invalid: " + code.error().message.en);
      u.uscc = code->str();
      break;
    }
  }
  return Status::ok_status();
}

Result<std::optional<User>> Accounts::read_user(std::string_view name, std::string* password_hash,
                                                int64_t* failed_logins, std::string* locked_until) {
  const SqlParam p[] = {std::string(name)};
  auto rows = store_.connection().query(
      "SELECT " + std::string(kUserColumns) +
          ", password_hash, failed_logins, locked_until FROM users WHERE name = ?",
      p);
  if (!rows) return rows.error();
  SqlRows& r = **rows;
  std::optional<User> out;
  if (r.next()) {
    out = user_from_row(r);
    if (password_hash != nullptr) *password_hash = r.text(8);
    if (failed_logins != nullptr) *failed_logins = r.integer(9);
    if (locked_until != nullptr) *locked_until = r.text(10);
  }
  if (Status s = finish(r); !s.ok()) return s;
  return out;
}

Result<User> Accounts::add_user(const User& given, std::string_view password,
                                std::string_view actor) {
  User u = given;
  if (Status s = check_user(u); !s.ok()) return s;
  if (Status s = check_password(password); !s.ok()) return s;
  const std::string hash = hash_password(password);
  if (hash.empty())
    return error(StatusCode::internal, "无法计算密码哈希（内存不足）",
                 "cannot hash the password (out of memory)");
  store::SqlConnection& c = store_.connection();
  Status s = store::in_write_transaction(c, [&]() -> Status {
    Result<std::optional<User>> existing = read_user(u.name, nullptr, nullptr, nullptr);
    if (!existing) return existing.error();
    if (existing->has_value()) {
      return error(StatusCode::failed_precondition, "用户“" + u.name + "”已存在",
                   "the user '" + u.name + "' already exists");
    }
    u.created_at = now();
    const SqlParam p[] = {
        u.name, std::string(role_id(u.role)), join(u.regions), join(u.parks), u.level, u.uscc,
        hash,   int64_t{u.disabled ? 1 : 0},  u.created_at,    u.created_at};
    if (Status w =
            c.run("INSERT INTO users (name, role, regions, parks, level, uscc, password_hash, "
                  "disabled, failed_logins, locked_until, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)",
                  p);
        !w.ok())
      return w;
    return store_.append_audit(actor, "user.add", std::nullopt, user_json(u).dump(), true);
  });
  if (!s.ok()) return s;
  return u;
}

Status Accounts::write_user(const User& u, std::string_view action, std::string_view actor,
                            const std::string& detail_json, bool end_sessions) {
  store::SqlConnection& c = store_.connection();
  return store::in_write_transaction(c, [&]() -> Status {
    const SqlParam p[] = {
        std::string(role_id(u.role)), join(u.regions), join(u.parks), u.level, u.uscc,
        int64_t{u.disabled ? 1 : 0},  now(),           u.name};
    if (Status w = c.run("UPDATE users SET role = ?, regions = ?, parks = ?, level = ?, uscc = ?, "
                         "disabled = ?, updated_at = ? WHERE name = ?",
                         p);
        !w.ok())
      return w;
    if (end_sessions) {
      const SqlParam n[] = {u.name};
      if (Status w = c.run("DELETE FROM sessions WHERE user_name = ?", n); !w.ok()) return w;
    }
    return store_.append_audit(actor, action, std::nullopt, detail_json, true);
  });
}

Status Accounts::update_user(const User& given, std::string_view actor) {
  User u = given;
  if (Status s = check_user(u); !s.ok()) return s;
  Result<std::optional<User>> before = find_user(u.name);
  if (!before) return before.error();
  if (!before->has_value()) return no_user(u.name);
  const nlohmann::json detail = {{"before", user_json(**before)}, {"after", user_json(u)}};
  return write_user(u, "user.update", actor, detail.dump(), u.disabled);
}

Status Accounts::set_disabled(std::string_view name, bool disabled, std::string_view actor) {
  Result<std::optional<User>> found = find_user(name);
  if (!found) return found.error();
  if (!found->has_value()) return no_user(name);
  User u = **found;
  u.disabled = disabled;
  const nlohmann::json detail = {{"name", u.name}, {"disabled", disabled}};
  return write_user(u, "user.disable", actor, detail.dump(), disabled);
}

Status Accounts::set_password(std::string_view name, std::string_view password,
                              std::string_view actor) {
  if (!valid_name(name)) return bad_name(name);
  if (Status s = check_password(password); !s.ok()) return s;
  const std::string hash = hash_password(password);
  if (hash.empty())
    return error(StatusCode::internal, "无法计算密码哈希（内存不足）",
                 "cannot hash the password (out of memory)");
  store::SqlConnection& c = store_.connection();
  return store::in_write_transaction(c, [&]() -> Status {
    Result<std::optional<User>> found = read_user(name, nullptr, nullptr, nullptr);
    if (!found) return found.error();
    if (!found->has_value()) return no_user(name);
    const SqlParam p[] = {hash, now(), std::string(name)};
    if (Status w =
            c.run("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, "
                  "updated_at = ? WHERE name = ?",
                  p);
        !w.ok())
      return w;
    const SqlParam n[] = {std::string(name)};
    if (Status w = c.run("DELETE FROM sessions WHERE user_name = ?", n); !w.ok()) return w;
    const nlohmann::json detail = {{"name", name}};
    return store_.append_audit(actor, "user.passwd", std::nullopt, detail.dump(), true);
  });
}

Result<std::vector<User>> Accounts::list_users() {
  auto rows = store_.connection().query("SELECT " + std::string(kUserColumns) +
                                        " FROM users ORDER BY name");
  if (!rows) return rows.error();
  std::vector<User> out;
  while ((*rows)->next()) out.push_back(user_from_row(**rows));
  if (Status s = (*rows)->status(); !s.ok()) return s;
  return out;
}

Result<std::optional<User>> Accounts::find_user(std::string_view name) {
  if (!valid_name(name)) return std::optional<User>();
  return read_user(name, nullptr, nullptr, nullptr);
}

Result<std::optional<std::string>> Accounts::locked_until(std::string_view name) {
  if (!valid_name(name)) return std::optional<std::string>();
  std::string until;
  Result<std::optional<User>> found = read_user(name, nullptr, nullptr, &until);
  if (!found) return found.error();
  if (!found->has_value() || until.empty() || until <= now()) return std::optional<std::string>();
  return std::optional<std::string>(until);
}

Result<Session> Accounts::login(std::string_view name, std::string_view password) {
  std::string hash, until;
  int64_t failures = 0;
  std::optional<User> user;
  if (valid_name(name)) {
    Result<std::optional<User>> found = read_user(name, &hash, &failures, &until);
    if (!found) return found.error();
    user = std::move(*found);
  }
  if (!user) {
    // The same work as for a wrong password, so that the time does not tell names apart.
    if (dummy_hash_.empty()) dummy_hash_ = hash_password("not the password of anyone");
    const int same =
        crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
    (void)same;
    return wrong_credentials();
  }
  const std::string at = now();
  auto locked = [&](const std::string& t) {
    return error(StatusCode::locked,
                 "登录失败次数过多，账户已锁定至 " + t + "（UTC），请稍后再试或请管理员重设密码",
                 "too many failed logins: the account is locked until " + t +
                     " (UTC); try again later or ask an admin to reset the password");
  };
  if (!until.empty() && until > at) return locked(until);
  const bool right = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  store::SqlConnection& c = store_.connection();
  if (!right) {
    const bool lock = failures + 1 >= options_.max_failed_logins;
    const std::string lock_until = plus(at, options_.lockout);
    Status s = store::in_write_transaction(c, [&]() -> Status {
      const SqlParam p[] = {lock ? SqlParam{int64_t{0}} : SqlParam{failures + 1},
                            lock ? SqlParam{lock_until} : SqlParam{}, user->name};
      return c.run("UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?", p);
    });
    if (!s.ok()) return s;
    return lock ? locked(lock_until) : wrong_credentials();
  }
  if (user->disabled) {
    return error(StatusCode::unauthenticated, "账户“" + user->name + "”已停用，请联系管理员",
                 "the account '" + user->name + "' is disabled; ask an admin");
  }
  Session session;
  session.token = random_hex(32);
  session.csrf_token = random_hex(32);
  session.expires_at = plus(at, options_.session_lifetime);
  session.user = *user;
  Status s = store::in_write_transaction(c, [&]() -> Status {
    const SqlParam reset[] = {user->name};
    if (Status w =
            c.run("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", reset);
        !w.ok())
      return w;
    const SqlParam expired[] = {at};
    if (Status w = c.run("DELETE FROM sessions WHERE expires_at <= ?", expired); !w.ok()) return w;
    // Answers kept for Idempotency-Keys longer than they are replayed (claims in progress stay).
    const SqlParam forgotten[] = {plus(at, -options_.idempotency_kept)};
    if (Status w =
            c.run("DELETE FROM idempotency_keys WHERE status <> 0 AND created_at < ?", forgotten);
        !w.ok())
      return w;
    const SqlParam p[] = {token_hash(session.token), user->name, session.csrf_token, at,
                          session.expires_at};
    return c.run(
        "INSERT INTO sessions (token_hash, user_name, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        p);
  });
  if (!s.ok()) return s;
  return session;
}

Result<std::optional<Session>> Accounts::session(std::string_view token) {
  const SqlParam p[] = {token_hash(token), now()};
  auto rows = store_.connection().query(
      "SELECT " + std::string(kJoinedUserColumns) +
          ", "
          "s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name "
          "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
      p);
  if (!rows) return rows.error();
  std::optional<Session> out;
  if ((*rows)->next()) {
    Session s;
    s.token = token;
    s.user = user_from_row(**rows);
    s.csrf_token = (*rows)->text(8);
    s.expires_at = (*rows)->text(9);
    out = std::move(s);
  }
  if (Status s = finish(**rows); !s.ok()) return s;
  return out;
}

Status Accounts::logout(std::string_view token) {
  const SqlParam p[] = {token_hash(token)};
  return store_.connection().run("DELETE FROM sessions WHERE token_hash = ?", p);
}

Result<std::vector<Accounts::TokenInfo>> Accounts::tokens(std::string_view user) {
  const SqlParam p[] = {std::string(user)};
  auto rows = store_.connection().query(
      "SELECT label, created_at, last_used_at, revoked FROM api_tokens WHERE user_name = ? "
      "ORDER BY id",
      p);
  if (!rows) return rows.error();
  std::vector<TokenInfo> out;
  while ((*rows)->next()) {
    TokenInfo t;
    t.label = (*rows)->text(0);
    t.created_at = (*rows)->text(1);
    t.last_used_at = (*rows)->text(2);
    t.revoked = (*rows)->integer(3) != 0;
    out.push_back(std::move(t));
  }
  if (Status s = finish(**rows); !s.ok()) return s;
  return out;
}

Result<std::string> Accounts::create_token(std::string_view user, std::string_view label,
                                           std::string_view actor) {
  if (!valid_name(user)) return bad_name(user);
  const bool printable = std::all_of(label.begin(), label.end(), [](char ch) {
    return static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
  });
  if (label.empty() || label.size() > 64 || !printable) {
    return invalid(
        "令牌标签“" + std::string(label) + "”无效：应为 1–64 个可打印字符",
        "the token label '" + std::string(label) + "' is invalid: use 1–64 printable characters");
  }
  const std::string token = std::string(kTokenPrefix) + random_hex(32);
  store::SqlConnection& c = store_.connection();
  Status s = store::in_write_transaction(c, [&]() -> Status {
    Result<std::optional<User>> found = read_user(user, nullptr, nullptr, nullptr);
    if (!found) return found.error();
    if (!found->has_value()) return no_user(user);
    const SqlParam key[] = {std::string(user), std::string(label)};
    Result<std::optional<int64_t>> taken = store::query_integer(
        c, "SELECT COUNT(*) FROM api_tokens WHERE user_name = ? AND label = ? AND revoked = 0",
        key);
    if (!taken) return taken.error();
    if (taken->value_or(0) > 0) {
      return error(StatusCode::failed_precondition,
                   "用户“" + std::string(user) + "”已有标签为“" + std::string(label) +
                       "”的有效令牌：换一个标签，或先吊销它",
                   "the user '" + std::string(user) + "' already has a token labelled '" +
                       std::string(label) + "': choose another label or revoke that one first");
    }
    Result<std::optional<int64_t>> last = store::query_integer(c, "SELECT MAX(id) FROM api_tokens");
    if (!last) return last.error();
    const SqlParam p[] = {last->value_or(0) + 1, token_hash(token), std::string(user),
                          std::string(label), now()};
    if (Status w = c.run("INSERT INTO api_tokens (id, token_hash, user_name, label, created_at, "
                         "last_used_at, revoked) VALUES (?, ?, ?, ?, ?, NULL, 0)",
                         p);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"user", user}, {"label", label}};
    return store_.append_audit(actor, "token.create", std::nullopt, detail.dump(), true);
  });
  if (!s.ok()) return s;
  return token;
}

Result<std::optional<User>> Accounts::token_user(std::string_view token) {
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return std::optional<User>();
  const std::string hash = token_hash(token);
  const SqlParam p[] = {hash};
  auto rows = store_.connection().query(
      "SELECT " + std::string(kJoinedUserColumns) +
          ", "
          "t.last_used_at FROM api_tokens t JOIN users u ON u.name = t.user_name "
          "WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
      p);
  if (!rows) return rows.error();
  std::optional<User> out;
  std::string last_used;
  if ((*rows)->next()) {
    out = user_from_row(**rows);
    last_used = std::string((*rows)->text(8));
  }
  if (Status s = finish(**rows); !s.ok()) return s;
  // The time of use is written at most once a minute: a write per request would make every
  // integration call a write transaction (on SQLite, one writer at a time for the whole store).
  const std::string at = now();
  if (out && (last_used.size() < 16 || last_used.compare(0, 16, at, 0, 16) != 0)) {
    const SqlParam used[] = {at, hash};
    if (Status s = store_.connection().run(
            "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", used);
        !s.ok())
      return s;
  }
  return out;
}

Status Accounts::revoke_token(std::string_view user, std::string_view label,
                              std::string_view actor) {
  store::SqlConnection& c = store_.connection();
  return store::in_write_transaction(c, [&]() -> Status {
    const SqlParam key[] = {std::string(user), std::string(label)};
    Result<std::optional<int64_t>> n = store::query_integer(
        c, "SELECT COUNT(*) FROM api_tokens WHERE user_name = ? AND label = ? AND revoked = 0",
        key);
    if (!n) return n.error();
    if (n->value_or(0) == 0) {
      return error(
          StatusCode::not_found,
          "用户“" + std::string(user) + "”没有标签为“" + std::string(label) + "”的有效令牌",
          "the user '" + std::string(user) + "' has no unrevoked token labelled '" +
              std::string(label) + "'");
    }
    if (Status w = c.run(
            "UPDATE api_tokens SET revoked = 1 WHERE user_name = ? AND label = ? AND revoked = 0",
            key);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"user", user}, {"label", label}};
    return store_.append_audit(actor, "token.revoke", std::nullopt, detail.dump(), true);
  });
}

Result<std::optional<std::string>> Accounts::ensure_first_admin(std::string_view actor) {
  Result<std::optional<int64_t>> n =
      store::query_integer(store_.connection(), "SELECT COUNT(*) FROM users");
  if (!n) return n.error();
  if (n->value_or(0) > 0) return std::optional<std::string>();
  const std::string password = random_password();
  User admin;
  admin.name = "admin";
  admin.role = Role::admin;
  // add_user re-checks under the write lock: when another process made the admin meanwhile,
  // this one is refused and the users that exist are kept.
  Result<User> made = add_user(admin, password, actor);
  if (!made) {
    Result<std::optional<int64_t>> again =
        store::query_integer(store_.connection(), "SELECT COUNT(*) FROM users");
    if (again && again->value_or(0) > 0) return std::optional<std::string>();
    return made.error();
  }
  return std::optional<std::string>(password);
}

Result<std::optional<Accounts::StoredResponse>> Accounts::find_response(std::string_view user,
                                                                        std::string_view key) {
  const SqlParam p[] = {std::string(user), std::string(key)};
  auto rows = store_.connection().query(
      "SELECT request_hash, status, content_type, body FROM idempotency_keys "
      "WHERE user_name = ? AND request_key = ?",
      p);
  if (!rows) return rows.error();
  std::optional<StoredResponse> out;
  if ((*rows)->next()) {
    StoredResponse r;
    r.request_hash = (*rows)->text(0);
    r.status = static_cast<int>((*rows)->integer(1));
    r.content_type = (*rows)->text(2);
    r.body = (*rows)->text(3);
    out = std::move(r);
  }
  if (Status s = finish(**rows); !s.ok()) return s;
  return out;
}

Status Accounts::keep_response(std::string_view user, std::string_view key,
                               const StoredResponse& r) {
  const SqlParam p[] = {std::string(user), std::string(key), r.request_hash, int64_t{r.status},
                        r.content_type,    r.body,           now()};
  return store_.connection().run(
      "INSERT INTO idempotency_keys (user_name, request_key, request_hash, status, content_type, "
      "body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_name, request_key) DO "
      "NOTHING",
      p);
}

namespace {
// A claim in progress: status 0 and the claim's token in `body`.
constexpr std::string_view kClaimPrefix = "claim:";
}  // namespace

Result<Accounts::Claim> Accounts::claim_response(std::string_view user, std::string_view key,
                                                 std::string_view request_hash,
                                                 std::chrono::seconds stale_after) {
  Claim claim;
  const std::string token = std::string(kClaimPrefix) + random_hex(16);
  const std::string at = now();
  {
    const SqlParam p[] = {std::string(user),
                          std::string(key),
                          std::string(request_hash),
                          int64_t{0},
                          std::string(),
                          token,
                          at};
    if (Status s = store_.connection().run("INSERT INTO idempotency_keys (user_name, request_key, "
                                           "request_hash, status, content_type, "
                                           "body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
                                           "CONFLICT (user_name, request_key) DO "
                                           "NOTHING",
                                           p);
        !s.ok())
      return s;
  }
  const std::string kept_since = plus(at, -options_.idempotency_kept);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const SqlParam p[] = {std::string(user), std::string(key)};
    auto rows = store_.connection().query(
        "SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys "
        "WHERE user_name = ? AND request_key = ?",
        p);
    if (!rows) return rows.error();
    if (!(*rows)->next()) {
      if (Status s = finish(**rows); !s.ok()) return s;
      // Released between our insert and this read: the next request claims it anew.
      claim.kind = Claim::Kind::running;
      return claim;
    }
    StoredResponse r;
    r.request_hash = (*rows)->text(0);
    r.status = static_cast<int>((*rows)->integer(1));
    r.content_type = (*rows)->text(2);
    r.body = (*rows)->text(3);
    const std::string created = std::string((*rows)->text(4));
    if (Status s = finish(**rows); !s.ok()) return s;
    if (r.status != 0 && created >= kept_since) {
      claim.kind = Claim::Kind::replay;
      claim.stored = std::move(r);
      return claim;
    }
    if (r.status != 0) {
      // Kept longer than it is replayed: the key is forgotten and this request claims it.
      const SqlParam renew[] = {std::string(request_hash), token,  at, std::string(user),
                                std::string(key),          created};
      if (Status s = store_.connection().run(
              "UPDATE idempotency_keys SET request_hash = ?, status = 0, content_type = '', "
              "body = ?, created_at = ? WHERE user_name = ? AND request_key = ? AND status <> 0 "
              "AND created_at = ?",
              renew);
          !s.ok())
        return s;
      continue;
    }
    if (r.body == token) {
      claim.kind = Claim::Kind::run;
      claim.token = token;
      return claim;
    }
    // Another claim: running, unless it is so old that its process must have died.
    const auto age = std::chrono::system_clock::now() - std::chrono::seconds(stale_after);
    const std::time_t cut = std::chrono::system_clock::to_time_t(age);
    std::tm tm{};
    gmtime_r(&cut, &tm);
    char limit[32];
    std::strftime(limit, sizeof limit, "%Y-%m-%dT%H:%M:%S", &tm);
    if (attempt > 0 || created >= limit) {
      claim.kind = Claim::Kind::running;
      return claim;
    }
    const SqlParam take[] = {token, at, std::string(user), std::string(key), r.body};
    if (Status s = store_.connection().run(
            "UPDATE idempotency_keys SET body = ?, created_at = ? WHERE user_name = ? AND "
            "request_key = ? AND status = 0 AND body = ?",
            take);
        !s.ok())
      return s;
  }
  claim.kind = Claim::Kind::running;
  return claim;
}

Status Accounts::complete_response(std::string_view user, std::string_view key,
                                   const std::string& claim_token, const StoredResponse& r) {
  const SqlParam p[] = {r.request_hash,    int64_t{r.status}, r.content_type, r.body,
                        std::string(user), std::string(key),  claim_token};
  return store_.connection().run(
      "UPDATE idempotency_keys SET request_hash = ?, status = ?, content_type = ?, body = ? "
      "WHERE user_name = ? AND request_key = ? AND status = 0 AND body = ?",
      p);
}

Status Accounts::release_claim(std::string_view user, std::string_view key,
                               const std::string& claim_token) {
  const SqlParam p[] = {std::string(user), std::string(key), claim_token};
  return store_.connection().run(
      "DELETE FROM idempotency_keys WHERE user_name = ? AND request_key = ? AND status = 0 AND "
      "body = ?",
      p);
}

}  // namespace gradus::auth
