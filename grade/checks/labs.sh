#!/bin/sh
# labs.sh: the labs' self-check (make check-handouts). Every lab's student tree
# (grade/handout) has no solution markers, builds without warnings, boots, gets 0
# points on its own lab's tests and passes every other test that does not need that
# lab ("needs-all" in grade/labs, "#@ needs:" in the tables); the reference gets full
# marks; and each typical mistake (grade/mistakes/LAB/NAME.patch, see its README)
# applied to the reference fails the tests its "# catches:" line names.
#   CHECK_LABS="clone vfork"   only these labs (default: all)
#   CHECK_LABS_TREES=0         skip the reference and the trees
#   CHECK_LABS_MISTAKES=GLOB   only the mistakes whose name matches (0: none)
#   CHECK_LABS_NEEDS=1         also run, on each lab's tree, the tests declared to need
#                              that lab, and report which of them pass anyway
#   CHECK_LABS_KEEP=1          keep the work directory (it is printed)
# Speed: the kernel is the only thing that differs between trees, so every tree and
# mistake reuses the reference's user programs, root image and kernel objects (make
# rebuilds only what a handout or a patch changed), and each grade run takes only the
# tests it needs, on GRADE_JOBS QEMUs at a time.
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
set -u
make=${MAKE:-make}
repo=$(pwd -P)
started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/lark-labs.XXXXXX") || exit 2
if [ "${CHECK_LABS_KEEP:-0}" = 1 ]; then
    echo "labs: work directory $work"
else
    trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

all_labs=$(awk '$1 == "lab" { print $2 }' grade/labs)
labs=${CHECK_LABS:-$all_labs}
needs_all=$(awk '$1 == "needs-all" { $1 = ""; print }' grade/labs)

# Every test as "lab name needs...": needs-all, then the test's own "#@ needs:".
tests=$work/tests
for f in grade/*.tests; do
    [ -f "$f" ] || continue
    lab=${f##*/}
    lab=${lab%.tests}
    awk -v lab="$lab" -v all="$needs_all" '
        /^[ \t]*#@[ \t]*needs:/ { sub(/^[ \t]*#@[ \t]*needs:/, ""); needs = needs " " $0; next }
        /^[ \t]*(#|$)/ { next }
        {
            split($0, f, "|"); name = f[1]; gsub(/^[ \t]+|[ \t]+$/, "", name)
            print lab, name, all, needs; needs = ""
        }' "$f"
done > "$tests"

# tests_of LAB own|others|needing: the names of LAB's tests, of the other labs' tests
# that do not need LAB, or of those that do.
tests_of() {
    awk -v l="$1" -v which="$2" '{
        needs = 0
        for (i = 3; i <= NF; i++) if ($i == l) needs = 1
        if (which == "own" ? $1 == l : which == "others" ? $1 != l && !needs : $1 != l && needs)
            print $2
    }' "$tests"
}

# grade_tests RUN KERNEL NAMES: grade the tests listed in file NAMES with KERNEL (and
# the reference's image and tables); "name OK|FAIL" lines in $work/RUN.results.
grade_tests() {
    _tables=$work/tables.$1
    mkdir -p "$_tables"
    for _f in grade/*.tests; do
        awk -v names="$3" '
            BEGIN { while ((getline n < names) > 0) want[n] = 1 }
            /^[ \t]*#@[ \t]*boot:/ { boot = $0; next } # applies to the next test
            /^[ \t]*(#|$)/ { next }
            {
                split($0, f, "|"); n = f[1]; gsub(/^[ \t]+|[ \t]+$/, "", n)
                if (n in want) { if (boot != "") print boot; print }
                boot = ""
            }
        ' "$_f" > "$_tables/${_f##*/}"
        [ -s "$_tables/${_f##*/}" ] || rm -f "$_tables/${_f##*/}"
    done
    env LAB= TEST= GRADE_FORMAT=text GRADE_TABLES="$_tables" GRADE_KERNEL="$2" \
        GRADE_IMAGE="$work/fs.img" GRADE_OUT="$work/out.$1" sh grade/grade > "$work/$1.report" 2>&1
    awk '$2 == "..." && ($3 == "OK" || $3 == "FAIL") { print $1, $3 }' "$work/$1.report" \
        > "$work/$1.results"
}

# with_result RUN STATUS: the tests of RUN with that result, on one line.
with_result() {
    awk -v s="$2" '$2 == s { printf "%s%s", sep, $1; sep = " " }' "$work/$1.results"
}

# count FILE: its number of lines.
count() {
    wc -l < "$1" | tr -d ' '
}

# copy_kernel_build DIR: the reference's kernel objects into DIR/build, times kept,
# so that make in DIR rebuilds only what differs from the reference.
copy_kernel_build() {
    mkdir -p "$1/build" && cp -Rp build/kernel "$1/build/"
}

