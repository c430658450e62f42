// The gradus command line: the usage text and the dispatch of each command to its family's file
// (assess_commands, policy_commands, analysis_commands, store_commands, export_commands,
// user_commands, serve_commands).
//
// Exit codes: 0 everything succeeded; 1 some input rows or cases failed (results for the rest are
// still printed); 2 the command could not run (bad arguments, unreadable file, invalid policy).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "core/allocator.h"
#include "core/fields.h"
#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "export/export.h"
#include "policy/registry.h"
#include "store/store.h"

namespace gradus {

const char* const kUsage = R"(gradus — tiered cultivation of SMEs: rules, explanations, the pool
gradus — 优质中小企业梯度培育：规则、解释、企业库

usage / 用法:
  gradus assess  (--input FILE | --db URL [--known-at TIME] [--save-run])
                 [--policy ID[@VERSION]]... [--as-of YYYY-MM-DD]
                 [--mode application|review] [--format text|json|csv|summary [--by region|park|industry]]
                 [--lang zh|en] [--threads N] [--policy-file FILE]... [FILTERS]
      Assess every enterprise in FILE (CSV, XLSX or JSON) or in the store against the policies
      (default: every shipped policy, in the version in force on the as-of date for the mode).
      A firm holding a tier's title is assessed by its review (复核) version and counted apart.
      --known-at uses the facts as the store knew them then (YYYY-MM-DD or an ISO UTC time);
      --save-run keeps the outcomes as a dated run (gradus runs list|diff).
      评价文件或企业库中的每家企业；--known-at 按当时已知的数据评价；--save-run 保存本次评价结果。
  gradus explain (--input FILE | --db URL [--known-at TIME]) FIRM [--policy ID[@VERSION]]...
                 [--as-of …] [--mode …] [--lang …]
      The full account for one enterprise, criterion by criterion, with citations and inputs.
      单个企业的逐条解释（含依据与所用数据）。
  gradus whatif (--input FILE | --db URL) FIRM [--set FIELD[@YEAR]=VALUE]... [--title TIER@DAY]...
                [--policy …] [--as-of …] [--mode …] [--lang …]
      Re-assess one enterprise with changed facts (or titles assumed granted on a day) and show
      which outcomes and criteria change.
      假如修改某些数据，重新评价单个企业并列出哪些结果和条款发生变化。
  gradus gap (--input FILE | --db URL) FIRM [--policy …] [--calls FILE…] [--as-of …] [--mode …] [--lang …]
      For each tier not met: the facts to enter, the unmet criteria with the smallest proven change
      of one fact each, and what a reviewer must judge. 差距分析：缺哪些数据、差多少、哪些需评审。
      A holder is judged by the review of its title; others on their next call's first day.
  gradus gap (--input FILE | --db URL) --all [--summary] [--policy …] [--calls FILE…] [--as-of …]
             [--lang …] [--threads N] [FILTERS]
      The same for every firm of the pool as CSV, one line per proven change, or with --summary one
      line per firm and tier (全池差距分析，CSV).
  gradus path (--input FILE | --db URL) FIRM [--calls FILE…] [--no-calls] [--as-of …] [--lang …]
      The way up the ladder: innovative/tech SME → SRDI SME → little giant, each step held, now,
      from a date (time conditions) or after changes, with what must be true, each placed in the
      first application call it can make (calendar/calls.yaml; a zone's own dates with --calls).
      晋级路径，按申报批次排期。
  gradus potential --policy ID (--input FILE | --db URL) [FILTERS]
                [--top N] [--format text|csv|json|xlsx --output FILE] [--include-holders] [--as-of …]
      The firms closest to a tier (not holding it yet), ranked by blocking criteria and shortfall;
      files get every firm unless --top N, the screen the first 50.
      按差距排序，列出最接近某一层级的企业。
  gradus policy diff ID@VERSION ID@VERSION (--input FILE | --db URL) [--format text|csv] [--as-of …] [FILTERS]
      The firms whose outcome changes between two versions of a policy, and the criteria why.
      新旧版本政策下结果发生变化的企业及原因。
  gradus policy list [--as-of YYYY-MM-DD] [--lang zh|en]
      Every policy version, its windows, and which is in force on the date.
  gradus policy check FILE...
      Type-check policy or overlay files; errors as file:line:col: message.
  gradus policy test [FILE...]
      Run cases files (default: every shipped *.cases.yaml). A policy file beside a cases file
      (policies/<id>/<version>.yaml) and its overlays are loaded from disk, so edits are tested.

  gradus init [--db URL]
      Create the store or bring its schema up to date; a store without users gets the admin
      "admin", whose generated password is printed once.
      创建企业库或升级其结构；尚无用户时创建管理员 admin 并显示一次其生成的密码。
  gradus import FILE... [--db URL] [--dry-run] [--report FILE.txt|.csv|.xlsx] [--actor NAME] [--ignore-unknown-columns]
      Import CSV / XLSX / JSON files into the store, all or nothing per file; re-importing the
      same file changes nothing; a corrected file changes only what differs.
      导入数据文件（每个文件要么全部导入，要么完全不导入），可输出错误报告。
  gradus history FIRM [--db URL]
      Every fact of one enterprise through time: who changed what, when, from which file.
      单个企业数据的全部变更记录。
  gradus audit verify [--expect-head HASH] | audit log [--limit N]   [--db URL]
      Check the hash-chained audit log and every import batch's data; list the log.
      校验审计日志（哈希链）及各批次数据是否被篡改。
  gradus runs list | runs diff RUN RUN [--format text|csv|xlsx --output FILE] [--lang …]  [--db URL]
      Stored assessment runs; the enterprises whose outcome or blocking criteria changed between
      two runs.
      已保存的评价批次；两次评价之间结果有变化的企业。
  gradus import-titles FILE [--db URL] [--dry-run] [--report FILE.csv]
      Load a published title list (name, tier, batch, year, province, optional USCC; CSV or XLSX),
      match it to the pool by USCC or name, report the unmatched and the ambiguous.
      导入公布的称号名单，按代码或名称匹配企业库，列出未匹配和有歧义的。
  gradus export --format xlsx|csv --output PATH [--with-assessment POLICY]... [--as-of DATE]
                [--known-at TIME] [--lang zh|en] [--db URL] [FILTERS]
      The pool (one sheet or file per table, Chinese headers by default), optionally with outcomes.
      导出企业库（可附评价结果）。
  gradus template [--output FILE.xlsx] [--lang zh|en]
      The empty Excel import template with units and a notes sheet. 生成空白导入模板。
  gradus user add NAME --role admin|official|reviewer|enterprise [--regions CODES] [--parks NAMES]
                [--level park|county|city|province|ministry] [--uscc CODE] --password-stdin
  gradus user passwd NAME --password-stdin | user disable NAME | user enable NAME
  gradus user list [--format text|json] | user token NAME [--label L] | user tokens NAME
  gradus user revoke-token NAME --label L
      The accounts of the server (gradus serve). An official is scoped to region codes (2, 4 or
      6 digits) and/or parks (comma-separated), a reviewer has a level, an enterprise user its
      USCC. The password is the first line of standard input (at least 10 characters); a token
      is printed once. Every change is in the audit log with --actor.
      服务端账户：添加、改密码、停用/启用、列出、创建/吊销 API 令牌（令牌只显示一次）。
  gradus demo [--enterprises N] [--seed S] [--db URL]
      Fill the store with a synthetic demo pool (default 913 firms). 生成演示企业库。
  gradus serve [--listen HOST:PORT] [--db URL] [--workers N] [--jobs-dir DIR] [--body-limit-mb N]
               [--web-root DIR] [--today DATE] [--no-access-log] [--routes] [--lang zh|en]
      The platform server: the HTTP API /api/v1 (docs/openapi.yaml, docs/server.md) for officials,
      firms, reviewers and integrations, each seeing only its scope (default 127.0.0.1:8080);
      --web-root DIR serves the web UI (web/dist after npm run build) at /; --today DATE is a
      test clock for the workflow's dates (only with GRADUS_ALLOW_TEST_CLOCK=1).
      平台服务器：HTTP API，按角色与辖区隔离数据。

FIRM is --uscc CODE or --name NAME (exact, else the one firm whose name contains it; an
ambiguous name lists the candidates). FILTERS: --region PREFIX (leading digits of the region
code: 32, 3205), --park NAME, --industry PREFIX (GB/T 4754: C, C34, 3456).
--input FILE takes --ignore-unknown-columns (columns gradus does not know are listed and left out).
CSV outputs start with a UTF-8 BOM; in zh their headers and values are Chinese.
The store is --db URL, else $GRADUS_DB, else sqlite:gradus.db (URL: sqlite:PATH or
postgresql://USER@HOST:PORT/DBNAME). The actor is --actor, else $GRADUS_ACTOR, else $USER.
The as-of date defaults to today (UTC+8); the mode to application; the language to zh.
Exit codes: 0 ok; 1 some rows, firms or cases failed; 2 the command could not run.
)";

}  // namespace gradus

int main(int argc, char** argv) {
  using namespace gradus;
  tune_allocator_for_bulk_work(argv);
  std::ios::sync_with_stdio(false);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? kFailed : kOk;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") return std::cout << "gradus 0.1.0\n", kOk;
  if (cmd == "assess") return cmd_assess(argc, argv);
  if (cmd == "explain") return cmd_explain(argc, argv);
  if (cmd == "policy") return cmd_policy(argc, argv);
  if (cmd == "init") return cmd_init(argc, argv);
  if (cmd == "import") return cmd_import(argc, argv);
  if (cmd == "history") return cmd_history(argc, argv);
  if (cmd == "audit") return cmd_audit(argc, argv);
  if (cmd == "runs") return cmd_runs(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "import-titles") return cmd_import_titles(argc, argv);
  if (cmd == "export") return cmd_export(argc, argv);
  if (cmd == "template") return cmd_template(argc, argv);
  if (cmd == "whatif") return cmd_whatif(argc, argv);
  if (cmd == "gap") return cmd_gap(argc, argv);
  if (cmd == "path") return cmd_path(argc, argv);
  if (cmd == "potential") return cmd_potential(argc, argv);
  if (cmd == "serve") return cmd_serve(argc, argv);
  if (cmd == "user") return cmd_user(argc, argv);
  return usage_error("unknown command '" + cmd + "'");
}
