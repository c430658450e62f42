// Public notices and their grants (notices.h).
#include "workflow/notices.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/pool.h"
#include "store/schema.h"
#include "store/sql.h"

namespace gradus::workflow {

namespace {

using store::SqlParam;
using store::SqlRows;

Date plus_years(Date d, int years) {
  const int m = d.month(), day = d.day();
  // 29 February plus a year without it: 28 February.
  if (m == 2 && day == 29) {
    const int y = d.year() + years;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return Date::from_ymd(y, 2, leap ? 29 : 28);
  }
  return Date::from_ymd(d.year() + years, m, day);
}

Status not_found(int64_t id) {
  return error(StatusCode::not_found, "没有第 " + std::to_string(id) + " 号公示",
               "there is no notice " + std::to_string(id));
}

}  // namespace

Notices::Notices(store::Store& store, Applications& apps, const WorkingDays& days,
                 std::function<std::string()> now)
    : store_(store), apps_(apps), days_(days), now_(std::move(now)) {}

std::string Notices::now() const { return now_ ? now_() : store::now_timestamp(); }

Result<int64_t> Notices::publish(const NewNotice& n, const LevelsOf& levels_of,
                                 std::string_view actor) {
  if (n.applications.empty())
    return invalid("公示名单为空", "a notice needs at least one application");
  if (n.title.empty()) return invalid("公示须有标题", "a notice needs a title");
  Result<Date> ends = days_.period_end(n.published_on, n.working_days);
  if (!ends) return ends.error();
  store::SqlConnection& c = store_.connection();
  int64_t id = 0;
  Status s = store::in_write_transaction(c, [&]() -> Status {
    std::string policy;
    for (int64_t a : n.applications) {
      Result<NewApplication> app = apps_.find(a);
      if (!app) return app.error();
      if (policy.empty()) policy = app->policy;
      if (app->policy != policy)
        return invalid(
            "一次公示只含同一层级的申请（" + policy + " 与 " + app->policy + "）",
            "one notice holds applications for one tier (" + policy + " and " + app->policy + ")");
      Result<ApplicationStatus> st = apps_.act_in_transaction(
          a, levels_of(app->workflow), {ActorKind::office, std::string(actor), ""}, Action::publish,
          "");
      if (!st) return st.error();
    }
    Result<std::optional<int64_t>> last = store::query_integer(c, "SELECT MAX(id) FROM notices");
    if (!last) return last.error();
    id = last->value_or(0) + 1;
    const SqlParam p[] = {id,
                          policy,
                          n.title,
                          n.document_no,
                          n.published_on.to_string(),
                          int64_t{n.working_days},
                          ends->to_string(),
                          now(),
                          std::string(actor)};
    if (Status w = c.run("INSERT INTO notices (id, policy, title, document_no, published_on, "
                         "working_days, ends_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, "
                         "?, ?, ?)",
                         p);
        !w.ok())
      return w;
    for (int64_t a : n.applications) {
      const SqlParam item[] = {id, a};
      if (Status w =
              c.run("INSERT INTO notice_items (notice_id, application_id) VALUES (?, ?)", item);
          !w.ok())
        return w;
    }
    const nlohmann::json detail = {{"notice", id},
                                   {"policy", policy},
                                   {"applications", n.applications},
                                   {"published_on", n.published_on.to_string()},
                                   {"working_days", n.working_days},
                                   {"ends_on", ends->to_string()}};
    return store_.append_audit(actor, "notice.publish", std::nullopt, detail.dump(), true);
  });
  if (!s.ok()) return s;
  return id;
}

Result<NoticeRecord> Notices::get(int64_t id) {
  store::SqlConnection& c = store_.connection();
  NoticeRecord n;
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT policy, title, document_no, published_on, working_days, ends_on, created_at, "
        "created_by, closed_at, closed_by FROM notices WHERE id = ?",
        p);
    if (!rows) return rows.error();
    if (!(*rows)->next()) {
      if (Status f = (*rows)->status(); !f.ok()) return f;
      return not_found(id);
    }
    SqlRows& x = **rows;
    n.id = id;
    n.policy = x.text(0);
    n.title = x.text(1);
    n.document_no = x.text(2);
    Result<Date> published = Date::parse(x.text(3)), ends = Date::parse(x.text(5));
    if (!published || !ends)
      return error(StatusCode::internal, "公示的日期无法读取（记录可能被改动）",
                   "the notice's dates cannot be read (the record may have been altered)");
    n.published_on = *published;
    n.working_days = static_cast<int>(x.integer(4));
    n.ends_on = *ends;
    n.created_at = x.text(6);
    n.created_by = x.text(7);
    n.closed_at = x.text(8);
    n.closed_by = x.text(9);
    while (x.next()) {
    }
    if (Status f = x.status(); !f.ok()) return f;
  }
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT application_id FROM notice_items WHERE notice_id = ? ORDER BY application_id", p);
    if (!rows) return rows.error();
    while ((*rows)->next()) n.applications.push_back((*rows)->integer(0));
    if (Status f = (*rows)->status(); !f.ok()) return f;
  }
  {
    const SqlParam p[] = {id};
    auto rows = c.query(
        "SELECT seq, application_id, objector, contact, text, filed_at, filed_by, resolution, "
        "resolution_reason, resolved_at, resolved_by FROM notice_objections WHERE notice_id = ? "
        "ORDER BY seq",
        p);
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      SqlRows& x = **rows;
      Objection o;
      o.seq = x.integer(0);
      o.application = x.integer(1);
      o.objector = x.text(2);
      o.contact = x.text(3);
      o.text = x.text(4);
      o.filed_at = x.text(5);
      o.filed_by = x.text(6);
      o.resolution = x.text(7);
      o.resolution_reason = x.text(8);
      o.resolved_at = x.text(9);
      o.resolved_by = x.text(10);
      n.objections.push_back(std::move(o));
    }
    if (Status f = (*rows)->status(); !f.ok()) return f;
  }
  return n;
}

