# CLI checks of the store's guards (issue 17), run by ctest (tests/store.cmake) on SQLite:
#  - defect 3: every command but init and demo refuses a store that does not exist — exit 2, a
#    message naming the URL and the absolute path (zh by default, en with --lang en) — and
#    creates no file; init creates the store, demo creates the store it fills (rm -f DB; demo);
#  - defect 4: demo into a store holding imported data is refused (exit 2) and leaves the file
#    byte for byte as it was; demo into a demo-only store works;
#  - runs diff in Chinese by default, as CSV (with a BOM) and XLSX;
#  - accounts (issue 10): init creates the admin once and shows its password; user add reads the
#    password from stdin and refuses a short one or a scope the role does not take; user list
#    (text, JSON); user token prints a token once, which is not stored; the audit chain verifies.
#
#   cmake -DGRADUS=path/to/gradus -DSOURCE_DIR=… -DWORK=/tmp/dir -P tests/store_cli.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(ENV{GRADUS_ACTOR} "store-cli-test")
unset(ENV{GRADUS_DB})

# run(<expected exit> ARGS…): runs gradus; fails the test on another exit code. OUT/ERR hold the
# outputs afterwards.
macro(run expected)
  execute_process(COMMAND "${GRADUS}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE OUT ERROR_VARIABLE ERR
                  WORKING_DIRECTORY "${SOURCE_DIR}")
  if(NOT rc STREQUAL "${expected}")
    message(FATAL_ERROR "gradus ${ARGN}: exit ${rc}, expected ${expected}\nstdout: ${OUT}\nstderr: ${ERR}")
  endif()
endmacro()
macro(expect_in text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected \"${what}\" in:\n${text}")
  endif()
endmacro()

# Defect 3: a mistyped --db.
set(missing "${WORK}/pooll.db")
foreach(cmd
    "assess;--db;sqlite:${missing};--format;summary;--lang;en"
    "export;--db;sqlite:${missing};--format;csv;--output;${WORK}/out;--lang;en"
    "audit;verify;--db;sqlite:${missing};--lang;en"
    "runs;list;--db;sqlite:${missing};--lang;en"
    "history;--uscc;91320505MA1P7K3C1N;--db;sqlite:${missing};--lang;en"
    "import;samples/pool.csv;--db;sqlite:${missing};--lang;en")
  run(2 ${cmd})
  expect_in("${ERR}" "sqlite:${missing} does not exist (path ${missing})")
  expect_in("${ERR}" "gradus init --db sqlite:${missing}")
  if(EXISTS "${missing}")
    message(FATAL_ERROR "gradus ${cmd} created ${missing}")
  endif()
endforeach()
run(2 assess --db "sqlite:${missing}" --format summary)
expect_in("${ERR}" "企业库 sqlite:${missing} 不存在（路径 ${missing}）")
# $GRADUS_DB mistyped: the same.
set(ENV{GRADUS_DB} "sqlite:${missing}")
run(2 audit verify --lang en)
expect_in("${ERR}" "(path ${missing})")
unset(ENV{GRADUS_DB})
if(EXISTS "${missing}")
  message(FATAL_ERROR "a command created ${missing}")
endif()

# init creates; the other commands then open it.
set(db "sqlite:${WORK}/pool.db")
run(0 init --db "${db}" --lang en)
run(0 audit verify --db "${db}" --lang en)
run(0 import samples/pool.csv --db "${db}" --lang en)

# Defect 4: demo refuses a store holding imported data, and changes nothing.
file(SHA256 "${WORK}/pool.db" before)
run(2 demo --db "${db}" --enterprises 20 --lang en)
expect_in("${ERR}" "holds imported data (24 enterprises, 1 batch(es) that are not demo data)")
expect_in("${ERR}" "Use another --db")
file(SHA256 "${WORK}/pool.db" after)
if(NOT before STREQUAL after)
  message(FATAL_ERROR "a refused demo changed ${WORK}/pool.db")
endif()

# runs diff (issue 17): zh by default, CSV with a BOM, XLSX through the export writer.
run(0 assess --db "${db}" --as-of 2026-06-30 --format summary --save-run)
run(1 import-titles tests/data/titles.csv --db "${db}")  # 2 rows of the list are errors
run(0 assess --db "${db}" --as-of 2026-06-30 --format summary --save-run)
run(0 runs diff 1 2 --db "${db}")
expect_in("${OUT}" "91320505MA1P7K3C1N")
expect_in("${OUT}" "不符合 → 符合")
expect_in("${OUT}" "共 1 项结果变化")
run(0 runs diff 1 2 --db "${db}" --lang en)
expect_in("${OUT}" "little-giant@2026: not met → met")
run(0 runs diff 1 2 --db "${db}" --format csv --output "${WORK}/diff.csv")
file(READ "${WORK}/diff.csv" csv HEX LIMIT 3)
if(NOT csv STREQUAL "efbbbf")
  message(FATAL_ERROR "runs diff CSV has no UTF-8 BOM")
