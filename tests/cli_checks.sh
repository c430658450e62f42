#!/bin/sh
# Command-line checks that golden files cannot express (Chinese arguments, which CMake's argument
# splitting mangles, and pools larger than the samples): each check runs gradus and compares what
# matters. Usage: tests/cli_checks.sh GRADUS SOURCE_DIR. Exit 0 when every check passes.
set -u
G="$1"
cd "$2"
T="$(mktemp -d /tmp/gradus-cli.XXXXXX)"
trap 'rm -rf "$T"' EXIT
failed=0
check() {  # check NAME CONDITION-COMMAND...
  name="$1"; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failed=1; fi
}
contains() { grep -q -- "$2" "$1"; }

# A firm by name: exact, then a unique part; an ambiguous part lists the candidates (exit 2).
"$G" explain --input samples/pool.csv --name 精密机械 --policy little-giant --as-of 2026-06-30 --lang en >"$T/name.out" 2>&1
check "explain --name finds the one firm whose name contains it" contains "$T/name.out" "91320505MA1P7K3C1N"
"$G" gap --input samples/pool.csv --name 示例 --lang en >"$T/amb.out" 2>&1; rc=$?
check "an ambiguous --name exits 2" [ "$rc" -eq 2 ]
check "an ambiguous --name lists candidates" contains "$T/amb.out" "91320505MA1P7K3C1N  示例精密机械"
"$G" path --input samples/pool.csv --name 不存在的公司 --lang en >"$T/none.out" 2>&1; rc=$?
check "an unknown --name exits 2 and says so" sh -c "[ $rc -eq 2 ] && grep -q 'no enterprise whose name' '$T/none.out'"

# --park filters by the park's name.
"$G" assess --input samples/pool.csv --as-of 2026-06-30 --format csv --policy sme-size --park 北京经济技术开发区 >"$T/park.csv"
check "assess --park keeps only that park's firm" [ "$(tail -n +2 "$T/park.csv" | cut -d, -f1)" = 91110115MA01EXD4XN ]
check "every CSV starts with a UTF-8 BOM" sh -c "head -c 3 '$T/park.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "zh CSV carries Chinese values, not ids" sh -c "! grep -q ',application,\|,met,\|,medium,' '$T/park.csv' && grep -q '申报' '$T/park.csv'"

# potential writes every firm to a file unless --top says otherwise (it used to stop at 50).
"$G" demo --enterprises 150 --seed 3 --db "sqlite:$T/demo.db" >/dev/null 2>&1
"$G" potential --policy innovative-sme --db "sqlite:$T/demo.db" --format csv --lang en >"$T/pot.csv"
"$G" potential --policy innovative-sme --db "sqlite:$T/demo.db" --format csv --lang en --top 0 >"$T/pot_all.csv"
all=$(tail -n +2 "$T/pot_all.csv" | wc -l)
check "potential --format csv without --top writes every ranked firm (> 50)" \
  sh -c "[ $all -gt 50 ] && [ $(tail -n +2 "$T/pot.csv" | wc -l) -eq $all ]"
"$G" potential --policy innovative-sme --db "sqlite:$T/demo.db" --format json --lang en >"$T/pot.json"
check "potential --format json writes every ranked firm" [ "$(grep -c '"rank"' "$T/pot.json")" -eq "$all" ]
"$G" potential --policy innovative-sme --db "sqlite:$T/demo.db" --lang en >"$T/pot.txt"
check "potential on screen shows 50 and says how many there are" contains "$T/pot.txt" "in all, --top 0 lists them all"

# gap --all streams in pool order: every firm of a pool of several batches, once per tier.
"$G" gap --db "sqlite:$T/demo.db" --all --summary --policy innovative-sme --lang en >"$T/gap.csv" 2>/dev/null
"$G" assess --db "sqlite:$T/demo.db" --policy innovative-sme --format csv --lang en >"$T/assess.csv"
not_met=$(tail -n +2 "$T/assess.csv" | awk -F, '$7 != "met"' | wc -l)
check "gap --all --summary has one line per firm not meeting the tier" [ "$(tail -n +2 "$T/gap.csv" | wc -l)" -eq "$not_met" ]
"$G" gap --db "sqlite:$T/demo.db" --all --summary --policy innovative-sme --lang en --format xlsx --output "$T/gap.xlsx" 2>"$T/gapx.err" >/dev/null
check "gap --all --format xlsx writes the same rows as the CSV" contains "$T/gapx.err" "wrote $not_met rows to"

# An import that contradicts the stored facts is refused like a file's own error (exit 1, reported).
"$G" init --db "sqlite:$T/pool.db" >/dev/null 2>&1
"$G" import samples/pool.csv --db "sqlite:$T/pool.db" >/dev/null 2>&1
printf 'uscc,year,main_revenue\n91320505MA1P7K3C1N,2023,20000\n' >"$T/contradicts.csv"
"$G" import "$T/contradicts.csv" --db "sqlite:$T/pool.db" --lang en --report "$T/report.csv" >"$T/x.out" 2>&1; rc=$?
check "an import contradicting the store exits 1" [ "$rc" -eq 1 ]
check "the contradiction is in the report with its row and the stored value" contains "$T/report.csv" ',2,main_revenue@2023,20000,91320505MA1P7K3C1N,'
check "the contradiction names the stored value" contains "$T/report.csv" 'greater than the stored operating revenue for 2023 ""10873.26""'
"$G" history --db "sqlite:$T/pool.db" --name 精密机械 --lang en >"$T/history.out" 2>&1
check "history --name finds the firm" contains "$T/history.out" "91320505MA1P7K3C1N"
"$G" export --db "sqlite:$T/pool.db" --format csv --output "$T/export" --park 北京经济技术开发区 --lang en >/dev/null 2>&1
check "export --park keeps only that park's firm" [ "$(tail -n +2 "$T/export/enterprises.csv" | cut -d, -f1)" = 91110115MA01EXD4XN ]

exit $failed
