// Applications in the store (applications.h): rows written once, actions appended and chained
// into the audit log, state by replay.
#include "workflow/applications.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store/schema.h"
#include "store/sql.h"
#include "store/tables.h"

namespace gradus::workflow {

namespace {

using store::SqlParam;
using store::SqlRows;

Status finish(SqlRows& r) { return r.status(); }

ActorKind kind_of(Action a) {
  switch (a) {
    case Action::submit:
    case Action::withdraw:
    case Action::resubmit:
      return ActorKind::enterprise;
    case Action::approve:
    case Action::return_for_correction:
    case Action::reject:
      return ActorKind::reviewer;
    default:
      return ActorKind::office;
  }
}

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<std::string> check_evidence(std::string_view name, std::string_view bytes,
                                   const EvidenceLimits& limits) {
  auto refuse = [&](const std::string& zh, const std::string& en) -> Result<std::string> {
    return invalid("证明材料“" + std::string(name.substr(0, 120)) + "”：" + zh,
                   "evidence '" + std::string(name.substr(0, 120)) + "': " + en);
  };
  size_t chars = 0;
  for (unsigned char c : name) chars += (c & 0xC0) != 0x80;
  if (name.empty() || chars > 120)
    return refuse("文件名须为 1–120 个字符", "the name must have 1–120 characters");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':')
      return refuse("文件名不能含路径分隔符或控制字符",
                    "the name may not hold a path or control characters");
  }
  if (name[0] == '.') return refuse("文件名不能以“.”开头", "the name may not start with '.'");
  const size_t dot = name.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : lower(std::string(name.substr(dot)));
  struct Kind {
    const char* ext;
    const char* type;
    std::string_view magic;
  };
  static const Kind kKinds[] = {
      {".pdf", "application/pdf", "%PDF-"},
      {".png", "image/png", "\x89PNG\r\n\x1a\n"},
      {".jpg", "image/jpeg", "\xFF\xD8\xFF"},
      {".jpeg", "image/jpeg", "\xFF\xD8\xFF"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
       std::string_view("PK\x03\x04", 4)},
  };
  const Kind* kind = nullptr;
  for (const Kind& k : kKinds)
    if (ext == k.ext) kind = &k;
  if (kind == nullptr)
    return refuse("只接受 PDF、PNG、JPEG 或 XLSX 文件",
                  "only PDF, PNG, JPEG or XLSX files are taken");
  if (bytes.empty()) return refuse("文件为空", "the file is empty");
  if (bytes.size() > limits.max_bytes)
    return refuse("文件超过 " + std::to_string(limits.max_bytes / (1024 * 1024)) + " MB 的上限",
                  "the file is over the limit of " +
                      std::to_string(limits.max_bytes / (1024 * 1024)) + " MB");
  if (bytes.substr(0, kind->magic.size()) != kind->magic)
    return refuse(
        std::string("内容不是 ") + (kind->ext + 1) + " 文件（与扩展名不符）",
        std::string("the content is no ") + (kind->ext + 1) + " file (it does not match the name)");
  return std::string(kind->type);
}

Applications::Applications(store::Store& store, std::function<std::string()> now)
    : store_(store), now_(std::move(now)) {}

std::string Applications::now() const { return now_ ? now_() : store::now_timestamp(); }