# build_kernel NAME DIR: build DIR's kernel; fails (and says why) on an error or a warning.
build_kernel() {
    if ! (cd "$2" && $make -s build/kernel/lark.elf) > "$work/build-$1.log" 2>&1; then
        fail "$1_builds" "the kernel does not build:"
        tail_log "$work/build-$1.log" 12
        return 1
    fi
    if grep -i 'warning' "$work/build-$1.log" > /dev/null; then
        fail "$1_builds" "warnings:"
        grep -i 'warning' "$work/build-$1.log" | head -n 8 | sed 's/^/    | /'
        return 1
    fi
    return 0
}

# same_code A B: kernels A and B are the same but for debug information (a tree
# without solution regions, like the tour's, compiles to the reference's code).
same_code() {
    for _objcopy in x86_64-elf-objcopy objcopy; do
        command -v "$_objcopy" > /dev/null 2>&1 || continue
        "$_objcopy" --strip-debug "$1" "$work/same.a" 2>/dev/null &&
            "$_objcopy" --strip-debug "$2" "$work/same.b" 2>/dev/null &&
            cmp -s "$work/same.a" "$work/same.b"
        return
    done
    return 1
}

# check_booted RUN: every test of RUN booted the kernel, and none panicked.
check_booted() {
    _bad=""
    while read -r _t _; do
        _log=$work/out.$1/$_t.log
        if ! grep -q 'lark: booting' "$_log" 2>/dev/null || grep -q 'lark: panic' "$_log"; then
            _bad="$_bad $_t"
        fi
    done < "$work/$1.results"
    if [ -z "$_bad" ]; then
        pass "handout_$1_boots"
    else
        fail "handout_$1_boots" "no boot or a panic in:$_bad"
    fi
}

# --- each lab's files: the markers, grade/labs and the handout agree ---------------
# The autograder takes from a submission only the files grade/labs lists for its lab
# ("files LAB ..."): they must be exactly the files with that lab's regions, and the
# handout must name them in its line "Only these files are taken from your submission".
marked=$work/marked
for f in $(git ls-files 'kernel/*' 'user/*' 'mkfs/*' 2>/dev/null || find kernel user mkfs -type f); do
    sed -n 's|^[[:space:]]*/[*] LAB \([a-z]*\): BEGIN [*]/[[:space:]]*$|\1|p' "$f" |
        sort -u | sed "s|\$| $f|"
done > "$marked"
for lab in $labs; do
    [ -f "grade/$lab.tests" ] || continue
    want=$(awk -v l="$lab" '$1 == l { print $2 }' "$marked" | sort | tr '\n' ' ')
    listed=$(awk -v l="$lab" '$1 == "files" && $2 == l { for (i = 3; i <= NF; i++) print $i }' grade/labs |
        sort | tr '\n' ' ')
    named=""
    for md in labs/[0-9]*-"$lab".md; do
        [ -f "$md" ] || continue
        named=$(grep '^Only these files are taken from your submission' "$md" | head -n 1 |
            awk -F'`' '{ for (i = 2; i <= NF; i += 2) print $i }' | sort | tr '\n' ' ')
    done
    if [ "$listed" != "$want" ]; then
        fail "lab_${lab}_files" "grade/labs lists '$listed', the markers are in '$want'"
    elif [ "$named" != "$want" ]; then
        fail "lab_${lab}_files" "its handout's line 'Only these files are taken from your submission' names '$named', not '$want'"
    else
        pass "lab_${lab}_files (${want% })"
    fi
done

# --- the reference -------------------------------------------------------------

if ! $make -s all > "$work/reference-build.log" 2>&1; then
    fail reference_builds "make all failed:"
    tail_log "$work/reference-build.log" 12
    exit 0
fi
cp build/fs.img "$work/fs.img"
cp build/kernel/lark.elf "$work/reference.elf"

if [ "${CHECK_LABS_TREES:-1}" != 0 ]; then
    awk '{ print $2 }' "$tests" > "$work/reference.names"
    grade_tests reference "$work/reference.elf" "$work/reference.names"
    failed=$(with_result reference FAIL)
    if [ -z "$failed" ] && [ "$(count "$work/reference.results")" = "$(count "$tests")" ]; then
        pass "reference_full_marks ($(count "$tests") tests)"
    else
        fail reference_full_marks "failed: ${failed:-(some tests did not run)}"
        tail_log "$work/reference.report" 20
    fi
fi

# --- the student trees ---------------------------------------------------------

