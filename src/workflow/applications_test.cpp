// Applications in the store on both backends (SQLite always; PostgreSQL when GRADUS_TEST_PG names
// a server, as in store_test.cpp): created once a year, actions appended and replayed, evidence
// checked and kept whole, every step in the audit chain, two reviewers at once.
#include "workflow/applications.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "store/sql.h"
#include "store/store.h"
#include "workflow/notices.h"

namespace gradus::workflow {
namespace {

std::atomic<int> g_counter{0};
const WorkflowLevels kLevels{{"city", "province"}, false};
const std::string kPdf = "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";

class ApplicationsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const int n = g_counter++;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() /
             ("gradus_apps_test_" + std::to_string(getpid()) + "_" + std::to_string(n));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "pool.db").string();
    } else {
      const char* base = std::getenv("GRADUS_TEST_PG");
      if (base == nullptr || *base == '\0') {
        const char* require = std::getenv("GRADUS_REQUIRE_PG");
        if (require != nullptr && std::string(require) == "1")
          FAIL() << "GRADUS_REQUIRE_PG=1 but GRADUS_TEST_PG is not set";
        GTEST_SKIP() << "GRADUS_TEST_PG not set: no PostgreSQL server to test against";
      }
      admin_url_ = base;
      db_name_ = "gradus_w_" + std::to_string(getpid()) + "_" + std::to_string(n);
      auto admin = store::open_sql(admin_url_);
      ASSERT_TRUE(admin.ok()) << admin.error().message.en;
      ASSERT_TRUE((*admin)->execute("CREATE DATABASE " + db_name_).ok());
      const size_t query = admin_url_.find('?');
      const size_t slash =
          admin_url_.rfind('/', query == std::string::npos ? std::string::npos : query);
      url_ = admin_url_.substr(0, slash + 1) + db_name_ +
             (query == std::string::npos ? "" : admin_url_.substr(query));
    }
    auto s = store::Store::open(url_, {.create = true});
    ASSERT_TRUE(s.ok()) << s.error().message.en;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_name_.empty()) {
      auto admin = store::open_sql(admin_url_);
      if (admin.ok())
        (void)(*admin)->execute("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
    }
  }
  NewApplication srdi(const std::string& uscc = "91320505MA1P7K3C1N") {
    return {
        uscc, "srdi-sme", "2026", "application", 2026, "srdi-sme.national", R"({"outcome":"met"})"};
  }

  std::filesystem::path dir_;
  std::string url_, admin_url_, db_name_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(ApplicationsTest, LifeFromDraftToApprovalIsReplayedAndAudited) {
  ASSERT_TRUE(store_);
  Applications apps(*store_);
  Result<int64_t> id = apps.create(srdi(), "acme");
  ASSERT_TRUE(id.ok()) << id.error().message.en;
  Result<EvidenceInfo> ev = apps.add_evidence(*id, kLevels, "审计报告.pdf", kPdf, "acme");
  ASSERT_TRUE(ev.ok()) << ev.error().message.en;
  EXPECT_EQ(ev->content_type, "application/pdf");
  EXPECT_EQ(*apps.evidence_bytes(*id, ev->seq), kPdf);
  const Actor firm{ActorKind::enterprise, "acme", ""};
  ASSERT_TRUE(apps.act(*id, kLevels, firm, Action::submit, "").ok());
  // No more evidence once submitted.
  EXPECT_EQ(apps.add_evidence(*id, kLevels, "b.pdf", kPdf, "acme").error().code,
            StatusCode::failed_precondition);
  ASSERT_TRUE(
      apps.act(*id, kLevels, {ActorKind::reviewer, "wang", "city"}, Action::approve, "").ok());
  Result<ApplicationStatus> st =
      apps.act(*id, kLevels, {ActorKind::reviewer, "zhao", "province"}, Action::approve, "");
  ASSERT_TRUE(st.ok()) << st.error().message.en;
  EXPECT_EQ(st->state, State::approved);
  Result<ApplicationRecord> r = apps.get(*id, kLevels);
  ASSERT_TRUE(r.ok()) << r.error().message.en;
  EXPECT_EQ(r->status.state, State::approved);
  ASSERT_EQ(r->actions.size(), 3u);
  EXPECT_EQ(r->actions[1].actor, "wang");
  EXPECT_EQ(r->evidence.size(), 1u);
  EXPECT_EQ(r->what.frozen, R"({"outcome":"met"})");
  // A wrong level is refused and writes nothing.
  EXPECT_EQ(apps.act(*id, kLevels, {ActorKind::reviewer, "wang", "city"}, Action::reject, "x")
                .error()
                .code,
            StatusCode::failed_precondition);
  EXPECT_EQ(apps.get(*id, kLevels)->actions.size(), 3u);
  Result<store::AuditCheck> audit = store_->verify_audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem.en;
  auto log = store_->audit_log();
  ASSERT_TRUE(log.ok());
  size_t actions = 0;
  for (const store::AuditEntry& e : *log) actions += e.action.rfind("application.", 0) == 0;
  EXPECT_EQ(actions, 5u);  // create, evidence, submit, two approvals
}