Result<int64_t> Applications::create(const NewApplication& a, std::string_view actor) {
  store::SqlConnection& c = store_.connection();
  int64_t id = 0;
  Status s = store::in_write_transaction(c, [&]() -> Status {
    // One live application per firm, tier, mode and year: earlier ones must have ended as
    // rejected or withdrawn.
    const SqlParam same[] = {a.uscc, a.policy, a.mode, int64_t{a.year}};
    auto rows = c.query(
        "SELECT a.id, (SELECT state_after FROM application_actions x WHERE x.application_id = a.id "
        "ORDER BY x.seq DESC LIMIT 1) FROM applications a WHERE a.uscc = ? AND a.policy = ? AND "
        "a.mode = ? AND a.year = ?",
        same);
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      const std::string last((*rows)->text(1));
      if (last != state_id(State::rejected) && last != state_id(State::withdrawn)) {
        const std::string other = std::to_string((*rows)->integer(0));
        return error(StatusCode::failed_precondition,
                     "该企业 " + std::to_string(a.year) + " 年已有同一层级的申请（第 " + other +
                         " 号）：一年只能申请一次，除非前一申请已被驳回或撤回",
                     "the firm already has an application for this tier in " +
                         std::to_string(a.year) + " (number " + other +
                         "): one a year, unless the earlier one was rejected or withdrawn");
      }
    }
    if (Status f = finish(**rows); !f.ok()) return f;
    Result<std::optional<int64_t>> last =
        store::query_integer(c, "SELECT MAX(id) FROM applications");
    if (!last) return last.error();
    id = last->value_or(0) + 1;
    const std::string at = now();
    const SqlParam p[] = {
        id,         a.uscc, a.policy,           a.version, a.mode, int64_t{a.year},
        a.workflow, at,     std::string(actor), a.frozen};
    if (Status w = c.run("INSERT INTO applications (id, uscc, policy, version, mode, year, "
                         "workflow, created_at, created_by, frozen) VALUES (?, ?, ?, ?, ?, ?, ?, "
                         "?, ?, ?)",
                         p);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"application", id},
                                   {"uscc", a.uscc},
                                   {"policy", a.policy},
                                   {"version", a.version},
                                   {"mode", a.mode},
                                   {"year", a.year},
                                   {"frozen_sha256", store::sha256_hex(a.frozen)}};
    return store_.append_audit(actor, "application.create", std::nullopt, detail.dump(), true);
  });
  if (!s.ok()) return s;
  return id;
}

Result<ApplicationRecord> Applications::read(int64_t id, const WorkflowLevels& levels) {
  store::SqlConnection& c = store_.connection();
  ApplicationRecord r;
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT uscc, policy, version, mode, year, workflow, created_at, created_by, frozen FROM "
        "applications WHERE id = ?",
        p);
    if (!rows) return rows.error();
    if (!(*rows)->next()) {
      if (Status f = finish(**rows); !f.ok()) return f;
      return error(StatusCode::not_found, "没有第 " + std::to_string(id) + " 号申请",
                   "there is no application " + std::to_string(id));
    }
    SqlRows& x = **rows;
    r.id = id;
    r.what.uscc = x.text(0);
    r.what.policy = x.text(1);
    r.what.version = x.text(2);
    r.what.mode = x.text(3);
    r.what.year = static_cast<int>(x.integer(4));
    r.what.workflow = x.text(5);
    r.created_at = x.text(6);
    r.created_by = x.text(7);
    r.what.frozen = x.text(8);
    while (x.next()) {
    }
    if (Status f = finish(x); !f.ok()) return f;
  }
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT seq, action, actor, actor_level, at, reason, state_after, level_after FROM "
        "application_actions WHERE application_id = ? ORDER BY seq",
        p);
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      SqlRows& x = **rows;
      ActionRecord a;
      a.seq = x.integer(0);
      a.action = x.text(1);
      a.actor = x.text(2);
      a.actor_level = x.text(3);
      a.at = x.text(4);
      a.reason = x.text(5);
      a.state_after = x.text(6);
      a.level_after = x.integer(7);
      r.actions.push_back(std::move(a));
    }
    if (Status f = finish(**rows); !f.ok()) return f;
  }
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT seq, name, content_type, size, sha256, added_at, added_by FROM "
        "application_evidence WHERE application_id = ? ORDER BY seq",
        p);
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      SqlRows& x = **rows;
      EvidenceInfo e;
      e.seq = x.integer(0);
      e.name = x.text(1);
      e.content_type = x.text(2);
      e.size = x.integer(3);
      e.sha256 = x.text(4);
      e.added_at = x.text(5);
      e.added_by = x.text(6);
      r.evidence.push_back(std::move(e));
    }
    if (Status f = finish(**rows); !f.ok()) return f;
  }
  // The state: the actions replayed through the one definition.
  for (const ActionRecord& a : r.actions) {
    std::optional<Action> action = parse_action(a.action);
    Result<ApplicationStatus> next =
        action
            ? apply(levels, r.status, {kind_of(*action), a.actor, a.actor_level}, *action, a.reason)
            : Result<ApplicationStatus>(
                  invalid("未知的操作 " + a.action, "unknown action " + a.action));
    if (!next || state_id(next->state) != a.state_after)
      return error(StatusCode::internal,
                   "第 " + std::to_string(id) + " 号申请的第 " + std::to_string(a.seq) +
                       " 项操作与流程不符（记录可能被改动；gradus audit verify 可检查）",
                   "action " + std::to_string(a.seq) + " of application " + std::to_string(id) +
                       " does not follow the workflow (the record may have been altered; gradus "
                       "audit verify checks it)");
    r.status = *next;
  }
  return r;
}