# check_hints LAB: every hint of LAB's table (labs/N-NAME.md#anchor) names a heading
# of that handout (GitHub's anchors: lower case, punctuation dropped, blanks as -).
check_hints() {
    [ -f "grade/$1.tests" ] || return 0
    _bad=""
    awk -F'|' '!/^[ \t]*(#|$)/ { gsub(/[ \t]/, "", $8); print $8 }' "grade/$1.tests" |
        sort -u > "$work/hints.$1"
    while read -r _hint; do
        _file=${_hint%%#*}
        [ -f "$_file" ] || { _bad="$_bad $_hint"; continue; }
        awk -v want="${_hint#*#}" '
            /^#+ / { h = tolower($0); sub(/^#+ /, "", h); gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
                     if (h == want) found = 1 }
            END { exit !found }' "$_file" || _bad="$_bad $_hint"
    done < "$work/hints.$1"
    if [ -z "$_bad" ]; then
        pass "handout_${1}_hints_resolve"
    else
        fail "handout_${1}_hints_resolve" "no such heading:$_bad"
    fi
}

# check_tree LAB: the lab's tree: no markers or staff files, builds, boots, fails its
# own tests, passes the tests that do not need it.
check_tree() {
    _lab=$1 _dir=$work/tree-$1
    if ! sh grade/handout "$_lab" "$_dir" > "$work/handout-$_lab.log" 2>&1; then
        fail "handout_${_lab}_written" "grade/handout failed:"
        tail_log "$work/handout-$_lab.log"
        return
    fi
    _left=$(find "$_dir" -type f \( -name '*.[ch]' -o -name '*.S' \) -exec \
        grep -lE '^[[:space:]]*(/[*] )?LAB [a-z]+: (BEGIN|STUB|END)' {} + | sed "s|^$_dir/||")
    _staff=""
    for _f in grade/mistakes grade/checks/labs.sh; do
        [ -e "$_dir/$_f" ] && _staff="$_staff $_f"
    done
    if [ -n "$_left$_staff" ]; then
        fail "handout_${_lab}_written" "markers left in: $_left; staff files:$_staff"
    else
        pass "handout_${_lab}_written"
    fi
    _md=""
    for _f in labs/[0-9]*-"$_lab".md; do
        [ -f "$_f" ] && _md=$_f
    done
    if [ -n "$_md" ] && grep -q '^<!-- grading table -->$' "$_md"; then
        if grep -q '^<!-- grading table -->$' "$_dir/$_md" || ! grep -q '^| test |' "$_dir/$_md"; then
            fail "handout_${_lab}_grading_table" "$_md: the table was not filled in"
        else
            pass "handout_${_lab}_grading_table"
        fi
    fi

    check_hints "$_lab"

    copy_kernel_build "$_dir"
    build_kernel "handout_$_lab" "$_dir" || return
    pass "handout_${_lab}_builds"
    if same_code "$work/reference.elf" "$_dir/build/kernel/lark.elf"; then
        pass "handout_${_lab}_is_the_reference (the same kernel code: its grade is the reference's)"
        return
    fi

    # Its own tests must all fail; the others pass unless they need this lab.
    tests_of "$_lab" own > "$work/$_lab.own"
    tests_of "$_lab" others > "$work/$_lab.others"
    tests_of "$_lab" needing > "$work/$_lab.needing"
    _run=$work/$_lab.names
    cat "$work/$_lab.own" "$work/$_lab.others" > "$_run"
    [ "${CHECK_LABS_NEEDS:-0}" = 1 ] && cat "$work/$_lab.needing" >> "$_run"
    [ -s "$_run" ] || return
    grade_tests "$_lab" "$_dir/build/kernel/lark.elf" "$_run"
    check_booted "$_lab"

    awk '$2 == "OK" { print $1 }' "$work/$_lab.results" > "$work/$_lab.ok"
    awk '$2 == "FAIL" { print $1 }' "$work/$_lab.results" > "$work/$_lab.failed"
    if [ -s "$work/$_lab.own" ]; then
        _passed=$(grep -Fxf "$work/$_lab.ok" "$work/$_lab.own" | tr '\n' ' ')
        _nfail=$(grep -cFxf "$work/$_lab.failed" "$work/$_lab.own")
        if [ -z "$_passed" ] && [ "$_nfail" = "$(count "$work/$_lab.own")" ]; then
            pass "handout_${_lab}_fails_own_tests (0 of $_nfail)"
        else
            fail "handout_${_lab}_fails_own_tests" "the starting tree passes: ${_passed:-(some did not run)}"
        fi
    fi
    if [ -s "$work/$_lab.others" ]; then
        _failed=$(grep -Fxf "$work/$_lab.failed" "$work/$_lab.others" | tr '\n' ' ')
        _nok=$(grep -cFxf "$work/$_lab.ok" "$work/$_lab.others")
        if [ -z "$_failed" ] && [ "$_nok" = "$(count "$work/$_lab.others")" ]; then
            pass "handout_${_lab}_passes_other_labs ($_nok tests; $(count "$work/$_lab.needing") need $_lab)"
        else
            fail "handout_${_lab}_passes_other_labs" "failed without needing $_lab: ${_failed:-(some did not run)}"
        fi
    fi
    if [ "${CHECK_LABS_NEEDS:-0}" = 1 ] && [ -s "$work/$_lab.needing" ]; then
        _anyway=$(grep -Fxf "$work/$_lab.ok" "$work/$_lab.needing" | tr '\n' ' ')
        echo "note: on the $_lab tree, of the $(count "$work/$_lab.needing") tests that need $_lab, these pass anyway: ${_anyway:-none}"
    fi
}