Result<std::vector<NoticeRecord>> Notices::list() {
  std::vector<int64_t> ids;
  {
    auto rows = store_.connection().query("SELECT id FROM notices ORDER BY id DESC");
    if (!rows) return rows.error();
    while ((*rows)->next()) ids.push_back((*rows)->integer(0));
    if (Status f = (*rows)->status(); !f.ok()) return f;
  }
  std::vector<NoticeRecord> out;
  for (int64_t id : ids) {
    Result<NoticeRecord> n = get(id);
    if (!n) return n.error();
    out.push_back(std::move(*n));
  }
  return out;
}

Result<int64_t> Notices::object(int64_t notice, int64_t application, std::string_view objector,
                                std::string_view contact, std::string_view text, Date today,
                                std::string_view actor) {
  if (objector.find_first_not_of(" \t") == std::string_view::npos ||
      contact.find_first_not_of(" \t") == std::string_view::npos ||
      text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return invalid("异议须实名，并留有联系方式和异议内容",
                   "an objection needs the objector's real name, a contact and its text");
  store::SqlConnection& c = store_.connection();
  int64_t seq = 0;
  Status s = store::in_write_transaction(c, [&]() -> Status {
    Result<NoticeRecord> n = get(notice);
    if (!n) return n.error();
    if (!n->closed_at.empty())
      return error(StatusCode::failed_precondition, "公示已结束", "the notice is closed");
    if (today > n->ends_on)
      return error(StatusCode::failed_precondition,
                   "公示期已于 " + n->ends_on.to_string() + " 结束，不再受理异议",
                   "the notice period ended on " + n->ends_on.to_string() +
                       ": objections are no longer taken");
    if (std::find(n->applications.begin(), n->applications.end(), application) ==
        n->applications.end())
      return error(StatusCode::not_found,
                   "该公示中没有第 " + std::to_string(application) + " 号申请",
                   "application " + std::to_string(application) + " is not in this notice");
    seq = n->objections.empty() ? 1 : n->objections.back().seq + 1;
    const std::string at = now();
    const SqlParam p[] = {notice,
                          seq,
                          application,
                          std::string(objector),
                          std::string(contact),
                          std::string(text),
                          at,
                          std::string(actor)};
    if (Status w = c.run("INSERT INTO notice_objections (notice_id, seq, application_id, "
                         "objector, contact, text, filed_at, filed_by) VALUES (?, ?, ?, ?, ?, ?, "
                         "?, ?)",
                         p);
        !w.ok())
      return w;
    // The objector's contact stays in the table; the chain records that an objection was filed.
    const nlohmann::json detail = {{"notice", notice}, {"seq", seq}, {"application", application}};
    return store_.append_audit(actor, "notice.objection", std::nullopt, detail.dump(), true);
  });
  if (!s.ok()) return s;
  return seq;
}

Status Notices::resolve(int64_t notice, int64_t seq, bool upheld, std::string_view reason,
                        const LevelsOf& levels_of, std::string_view actor) {
  if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return invalid("处理异议须说明理由", "resolving an objection needs a reason");
  store::SqlConnection& c = store_.connection();
  return store::in_write_transaction(c, [&]() -> Status {
    Result<NoticeRecord> n = get(notice);
    if (!n) return n.error();
    auto it = std::find_if(n->objections.begin(), n->objections.end(),
                           [&](const Objection& o) { return o.seq == seq; });
    if (it == n->objections.end())
      return error(StatusCode::not_found, "没有该异议", "there is no such objection");
    if (!it->resolution.empty())
      return error(StatusCode::failed_precondition, "该异议已处理",
                   "the objection is resolved already");
    if (upheld) {
      Result<NewApplication> app = apps_.find(it->application);
      if (!app) return app.error();
      Result<ApplicationStatus> st = apps_.act_in_transaction(
          it->application, levels_of(app->workflow), {ActorKind::office, std::string(actor), ""},
          Action::uphold_objection, reason);
      if (!st) return st.error();
    }
    const std::string at = now();
    const SqlParam p[] = {std::string(upheld ? "upheld" : "dismissed"),
                          std::string(reason),
                          at,
                          std::string(actor),
                          notice,
                          seq};
    if (Status w = c.run("UPDATE notice_objections SET resolution = ?, resolution_reason = ?, "
                         "resolved_at = ?, resolved_by = ? WHERE notice_id = ? AND seq = ? AND "
                         "resolution IS NULL",
                         p);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"notice", notice},
                                   {"seq", seq},
                                   {"resolution", upheld ? "upheld" : "dismissed"},
                                   {"reason", std::string(reason)}};
    return store_.append_audit(actor, "notice.resolve", std::nullopt, detail.dump(), true);
  });
}