endif()
file(READ "${WORK}/diff.csv" csv)
expect_in("${csv}" "统一社会信用代码,企业名称,政策,原结果,新结果,新增未满足的条件")
expect_in("${csv}" "专精特新“小巨人”企业认定标准（2026）,不符合,符合")
run(0 runs diff 1 2 --db "${db}" --format xlsx --output "${WORK}/diff.xlsx" --lang en)
file(READ "${WORK}/diff.xlsx" zip HEX LIMIT 2)
if(NOT zip STREQUAL "504b")
  message(FATAL_ERROR "runs diff --format xlsx did not write a workbook")
endif()
run(2 runs diff 1 2 --db "${db}" --format xlsx)

# demo creates the store it fills (scripts/run.sh: rm -f DB, then demo), and fills a demo-only
# store again.
set(demo "sqlite:${WORK}/demo.db")
run(0 demo --db "${demo}" --enterprises 20 --lang en)
run(0 demo --db "${demo}" --enterprises 30 --seed 5 --lang en)
run(0 audit verify --db "${demo}" --lang en)
# Accounts (issue 10).
macro(run_stdin expected input)
  execute_process(COMMAND "${GRADUS}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE OUT ERROR_VARIABLE ERR
                  INPUT_FILE "${input}" WORKING_DIRECTORY "${SOURCE_DIR}")
  if(NOT rc STREQUAL "${expected}")
    message(FATAL_ERROR "gradus ${ARGN}: exit ${rc}, expected ${expected}\nstdout: ${OUT}\nstderr: ${ERR}")
  endif()
endmacro()
set(users "sqlite:${WORK}/users.db")
run(0 init --db "${users}" --lang en)
expect_in("${OUT}" "created the admin \"admin\"")
string(REGEX MATCH "\n([A-Za-z0-9_-]+)\n$" _ "${OUT}")
if(NOT CMAKE_MATCH_1 MATCHES "^[A-Za-z0-9_-]+$")
  message(FATAL_ERROR "init printed no generated password:\n${OUT}")
endif()
run(0 init --db "${users}" --lang en)
string(FIND "${OUT}" "created the admin" again)
if(NOT again EQUAL -1)
  message(FATAL_ERROR "a second init created the admin again:\n${OUT}")
endif()
file(WRITE "${WORK}/password.txt" "a long password\n")
file(WRITE "${WORK}/short.txt" "short\n")
run_stdin(0 "${WORK}/password.txt" user add li --role official --regions 3205,320571 --parks 苏州工业园区
          --password-stdin --db "${users}" --lang en)
expect_in("${OUT}" "added user li (official) regions=3205,320571 parks=苏州工业园区")
run_stdin(2 "${WORK}/short.txt" user add wu --role official --regions 32 --password-stdin --db "${users}" --lang en)
expect_in("${ERR}" "at least 10 characters")
run_stdin(2 "${WORK}/password.txt" user add firm --role enterprise --uscc 91320505MA1P7K3C1N --parks x
          --password-stdin --db "${users}" --lang en)
expect_in("${ERR}" "takes only its USCC")
run(2 user add li --role official --regions 32 --db "${users}" --lang en)
expect_in("${ERR}" "--password-stdin")
run(0 user list --db "${users}" --lang en)
expect_in("${OUT}" "admin  admin")
expect_in("${OUT}" "li  official  regions=3205,320571 parks=苏州工业园区")
run(0 user list --format json --db "${users}" --lang en)
expect_in("${OUT}" "\"role\": \"official\"")
run(0 user token li --label erp --db "${users}" --lang en)
string(STRIP "${OUT}" token)
if(NOT token MATCHES "^gradus_[0-9a-f]+$")
  message(FATAL_ERROR "user token printed '${token}'")
endif()
file(READ "${WORK}/users.db" bytes HEX)
string(HEX "${token}" token_hex)
string(FIND "${bytes}" "${token_hex}" stored)
if(NOT stored EQUAL -1)
  message(FATAL_ERROR "the plain token is stored in users.db")
endif()
run(2 user token li --label erp --db "${users}" --lang en)
run(0 user tokens li --db "${users}" --lang en)
expect_in("${OUT}" "erp  created ")
run(0 user revoke-token li --label erp --db "${users}" --lang en)
run(0 user tokens li --db "${users}" --lang en)
expect_in("${OUT}" "[revoked]")
run(2 user tokens nobody --db "${users}" --lang en)
run(0 user disable li --db "${users}" --lang en)
run(0 user list --db "${users}" --lang en)
expect_in("${OUT}" "[disabled]")
run(0 audit verify --db "${users}" --lang en)
expect_in("${OUT}" "audit log intact: 5 entries")
file(REMOVE_RECURSE "${WORK}")
