// The gradus commands, declared for main.cpp's dispatcher (one file per family: assess_commands,
// policy_commands, analysis_commands, store_commands, user_commands). Each takes the full argv (the
// command name is argv[1]) and returns an exit code (cli/args.h).
#pragma once

#include <memory>
#include <string>

#include "cli/args.h"
#include "core/status.h"
#include "core/text.h"

namespace gradus {

namespace store {
class Store;
}

// The usage text (main.cpp), printed by --help.
extern const char* const kUsage;

int cmd_assess(int argc, char** argv);
int cmd_explain(int argc, char** argv);
int cmd_policy(int argc, char** argv);
int cmd_path(int argc, char** argv);
int cmd_init(int argc, char** argv);
int cmd_import(int argc, char** argv);
int cmd_history(int argc, char** argv);
int cmd_audit(int argc, char** argv);
int cmd_runs(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_import_titles(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_template(int argc, char** argv);
int cmd_whatif(int argc, char** argv);
int cmd_gap(int argc, char** argv);
int cmd_potential(int argc, char** argv);
int cmd_policy_diff(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_user(int argc, char** argv);  // user_commands.cpp

// Opens the store named by --db / $GRADUS_DB / sqlite:gradus.db, printing the error; nullptr on
// failure.
std::unique_ptr<store::Store> open_store_or_report(const Args& a, Lang lang);

// Who is acting: --actor, else $GRADUS_ACTOR, else $USER, else "unknown".
std::string actor_name(const Args& a);

}  // namespace gradus