Result<CloseSummary> Notices::close(int64_t notice, Date today, int validity_years,
                                    const LevelsOf& levels_of, std::string_view actor) {
  Result<NoticeRecord> n = get(notice);
  if (!n) return n.error();
  if (!n->closed_at.empty())
    return error(StatusCode::failed_precondition, "公示已结束，称号已授予",
                 "the notice is closed already");
  if (today <= n->ends_on)
    return error(StatusCode::failed_precondition,
                 "公示期至 " + n->ends_on.to_string() + " 结束（" +
                     std::to_string(n->working_days) + " 个工作日），期满后才能认定",
                 "the notice runs until " + n->ends_on.to_string() + " (" +
                     std::to_string(n->working_days) +
                     " working days): titles are granted after it");
  for (const Objection& o : n->objections)
    if (o.resolution.empty())
      return error(StatusCode::failed_precondition,
                   "第 " + std::to_string(o.seq) + " 项异议尚未处理",
                   "objection " + std::to_string(o.seq) + " is not resolved yet");
  // The titles of the applications still in notice; their grants are written in the import's
  // transaction (ImportOptions::precondition), so both land or neither.
  CloseSummary sum;
  PoolBuilder titles;
  std::vector<std::pair<int64_t, std::string>> to_grant;  // application, workflow
  for (int64_t a : n->applications) {
    Result<NewApplication> app = apps_.find(a);
    if (!app) return app.error();
    Result<ApplicationRecord> r = apps_.get(a, levels_of(app->workflow));
    if (!r) return r.error();
    if (r->status.state != State::in_notice) {
      sum.refused.push_back(a);
      continue;
    }
    const WorkflowLevels levels = levels_of(app->workflow);
    TitleRecord t;
    t.tier = app->policy;
    t.since = today;
    t.valid_to = plus_years(today, validity_years);
    t.level =
        !levels.levels.empty() && levels.levels.back() == "ministry" ? "national" : "provincial";
    t.batch = n->document_no.empty() ? n->title : n->title + "（" + n->document_no + "）";
    titles.add_title(titles.enterprise(app->uscc), t);
    to_grant.emplace_back(a, app->workflow);
    sum.granted.push_back(a);
  }
  const Pool incoming = std::move(titles).finish();
  store::ImportOptions o;
  o.actor = std::string(actor);
  o.kind = "titles";
  o.source = "notice " + std::to_string(notice);
  o.rows_read = to_grant.size();
  o.commit_when_unchanged = true;
  o.precondition = [&]() -> Status {
    // Under the write lock: the notice must still be open (another process may have closed it).
    const SqlParam open[] = {notice};
    Result<std::optional<int64_t>> closed = store::query_integer(
        store_.connection(), "SELECT COUNT(*) FROM notices WHERE id = ? AND closed_at IS NOT NULL",
        open);
    if (!closed) return closed.error();
    if (closed->value_or(0) > 0)
      return error(StatusCode::failed_precondition, "公示已结束，称号已授予",
                   "the notice is closed already");
    for (const auto& [a, workflow] : to_grant) {
      Result<ApplicationStatus> st = apps_.act_in_transaction(
          a, levels_of(workflow), {ActorKind::office, std::string(actor), ""}, Action::grant, "");
      if (!st) return st.error();
    }
    const SqlParam p[] = {now(), std::string(actor), notice};
    if (Status w = store_.connection().run(
            "UPDATE notices SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
            p);
        !w.ok())
      return w;
    const nlohmann::json detail = {{"notice", notice},
                                   {"granted", sum.granted},
                                   {"refused", sum.refused},
                                   {"since", today.to_string()},
                                   {"valid_to", plus_years(today, validity_years).to_string()}};
    return store_.append_audit(actor, "notice.close", std::nullopt, detail.dump(), true);
  };
  Result<store::ImportSummary> imported = store_.import_pool(incoming, o);
  if (!imported) return imported.error();
  sum.batch = imported->batch_id;
  return sum;
}

}  // namespace gradus::workflow
