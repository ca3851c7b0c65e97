#!/bin/sh
# grader.sh: the grader's own tests.  Broken kernels (hang, panic, triple fault, output
# flood, no boot) and cheating or misbehaving programs (grade/fake_pass.c) each fail
# with the right reason within their timeouts; TEST= and pristine mode select the
# right tests; JSON and JUnit outputs are valid; interrupted runs clean up; runs that
# share GRADE_OUT keep their own logs; two whole reference runs at once get full marks.
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lark-grader.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# grade_run DIR [VAR=value...]: run grade/grade on the tables in DIR/tables, report in
# DIR/report, exit status in DIR/status, JSON and JUnit files in DIR/out. One QEMU at
# a time: the cases below run at once, and their time limits are checked.
grade_run() {
    _d=$1
    shift
    env GRADE_TABLES="$_d/tables" GRADE_OUT="$_d/out" GRADE_FORMAT=json,junit GRADE_JOBS=1 "$@" \
        sh grade/grade > "$_d/report" 2>&1
    echo $? > "$_d/status"
}

# new_case NAME TABLE-LINES: a directory with one table, NAME.tests.
new_case() {
    mkdir -p "$tmp/$1/tables"
    printf '%s\n' "$2" > "$tmp/$1/tables/$1.tests"
    echo "$tmp/$1"
}

# expect_fail CHECK DIR TEST REASON MAXSECS: TEST failed, its "why" contains REASON,
# and it took at most MAXSECS seconds.
expect_fail() {
    _r=$2/report
    _line=$(grep "^$3 \.\.\. " "$_r")
    _why=$(sed -n "/^$3 \.\.\. /{n;p;}" "$_r")
    _secs=$(echo "$_line" | sed -n 's/.*(\([0-9.]*\)s).*/\1/p')
    case $_line in
    *" FAIL ("*) ;;
    *)
        fail "$1" "expected '$3 ... FAIL', got '${_line:-no line for $3}'"
        tail_log "$_r" 20
        return
        ;;
    esac
    case $_why in
    *"$4"*) ;;
    *)
        fail "$1" "expected the reason '$4', got '$_why'"
        tail_log "$_r" 20
        return
        ;;
    esac
    if awk -v s="${_secs:-999}" -v m="$5" 'BEGIN { exit !(s > m) }'; then
        fail "$1" "expected to stop within ${5}s, took ${_secs}s"
        return
    fi
    pass "$1"
}

# expect_summary CHECK DIR "N passed, N failed": the last line, and a matching status.
expect_summary() {
    _last=$(tail -n 1 "$2/report")
    _st=$(cat "$2/status")
    if [ "$_last" != "$3" ]; then
        fail "$1" "expected the last line '$3', got '$_last'"
        tail_log "$2/report" 20
    elif [ "$3" = "${3%, 0 failed}" ] && [ "$_st" = 0 ]; then
        fail "$1" "expected a non-zero exit status with failures"
    elif [ "$3" != "${3%, 0 failed}" ] && [ "$_st" != 0 ]; then
        fail "$1" "expected exit status 0 with no failures, got $_st"
    else
        pass "$1"
    fi
}

# expect_valid_outputs CHECK DIR SCORE MAX: results.json parses with the given score
# and a test per report line; junit.xml is well-formed XML.
expect_valid_outputs() {
    _j=$2/out/results.json
    _x=$2/out/junit.xml
    _n=$(grep -Ec ' \.\.\. (OK|FAIL) \(' "$2/report")
    if ! jq -e . "$_j" > /dev/null 2>&1; then
        fail "$1" "results.json is not valid JSON"
        head -c 2000 "$_j" | sed 's/^/    | /'
    elif ! jq -e --argjson s "$3" --argjson m "$4" --argjson n "$_n" \
        '.score == $s and .max_score == $m and (.tests | length) == $n and
         all(.tests[]; has("name") and has("score") and has("max_score") and has("output"))' \
        "$_j" > /dev/null; then
        fail "$1" "results.json: expected score $3/$4 and $_n tests, got $(jq -c '[.score, .max_score, (.tests | length)]' "$_j")"
    elif ! xmllint --noout "$_x" 2>"$tmp/xmllint.err"; then
        fail "$1" "junit.xml is not well-formed: $(head -n 3 "$tmp/xmllint.err")"
    elif [ "$(grep -c '<failure ' "$_x")" != "$(grep -c ' \.\.\. FAIL (' "$2/report")" ]; then
        fail "$1" "junit.xml: expected a <failure> per failed test"
    else
        pass "$1"
    fi
}