TEST_P(ApplicationsTest, OneApplicationPerFirmTierAndYearUnlessTheFormerEnded) {
  ASSERT_TRUE(store_);
  Applications apps(*store_);
  Result<int64_t> first = apps.create(srdi(), "acme");
  ASSERT_TRUE(first.ok());
  Result<int64_t> twice = apps.create(srdi(), "acme");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, StatusCode::failed_precondition);
  EXPECT_TRUE(apps.create(srdi("91110108MA01ABCD1X"), "other").ok());  // another firm
  ASSERT_TRUE(
      apps.act(*first, kLevels, {ActorKind::enterprise, "acme", ""}, Action::withdraw, "").ok());
  EXPECT_TRUE(apps.create(srdi(), "acme").ok());  // the first was withdrawn
}

TEST_P(ApplicationsTest, EvidenceNamesTypesAndSizesAreChecked) {
  ASSERT_TRUE(store_);
  Applications apps(*store_);
  Result<int64_t> id = apps.create(srdi(), "acme");
  ASSERT_TRUE(id.ok());
  for (const char* name : {"../../x.pdf", "a/b.pdf", "..\\\\x.pdf", ".hidden.pdf", "", "x.exe",
                           "x.pdf\n", "报告.docx"})
    EXPECT_FALSE(apps.add_evidence(*id, kLevels, name, kPdf, "acme").ok()) << name;
  EXPECT_FALSE(apps.add_evidence(*id, kLevels, "photo.png", kPdf, "acme").ok());  // not a PNG
  EXPECT_FALSE(apps.add_evidence(*id, kLevels, "empty.pdf", "", "acme").ok());
  EvidenceLimits small;
  small.max_bytes = 16;
  EXPECT_FALSE(apps.add_evidence(*id, kLevels, "big.pdf", kPdf, "acme", small).ok());
  EXPECT_TRUE(apps.add_evidence(*id, kLevels, "营业执照.PDF", kPdf, "acme").ok());
  EXPECT_FALSE(apps.add_evidence(*id, kLevels, "营业执照.PDF", kPdf, "acme").ok());  // same name
  EXPECT_EQ(apps.get(*id, kLevels)->evidence.size(), 1u);
}

TEST_P(ApplicationsTest, TwoReviewersAtOnceOnlyOneActs) {
  ASSERT_TRUE(store_);
  {
    Applications apps(*store_);
    Result<int64_t> id = apps.create(srdi(), "acme");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(
        apps.act(*id, kLevels, {ActorKind::enterprise, "acme", ""}, Action::submit, "").ok());
  }
  // Each reviewer on its own connection; one approves, one rejects, at the same time.
  std::atomic<int> succeeded{0};
  auto reviewer = [&](Action a, const std::string& name) {
    auto s = store::Store::open(url_, {});
    ASSERT_TRUE(s.ok()) << s.error().message.en;
    Applications apps(**s);
    if (apps.act(1, kLevels, {ActorKind::reviewer, name, "city"}, a, "reason").ok()) ++succeeded;
  };
  std::thread t1(reviewer, Action::approve, "wang");
  std::thread t2(reviewer, Action::reject, "li");
  t1.join();
  t2.join();
  EXPECT_EQ(succeeded.load(), 1);
  Applications apps(*store_);
  Result<ApplicationRecord> r = apps.get(1, kLevels);
  ASSERT_TRUE(r.ok()) << r.error().message.en;
  EXPECT_EQ(r->actions.size(), 2u);
}

TEST_P(ApplicationsTest, AnAlteredActionOrEvidenceIsNoticed) {
  ASSERT_TRUE(store_);
  Applications apps(*store_);
  Result<int64_t> id = apps.create(srdi(), "acme");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(apps.add_evidence(*id, kLevels, "a.pdf", kPdf, "acme").ok());
  ASSERT_TRUE(apps.act(*id, kLevels, {ActorKind::enterprise, "acme", ""}, Action::submit, "").ok());
  // Someone writes "approved" straight into the table: the replay refuses it.
  ASSERT_TRUE(store_->connection()
                  .execute("UPDATE application_actions SET action = 'approve', state_after = "
                           "'approved' WHERE seq = 1")
                  .ok());
  EXPECT_EQ(apps.get(*id, kLevels).error().code, StatusCode::internal);
  ASSERT_TRUE(store_->connection()
                  .execute("UPDATE application_evidence SET sha256 = 'x' WHERE seq = 1")
                  .ok());
  EXPECT_EQ(apps.evidence_bytes(*id, 1).error().code, StatusCode::internal);
}