if [ "${CHECK_LABS_TREES:-1}" != 0 ]; then
    for lab in $labs; do
        check_tree "$lab"
    done
fi
trees_done=$(date +%s)

# --- the typical mistakes ------------------------------------------------------

# check_mistake PATCH: apply it to a copy of the reference kernel, build, grade its
# lab's tests (and the tests it names), and check that the named ones fail.
check_mistake() {
    _patch=$1
    _lab=${_patch%/*}
    _lab=${_lab##*/}
    _name=${_patch##*/}
    _name=${_name%.patch}
    _id=mistake_${_lab}_$(echo "$_name" | tr '-' '_')
    _catches=$(sed -n 's/^# catches: *//p' "$_patch" | head -n 1)
    _tries=$(sed -n 's/^# tries: *//p' "$_patch" | head -n 1)
    _tries=${_tries:-1}
    if [ -z "$_catches" ]; then
        fail "$_id" "no '# catches: TEST...' line"
        return
    fi
    _dir=$work/m-$_lab-$_name
    mkdir -p "$_dir"
    cp -Rp Makefile kernel "$_dir/"
    copy_kernel_build "$_dir"
    if ! (cd "$_dir" && patch -p1 -s < "$repo/$_patch") > "$work/patch-$_id.log" 2>&1; then
        fail "$_id" "does not apply to the reference:"
        tail_log "$work/patch-$_id.log"
        return
    fi
    build_kernel "$_id" "$_dir" || return
    if [ "$_catches" = none ]; then
        echo "note: $_id applies and builds; no test can catch it here (see its header)"
        return
    fi
    tests_of "$_lab" own > "$work/$_id.names"
    for _t in $_catches; do
        if ! awk -v t="$_t" '$2 == t { f = 1 } END { exit !f }' "$tests"; then
            fail "$_id" "names a test that does not exist: $_t"
            return
        fi
        grep -qx "$_t" "$work/$_id.names" || echo "$_t" >> "$work/$_id.names"
    done
    grade_tests "$_id" "$_dir/build/kernel/lark.elf" "$work/$_id.names"
    # The named tests that did not fail; a mistake that is caught only sometimes (a
    # race) may say "# tries: N": those tests are run again, up to N times in all.
    _results=$work/$_id.results _try=1
    while :; do
        _missed=""
        for _t in $_catches; do
            awk -v t="$_t" '$1 == t && $2 == "FAIL" { f = 1 } END { exit !f }' "$_results" ||
                _missed="$_missed $_t"
        done
        [ -z "$_missed" ] && break
        [ "$_try" -ge "$_tries" ] && break
        _try=$((_try + 1))
        # shellcheck disable=SC2086 # one name per line
        printf '%s\n' $_missed > "$work/$_id.retry"
        grade_tests "$_id.try$_try" "$_dir/build/kernel/lark.elf" "$work/$_id.retry"
        _results=$work/$_id.try$_try.results
    done
    _failed=$(with_result "$_id" FAIL)
    [ "$_try" -gt 1 ] && _failed=$(with_result "$_id.try$_try" FAIL)
    _n=$(echo "$_failed" | wc -w | tr -d ' ')
    [ "$_n" -gt 0 ] && [ "$_n" = "$(count "$work/$_id.names")" ] &&
        _failed="all $_n tests run ($_lab's and those named)"
    if [ -n "$_missed" ]; then
        fail "$_id" "not caught: passed:$_missed (failed: ${_failed:-none})"
    else
        _note=""
        [ "$_try" -gt 1 ] && _note=", on try $_try"
        pass "$_id (caught by $_catches$_note; failed: $_failed)"
    fi
}

only=${CHECK_LABS_MISTAKES:-*}
if [ "$only" != 0 ]; then
    for lab in $labs; do
        for p in grade/mistakes/"$lab"/*.patch; do
            name=${p##*/}
            # shellcheck disable=SC2254 # a pattern on purpose
            case ${name%.patch} in $only) [ -f "$p" ] && check_mistake "$p" ;; esac
        done
    done
fi

done=$(date +%s)
echo "labs: $((done - started)) s (reference and trees $((trees_done - started)) s," \
    "mistakes $((done - trees_done)) s)"