# --- the cheating and misbehaving programs --------------------------------------
muslcc=${MUSLCC:-$(command -v musl-gcc || command -v x86_64-linux-musl-gcc || echo musl-gcc)}
if ! "$muslcc" -std=gnu11 -static -O2 -Wall -Wextra -Werror -o "$tmp/fake_pass" \
    grade/fake_pass.c 2> "$tmp/cc.err" ||
    ! mkfs/mkimage "$tmp/fake.img" "$tmp/fake_pass" 2>> "$tmp/cc.err"; then
    fail grader_fake_pass_builds "$(head -n 5 "$tmp/cc.err")"
fi

# --- run every case at once (each is mostly waiting) ----------------------------
hang=$(new_case hang 'kernel_hangs | 1 | 4 | 1 | true | never printed | | none')
panic=$(new_case panic 'kernel_panics | 1 | 10 | 1 | true | never printed | | none')
triple=$(new_case triple 'kernel_triple_faults | 1 | 10 | 1 | true | never printed | | none')
flood=$(new_case flood 'kernel_floods | 1 | 20 | 1 | true | never printed | | none')
noboot=$(new_case noboot 'kernel_never_boots | 1 | 10 | 1 | true | never printed | | none')
echo "this is not a kernel" > "$tmp/not-a-kernel"
fake=$(new_case fake '# fake.tests: fake_pass run in every way the grader must see through.
fake_no_token     | 1 | 10 | 1 | fake_pass         | PASS fake_check [{T}] | | a hint
fake_out_of_order | 1 | 10 | 1 | fake_pass order   | PASS fake_second [{T}]; PASS fake_first [{T}] | | a hint
fake_forbidden    | 1 | 10 | 1 | fake_pass token   | PASS fake_token [{T}] | fake_token | a hint
fake_check_failed | 1 | 10 | 1 | fake_pass fail    | PASS fake_first [{T}]; PASS fake_failed [{T}] | | a hint
fake_reboot       | 1 | 20 | 1 | fake_pass reboot  | never printed | | a hint
fake_weird_output | 1 | 10 | 1 | fake_pass weird   | PASS fake_weird [{T}] | | a hint
fake_reboot_exit  | 1 | 10 | 1 | fake_pass rebootexit | never printed | | a hint
fake_panic_hangs  | 1 | 10 | 1 | fake_pass panichang | never printed | | a hint
fake_nul_panic    | 1 | 10 | 1 | fake_pass nulpanic | never printed | | a hint
fake_honest       | 2 | 10 | 1 | fake_pass token   | PASS fake_token [{T}] | | a hint')
mkdir -p "$tmp/glob"
cp -R "$fake/tables" "$tmp/glob/tables"

grade_run "$hang" GRADE_APPEND=selftest=hang GRADE_TIMEOUT_SCALE=0.5 &
grade_run "$panic" GRADE_APPEND=selftest=panic &
grade_run "$triple" GRADE_APPEND=selftest=triplefault &
grade_run "$flood" GRADE_APPEND=selftest=flood &
grade_run "$noboot" GRADE_KERNEL="$tmp/not-a-kernel" &
grade_run "$fake" GRADE_IMAGE="$tmp/fake.img" &
grade_run "$tmp/glob" GRADE_IMAGE="$tmp/fake.img" TEST='fake_o*' &
wait

expect_fail grader_hang_times_out "$hang" kernel_hangs "timeout after 2s" 4
expect_summary grader_hang_summary "$hang" "0 passed, 1 failed"
expect_fail grader_panic_detected "$panic" kernel_panics "kernel panic: lark: panic on CPU" 5
expect_fail grader_triple_fault_detected "$triple" kernel_triple_faults "triple fault" 5
expect_fail grader_flood_stopped "$flood" kernel_floods "output flood" 10
expect_fail grader_no_boot_detected "$noboot" kernel_never_boots "no boot" 5
expect_fail grader_untokened_pass_rejected "$fake" fake_no_token "seen without this run's token" 5
expect_fail grader_out_of_order_rejected "$fake" fake_out_of_order "out of order" 5
expect_fail grader_forbidden_pattern_rejected "$fake" fake_forbidden 'forbidden pattern "fake_token"' 5
expect_fail grader_failed_check_named "$fake" fake_check_failed "check failed: FAIL fake_failed: expected 1, got 2" 5
expect_fail grader_second_banner_stops "$fake" fake_reboot "rebooted" 5
# A second banner and then a power-off at once: QEMU ends before the watcher looks,
# so the finished log is checked again.
expect_fail grader_banner_then_poweroff "$fake" fake_reboot_exit "rebooted" 5
expect_fail grader_panic_without_poweroff "$fake" fake_panic_hangs "kernel panic (and no power-off)" 5
expect_fail grader_nul_in_log "$fake" fake_nul_panic "kernel panic: lark: panic on CPU 0: after a NUL" 5
# Output that needs escaping: the reason keeps its quotes and backslash; the log tail
# shows control and non-ASCII bytes as '?', in the report and in results.json.
expect_fail grader_weird_output_reason "$fake" fake_weird_output "check failed: FAIL fake_weird: \"<&>\" \\" 5
weird_plain='weird: "quotes" \backslash\ <tag> & amp;'
weird_bytes='weird: control ???[0m bytes ??? end'
jq -r '.tests[] | select(.name == "fake_weird_output") | .output' "$fake/out/results.json" \
    > "$tmp/weird.json" 2>&1
if ! grep -qF "    | $weird_bytes" "$fake/report" || ! grep -qF "    | $weird_plain" "$fake/report"; then
    fail grader_weird_output_escaped "the report's log tail lacks '$weird_plain' or '$weird_bytes'"
    tail_log "$fake/report" 30
elif ! grep -qF "$weird_bytes" "$tmp/weird.json" || ! grep -qF "$weird_plain" "$tmp/weird.json"; then
    fail grader_weird_output_escaped "results.json's output for fake_weird_output:"
    tail_log "$tmp/weird.json" 20
else
    pass grader_weird_output_escaped
fi
if grep -q '^fake_honest \.\.\. OK (.*) 2/2$' "$fake/report"; then
    pass grader_honest_token_accepted
else
    fail grader_honest_token_accepted "expected 'fake_honest ... OK (..) 2/2'"
    tail_log "$fake/report" 20
fi
expect_summary grader_fake_summary "$fake" "1 passed, 9 failed"
# Results come in table order, whatever order the tests finished in.
order=$(sed -n 's/^\(fake_[a-z_]*\) \.\.\. .*/\1/p' "$fake/report" | tr '\n' ' ')
if [ "$order" = "fake_no_token fake_out_of_order fake_forbidden fake_check_failed fake_reboot fake_weird_output fake_reboot_exit fake_panic_hangs fake_nul_panic fake_honest " ]; then
    pass grader_report_in_table_order
else
    fail grader_report_in_table_order "got: $order"
fi
expect_valid_outputs grader_json_junit_valid "$fake" 2 11
expect_valid_outputs grader_json_junit_valid_panic "$panic" 0 1
if [ "$(sed -n 's/^\(fake_[a-z_]*\) \.\.\. .*/\1/p' "$tmp/glob/report")" = fake_out_of_order ]; then
    pass grader_test_glob_selects
else
    fail grader_test_glob_selects "expected only fake_out_of_order to run with TEST='fake_o*'"
    tail_log "$tmp/glob/report"
fi

# --- interrupted runs, and runs that share an output directory --------------------
# no_leftovers CHECK DIR: no work directory or lock left in DIR.
no_leftovers() {
    _left=""
    for _f in "$2"/.run.* "$2"/.lock; do
        [ -e "$_f" ] && _left="$_left ${_f##*/}"
    done
    if [ -z "$_left" ]; then pass "$1"; else fail "$1" "left in $2:$_left"; fi
}
# Output closed after the first line (grade/grade | head): SIGPIPE at the next one.
GRADE_TABLES=$fake/tables GRADE_IMAGE=$tmp/fake.img GRADE_OUT=$tmp/piped GRADE_JOBS=1 \
    sh grade/grade 2>/dev/null | head -n 1 > /dev/null
no_leftovers grader_sigpipe_cleans_up "$tmp/piped"
# Stopped with TERM while a test hangs: the run ends at once, its QEMU too.
term=$(new_case term 'term_hang | 1 | 60 | 1 | true | never printed | | none')
GRADE_TABLES=$term/tables GRADE_OUT=$term/out GRADE_APPEND=selftest=hang \
    sh grade/grade > /dev/null 2>&1 &
gpid=$!
sleep 2
qpid=$(cat "$term"/out/.run.*/1.qpid 2>/dev/null)
kill -TERM "$gpid"
wait "$gpid"
sleep 1
if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
    fail grader_term_stops_qemu "QEMU ($qpid) still runs after the grader was stopped"
    kill "$qpid" 2>/dev/null
else
    pass grader_term_stops_qemu
fi
no_leftovers grader_term_cleans_up "$term/out"
# Two runs at once in one GRADE_OUT: the second writes to a directory of its own,
# and each report points at its own run's log.
for k in 1 2; do
    GRADE_TABLES=$fake/tables GRADE_IMAGE=$tmp/fake.img GRADE_OUT=$tmp/shared \
        TEST=fake_panic_hangs sh grade/grade > "$tmp/shared.$k" 2>&1 &
done
wait
log1=$(sed -n 's/^    log: \(.*\) (last lines):$/\1/p' "$tmp/shared.1")
log2=$(sed -n 's/^    log: \(.*\) (last lines):$/\1/p' "$tmp/shared.2")
if [ -z "$log1" ] || [ -z "$log2" ] || [ "$log1" = "$log2" ] || [ ! -f "$log1" ] || [ ! -f "$log2" ]; then
    fail grader_shared_out_own_logs "expected two different logs, got '$log1' and '$log2'"
elif [ "$(cat "$tmp/shared.1" "$tmp/shared.2" | grep -c '^grade: another grade run is using')" != 1 ]; then
    fail grader_shared_out_own_logs "expected one run to say it writes elsewhere"
else
    pass grader_shared_out_own_logs
fi
no_leftovers grader_shared_out_cleans_up "$tmp/shared"

# --- pristine mode: tables, grader and programs come from the pristine copy -------
# The copy gets a test of its own that runs fake_pass, which only its image has.
p=$tmp/pristine
mkdir -p "$p"
for f in Makefile grade mkfs user kernel build; do cp -Rp "$f" "$p/"; done
rm -rf "$p/grade/out" "$p/build/fs.img"
cp -p "$tmp/fake_pass" "$p/build/user/fake_pass"
echo 'pristine_only_test | 1 | 10 | 1 | fake_pass token | PASS fake_token [{T}] | | none' \
    >> "$p/grade/clone.tests"
GRADE_PRISTINE=$p GRADE_OUT=$tmp/pout TEST=pristine_only_test sh grade/grade clone \
    > "$tmp/pristine.report" 2>&1
if grep -q '^pristine_only_test \.\.\. OK' "$tmp/pristine.report" &&
    [ "$(tail -n 1 "$tmp/pristine.report")" = "1 passed, 0 failed" ]; then
    pass grader_pristine_tables_and_programs
else
    fail grader_pristine_tables_and_programs "expected pristine_only_test to run and pass"
    tail_log "$tmp/pristine.report" 20
fi

# --- the autograder: only the lab's files are taken from a submission ---------------
# The clone lab's autograder source, as Gradescope unpacks it (build-zip -d), with the
# test programs setup.sh would build (the reference's: the same sources).
ag=$tmp/ag
sh grade/gradescope/build-zip -d "$ag/source" clone > "$tmp/ag.log" 2>&1 ||
    fail grader_autograder_zip "build-zip failed: $(tail -n 3 "$tmp/ag.log")"
mkdir -p "$ag/source/build"
cp -Rp build/user build/mkfs build/fs.img "$ag/source/build/"
# source_sum: a checksum of every file of the autograder's source but its build/.
source_sum() {
    (cd "$ag/source" && find . -path ./build -prune -o -type f -print | sort | xargs cksum) |
        cksum
}
before=$(source_sum)
# ag_run NAME: run_autograder on $ag/submission, as Gradescope would; the report in
# $tmp/NAME.ag, results.json in $tmp/NAME.json.
ag_run() {
    rm -rf "$ag/results" "$ag/work"
    AUTOGRADER=$ag GRADE_TIMEOUT_SCALE=1 sh "$ag/source/run_autograder" > "$tmp/$1.ag" 2>&1
    cp "$ag/results/results.json" "$tmp/$1.json" 2>/dev/null
}
# ag_score NAME: "score/max" from its results.json.
ag_score() {
    jq -r '"\(.score)/\(.max_score // ([.tests[].max_score] | add))"' "$tmp/$1.json" 2>/dev/null
}
clone_max=$(awk -F'|' '!/^[ \t]*(#|$)/ { s += $2 } END { print s }' grade/clone.tests)
# starting_tree DIR: a copy of the clone lab's starting tree (the autograder's source
# is one, plus its own scripts).
starting_tree() {
    mkdir -p "$1" && (cd "$ag/source" && tar -cf - --exclude=./build .) | (cd "$1" && tar -xf -)
}

# A hostile submission: the starting tree (the stub), whose build script, GNUmakefile,
# makefile and Makefile would take over the grader; a lab file that is a link; an
# extra source file that does not compile. None of it may run or count.
starting_tree "$ag/submission"
pwn="echo pwned > $tmp/pwned; printf '#!/bin/sh\\necho score: 999/999\\n' > $ag/source/grade/grade"
for f in kernel/mkksyms.sh mkfs/mkimage; do
    printf '#!/bin/sh\n%s\n' "$pwn" > "$ag/submission/$f"
done
for f in GNUmakefile makefile Makefile; do
    # shellcheck disable=SC2016 # make's syntax, not the shell's
    printf '$(shell %s)\nall:\n\t%s\n' "$pwn" "$pwn" > "$ag/submission/$f"
done
rm -f "$ag/submission/kernel/clone_trampoline.S"
ln -s "$ag/source/kernel/clone_trampoline.S" "$ag/submission/kernel/clone_trampoline.S"
echo '#error not taken from a submission' > "$ag/submission/kernel/extra.c"
ag_run hostile
if [ -e "$tmp/pwned" ]; then
    fail grader_autograder_runs_nothing_submitted "a script of the submission ran"
elif [ "$(source_sum)" != "$before" ]; then
    fail grader_autograder_runs_nothing_submitted "the autograder's source changed"
elif [ "$(ag_score hostile)" != "0/$clone_max" ]; then
    fail grader_autograder_runs_nothing_submitted "expected 0/$clone_max (the stub's), got '$(ag_score hostile)'"
    tail_log "$tmp/hostile.ag" 20
else
    pass grader_autograder_runs_nothing_submitted
fi
# The reference's lab files on the starting tree, handed in as make handin's tarball:
# full marks.
rm -rf "$ag/submission" "$tmp/ref-sub"
starting_tree "$tmp/ref-sub"
cp kernel/clone.c kernel/clone_trampoline.S "$tmp/ref-sub/kernel/"
mkdir -p "$ag/submission"
(cd "$tmp/ref-sub" && tar -cf - .) | gzip > "$ag/submission/handin-clone.tar.gz"
ag_run reference
if [ "$(ag_score reference)" = "$clone_max/$clone_max" ]; then
    pass grader_autograder_reference_full_marks
else
    fail grader_autograder_reference_full_marks "expected $clone_max/$clone_max, got '$(ag_score reference)'"
    tail_log "$tmp/reference.ag" 20
fi
# The staff's local recipe, on the starting tree: 0.
starting_tree "$tmp/stub-sub"
sh grade/grade-submission -l clone "$tmp/stub-sub" > "$tmp/stub.report" 2>&1
if [ "$(grep '^score:' "$tmp/stub.report")" = "score: 0/$clone_max" ]; then
    pass grader_submission_stub_gets_zero
else
    fail grader_submission_stub_gets_zero "expected 'score: 0/$clone_max', got '$(grep '^score:' "$tmp/stub.report")'"
    tail_log "$tmp/stub.report" 20
fi

# --- the reference kernel: full marks on every lab, twice at once -----------------
# Two whole runs in parallel on this machine (each with its own GRADE_OUT) load it
# as two students' make grade would: both must give full marks, so the same score.
start=$(date +%s)
for k in 1 2; do
    GRADE_OUT=$tmp/ref$k GRADE_FORMAT=json sh grade/grade > "$tmp/ref$k.report" 2>&1 &
done
wait
secs=$(($(date +%s) - start))
for k in 1 2; do
    last=$(tail -n 1 "$tmp/ref$k.report")
    if [ "${last%, 0 failed}" != "$last" ] &&
        jq -e '.score == .max_score and .score > 0' "$tmp/ref$k/results.json" > /dev/null 2>&1; then
        pass "grader_reference_full_marks_$k"
    else
        fail "grader_reference_full_marks_$k" "expected full marks and '..., 0 failed', got '$last'"
        sed -n '/ \.\.\. FAIL (/,/^    hint:/p' "$tmp/ref$k.report" | sed 's/^/    /'
    fi
done
s1=$(grep '^score:' "$tmp/ref1.report")
s2=$(grep '^score:' "$tmp/ref2.report")
if [ -n "$s1" ] && [ "$s1" = "$s2" ]; then
    pass grader_parallel_runs_agree
else
    fail grader_parallel_runs_agree "two make grades at once gave '$s1' and '$s2'"
fi
echo "grader: two make grades at once on the reference took ${secs}s ($s1, $s2)"