// Two approved applications published across National Day 2025; an objection upheld against one;
// closing refused before the end and with an open objection; after it, the other's title is
// granted (valid three years) in the same transaction as its grant; the chain verifies.
TEST_P(ApplicationsTest, ANoticeAcrossNationalDayGrantsWhatSurvivesItsObjections) {
  ASSERT_TRUE(store_);
  Applications apps(*store_);
  const WorkflowLevels one{{"province"}, false};
  const LevelsOf levels_of = [&](const std::string&) { return one; };
  std::vector<int64_t> ids;
  for (const char* u : {"91320505MA1P7K3C1N", "91110108MA01ABCD1X"}) {
    Result<int64_t> id = apps.create(srdi(u), "office");
    ASSERT_TRUE(id.ok()) << id.error().message.en;
    ASSERT_TRUE(apps.act(*id, one, {ActorKind::enterprise, "firm", ""}, Action::submit, "").ok());
    ASSERT_TRUE(
        apps.act(*id, one, {ActorKind::reviewer, "zhao", "province"}, Action::approve, "").ok());
    ids.push_back(*id);
  }
  Notices notices(*store_, apps, WorkingDays::shipped());
  NewNotice n;
  n.applications = ids;
  n.title = "2025年第二批专精特新中小企业拟认定名单";
  n.document_no = "苏工信中小〔2025〕1号";
  n.published_on = *Date::parse("2025-09-28");
  n.working_days = 5;
  Result<int64_t> notice = notices.publish(n, levels_of, "office");
  ASSERT_TRUE(notice.ok()) << notice.error().message.en;
  Result<NoticeRecord> rec = notices.get(*notice);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->ends_on, *Date::parse("2025-10-10"));  // 5 working days around National Day
  EXPECT_EQ(apps.get(ids[0], one)->status.state, State::in_notice);
  // Publishing again is refused (no longer approved), and writes nothing.
  EXPECT_FALSE(notices.publish(n, levels_of, "office").ok());
  Result<int64_t> obj = notices.object(*notice, ids[1], "王某", "138****0000", "研发费用虚报",
                                       *Date::parse("2025-10-09"), "office");
  ASSERT_TRUE(obj.ok()) << obj.error().message.en;
  EXPECT_FALSE(
      notices.object(*notice, ids[1], "", "x", "y", *Date::parse("2025-10-09"), "office").ok());
  EXPECT_FALSE(
      notices.object(*notice, ids[1], "李某", "x", "y", *Date::parse("2025-10-11"), "office").ok());
  // Closing: refused on the last day, and while the objection is open.
  Result<CloseSummary> early =
      notices.close(*notice, *Date::parse("2025-10-10"), 3, levels_of, "office");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, StatusCode::failed_precondition);
  EXPECT_FALSE(notices.close(*notice, *Date::parse("2025-10-13"), 3, levels_of, "office").ok());
  ASSERT_TRUE(notices.resolve(*notice, *obj, true, "核实属实", levels_of, "office").ok());
  EXPECT_EQ(apps.get(ids[1], one)->status.state, State::rejected);
  Result<CloseSummary> done =
      notices.close(*notice, *Date::parse("2025-10-13"), 3, levels_of, "office");
  ASSERT_TRUE(done.ok()) << done.error().message.en;
  EXPECT_EQ(done->granted, std::vector<int64_t>{ids[0]});
  EXPECT_EQ(done->refused, std::vector<int64_t>{ids[1]});
  EXPECT_GT(done->batch, 0);
  EXPECT_EQ(apps.get(ids[0], one)->status.state, State::granted);
  EXPECT_FALSE(notices.close(*notice, *Date::parse("2025-10-14"), 3, levels_of, "office").ok());
  // The title is in the pool: valid from the closing day for three years.
  Result<Pool> pool = store_->load_pool();
  ASSERT_TRUE(pool.ok());
  std::optional<uint32_t> e = pool->find("91320505MA1P7K3C1N");
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(pool->titles().of(*e).size(), 1u);
  EXPECT_EQ(pool->titles().of(*e)[0].since, *Date::parse("2025-10-13"));
  EXPECT_EQ(pool->titles().of(*e)[0].valid_to, *Date::parse("2028-10-13"));
  EXPECT_FALSE(pool->find("91110108MA01ABCD1X").has_value());
  Result<store::AuditCheck> audit = store_->verify_audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem.en;
}

INSTANTIATE_TEST_SUITE_P(Backends, ApplicationsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace gradus::workflow