Result<NewApplication> Applications::find(int64_t id) {
  const SqlParam p[] = {id};
  auto rows = store_.connection().query(
      "SELECT uscc, policy, version, mode, year, workflow, frozen FROM applications WHERE id = ?",
      p);
  if (!rows) return rows.error();
  if (!(*rows)->next()) {
    if (Status f = finish(**rows); !f.ok()) return f;
    return error(StatusCode::not_found, "没有第 " + std::to_string(id) + " 号申请",
                 "there is no application " + std::to_string(id));
  }
  SqlRows& x = **rows;
  NewApplication a;
  a.uscc = x.text(0);
  a.policy = x.text(1);
  a.version = x.text(2);
  a.mode = x.text(3);
  a.year = static_cast<int>(x.integer(4));
  a.workflow = x.text(5);
  a.frozen = x.text(6);
  while (x.next()) {
  }
  if (Status f = finish(x); !f.ok()) return f;
  return a;
}

Result<ApplicationRecord> Applications::get(int64_t id, const WorkflowLevels& levels) {
  return read(id, levels);
}

Result<std::vector<ApplicationRecord>> Applications::list(
    const std::function<WorkflowLevels(const std::string& workflow)>& levels_of) {
  std::vector<std::pair<int64_t, std::string>> ids;
  {
    auto rows = store_.connection().query("SELECT id, workflow FROM applications ORDER BY id DESC");
    if (!rows) return rows.error();
    while ((*rows)->next()) ids.emplace_back((*rows)->integer(0), std::string((*rows)->text(1)));
    if (Status f = finish(**rows); !f.ok()) return f;
  }
  std::vector<ApplicationRecord> out;
  for (const auto& [id, workflow] : ids) {
    Result<ApplicationRecord> r = read(id, levels_of(workflow));
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<ApplicationStatus> Applications::act(int64_t id, const WorkflowLevels& levels,
                                            const Actor& actor, Action action,
                                            std::string_view reason) {
  ApplicationStatus result;
  Status s = store::in_write_transaction(store_.connection(), [&]() -> Status {
    Result<ApplicationStatus> r = act_in_transaction(id, levels, actor, action, reason);
    if (!r) return r.error();
    result = *r;
    return Status::ok_status();
  });
  if (!s.ok()) return s;
  return result;
}

Result<ApplicationStatus> Applications::act_in_transaction(int64_t id, const WorkflowLevels& levels,
                                                           const Actor& actor, Action action,
                                                           std::string_view reason) {
  store::SqlConnection& c = store_.connection();
  Result<ApplicationRecord> r = read(id, levels);
  if (!r) return r.error();
  Result<ApplicationStatus> next = apply(levels, r->status, actor, action, reason);
  if (!next) {
    // Name the application: a notice acts on many.
    Status e = next.error();
    e.message.zh = "第 " + std::to_string(id) + " 号申请：" + e.message.zh;
    e.message.en = "application " + std::to_string(id) + ": " + e.message.en;
    return e;
  }
  const int64_t seq = r->actions.empty() ? 1 : r->actions.back().seq + 1;
  const std::string at = now();
  const SqlParam p[] = {id,
                        seq,
                        std::string(action_id(action)),
                        actor.name,
                        actor.level,
                        at,
                        std::string(reason),
                        std::string(state_id(next->state)),
                        static_cast<int64_t>(next->level)};
  if (Status w = c.run("INSERT INTO application_actions (application_id, seq, action, actor, "
                       "actor_level, at, reason, state_after, level_after) VALUES (?, ?, ?, ?, ?, "
                       "?, ?, ?, ?)",
                       p);
      !w.ok())
    return w;
  const nlohmann::json detail = {{"application", id},
                                 {"seq", seq},
                                 {"action", action_id(action)},
                                 {"level", actor.level},
                                 {"from", state_id(r->status.state)},
                                 {"to", state_id(next->state)},
                                 {"reason", std::string(reason)}};
  if (Status w =
          store_.append_audit(actor.name, "application.action", std::nullopt, detail.dump(), true);
      !w.ok())
    return w;
  return *next;
}

Result<EvidenceInfo> Applications::add_evidence(int64_t id, const WorkflowLevels& levels,
                                                std::string_view name, std::string_view bytes,
                                                std::string_view actor,
                                                const EvidenceLimits& limits) {
  Result<std::string> type = check_evidence(name, bytes, limits);
  if (!type) return type.error();
  store::SqlConnection& c = store_.connection();
  EvidenceInfo info;
  Status s = store::in_write_transaction(c, [&]() -> Status {
    Result<ApplicationRecord> r = read(id, levels);
    if (!r) return r.error();
    if (r->status.state != State::draft && r->status.state != State::returned)
      return error(StatusCode::failed_precondition,
                   std::string("申请当前为“") + state_label(r->status.state).zh +
                       "”：只有草稿或退回修改的申请可以添加材料",
                   std::string("the application is ") + state_label(r->status.state).en +
                       ": evidence is added only to a draft or a returned application");
    if (r->evidence.size() >= limits.max_files)
      return error(StatusCode::failed_precondition,
                   "证明材料已达 " + std::to_string(limits.max_files) + " 个的上限",
                   "the application has the most evidence files allowed (" +
                       std::to_string(limits.max_files) + ")");
    for (const EvidenceInfo& e : r->evidence)
      if (e.name == name)
        return error(StatusCode::failed_precondition, "已有同名材料“" + std::string(name) + "”",
                     "there is evidence named '" + std::string(name) + "' already");
    info.seq = r->evidence.empty() ? 1 : r->evidence.back().seq + 1;
    info.name = std::string(name);
    info.content_type = *type;
    info.size = static_cast<int64_t>(bytes.size());
    info.sha256 = store::sha256_hex(bytes);
    info.added_at = now();
    info.added_by = std::string(actor);
    const SqlParam p[] = {id,           info.seq,    info.name,        info.content_type,
                          info.size,    info.sha256, to_base64(bytes), info.added_at,
                          info.added_by};
    if (Status w = c.run("INSERT INTO application_evidence (application_id, seq, name, "
                         "content_type, size, sha256, data, added_at, added_by) VALUES (?, ?, ?, "
                         "?, ?, ?, ?, ?, ?)",
                         p);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"application", id},
                                   {"seq", info.seq},
                                   {"name", info.name},
                                   {"size", info.size},
                                   {"sha256", info.sha256}};
    return store_.append_audit(actor, "application.evidence", std::nullopt, detail.dump(), true);
  });
  if (!s.ok()) return s;
  return info;
}

Result<std::string> Applications::evidence_bytes(int64_t id, int64_t seq) {
  const SqlParam p[] = {id, seq};
  auto rows = store_.connection().query(
      "SELECT data, sha256 FROM application_evidence WHERE application_id = ? AND seq = ?", p);
  if (!rows) return rows.error();
  if (!(*rows)->next()) {
    if (Status f = finish(**rows); !f.ok()) return f;
    return error(StatusCode::not_found, "没有该证明材料", "there is no such evidence file");
  }
  std::optional<std::string> bytes = from_base64((*rows)->text(0));
  const std::string sha((*rows)->text(1));
  while ((*rows)->next()) {
  }
  if (Status f = finish(**rows); !f.ok()) return f;
  if (!bytes || store::sha256_hex(*bytes) != sha)
    return error(StatusCode::internal, "证明材料与其 SHA-256 不符（已被改动）",
                 "the evidence file does not match its SHA-256 (it was altered)");
  return *bytes;
}

}  // namespace gradus::workflow
