#!/bin/sh
# shell.sh: the console and the shell as a user meets them: input typed on the
# serial line (line editing: backspace, ^U, ^D), sh features end to end, and
# `make run` and grade/run with a program built outside user/ (from another directory,
# with arguments that need quoting on the kernel command line).
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/lark-shell.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# converse CHUNK...: boot /bin/sh and type each CHUNK (printf %b) only once the
# shell has printed its next prompt, as a person would: typed-ahead input would be
# echoed in the middle of the programs' output and split their lines. Output in
# $dir/out; returns grade/boot's status (the shell's exit status).
if sleep 0.05 2> /dev/null; then tick=0.05 ticks=600; else tick=1 ticks=30; fi
prompts() { awk '{ n += gsub(/\$ /, "") } END { print n + 0 }' "$dir/out"; }
converse() {
    rm -f "$dir/in" "$dir/out"
    mkfifo "$dir/in" || return 2
    : > "$dir/out"
    grade/boot -t 30 -c 2 -l "$dir/log" -- quiet -- /bin/sh < "$dir/in" > "$dir/out" 2>&1 &
    _bpid=$!
    exec 3> "$dir/in"
    _n=0
    for _chunk in "$@"; do
        _n=$((_n + 1))
        _i=0
        while [ "$(prompts)" -lt "$_n" ] && [ "$_i" -lt "$ticks" ] && kill -0 "$_bpid" 2> /dev/null; do
            sleep "$tick"
            _i=$((_i + 1))
        done
        printf '%b' "$_chunk" >&3
    done
    exec 3>&-
    wait "$_bpid"
}

expect_line() { # name pattern why
    if grep -q "$2" "$dir/out"; then pass "$1"; else
        fail "$1" "$3"
        tail_log "$dir/out" 10
    fi
}

converse 'echo abc\0177\0177x\n' 'echo one two\025echo three\n' 'exit 0\n'
expect_line console_backspace '^\(\$ \)*ax$' "typed 'echo abc', 2 backspaces, 'x': expected sh to print 'ax'"
expect_line console_kill_line '^\(\$ \)*three$' "typed 'echo one two', ^U, 'echo three': expected 'three'"

converse 'cat\nline one\n\004' 'echo status $?\n' 'exit 0\n'
expect_line console_eof_ctrl_d '^\(\$ \)*status 0$' "^D should end cat's input (cat exits 0)"
expect_line console_cat_echoes '^\(\$ \)*line one$' "cat should print the line typed to it"

# ^D after some text hands over just that text and is used up: wc gets "abc",
# then "de\n", and the second ^D ends its input: 6 bytes; the third ends sh's.
# (Once the first ^D also left an end of file behind: wc counted 3, and sh ran
# "de".) Nothing typed after wc's ^D is echoed, so no echo can split its line.
converse 'wc -c\nabc\004de\n\004' '\004'
expect_line console_ctrl_d_after_text '^\(\$ \)*6$' "typed 'abc', ^D, 'de', newline, ^D into wc -c: expected 6"

converse 'echo a b c | wc -w\n' 'echo hello > /tmp/f\n' 'echo more >> /tmp/f\n' \
    'cat < /tmp/f\n' 'nosuch\n' 'echo st=$?\n' 'false\n' 'echo st=$?\n' 'exit 7\n'
st=$?
expect_line shell_pipeline '^\(\$ \)*3$' "'echo a b c | wc -w' should print 3"
expect_line shell_redirect_tmp '^\(\$ \)*hello$' "'cat < /tmp/f' should print what was written"
expect_line shell_append '^\(\$ \)*more$' "'>>' should append"
expect_line shell_missing_command 'sh: nosuch: command not found' "a missing command should say so"
expect_line shell_status_127 '^\(\$ \)*st=127$' "\$? after a missing command should be 127"
expect_line shell_status_false '^\(\$ \)*st=1$' "\$? after false should be 1"
if [ "$st" = 7 ]; then pass shell_exit_status_is_power_off_status; else
    fail shell_exit_status_is_power_off_status "exit 7 should power off with status 7, got $st"; fi

# make run with a program from outside user/: any static musl binary.
cat > "$dir/hello.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    printf("hello from outside, %d args:", argc - 1);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        *(volatile int *)0 = 1;
    return 42;
}
CEOF
if ${MUSLCC:-musl-gcc} -static -O2 -o "$dir/hello" "$dir/hello.c"; then
    make -s run PROG="$dir/hello" ARGS='one "two words"' > "$dir/out" 2>&1 < /dev/null
    st=$?
    expect_line make_run_outside_program 'hello from outside, 2 args: \[one\] \[two words\]' \
        "make run PROG=<program built elsewhere> should run it with its ARGS"
    expect_line make_run_reports_status 'lark: power off, status 42' \
        "make run should end with the program's status"
    # GNU make itself can only exit 0 or 2; grade/boot (what make run calls)
    # exits with the program's status.
    if [ "$st" != 0 ]; then pass make_run_fails_with_program; else
        fail make_run_fails_with_program "the program exited 42, yet make run succeeded"; fi
    # A program in a directory with a blank in its name (a student's "My labs").
    mkdir -p "$dir/with blank" && cp "$dir/hello" "$dir/with blank/hello"
    make -s run PROG="$dir/with blank/hello" ARGS=x > "$dir/out" 2>&1 < /dev/null
    expect_line make_run_path_with_blank 'hello from outside, 1 args: \[x\]' \
        "make run PROG='<dir with a blank>/hello' should run it"
    # grade/run from another directory, with a relative PROG, and arguments that
    # need quoting on the kernel command line: every one arrives exactly.
    repo=$(pwd)
    (cd "$dir" && "$repo/grade/run" hello "" x "a  b" 'q"uo te' -- k=v 'back\slash' 'a\\b"' 'c,d') \
        > "$dir/out" 2>&1
    st=$?
    expect_line run_exact_argv_from_elsewhere \
        '^hello from outside, 9 args: \[\] \[x\] \[a  b\] \[q"uo te\] \[--\] \[k=v\] \[back\\slash\] \[a\\\\b"\] \[c,d\]$' \
        "grade/run hello (relative, from another directory) should pass its 9 arguments exactly"
    if [ "$st" = 42 ]; then pass run_exact_argv_status; else
        fail run_exact_argv_status "expected grade/run to exit with the program's 42, got $st"; fi
    long=$(awk 'BEGIN { while (n++ < 1100) printf "x" }')
    grade/run "$dir/hello" "$long" > "$dir/out" 2>&1
    st=$?
    if [ "$st" = 2 ] && grep -q 'kernel command line would be .* bytes.*lark keeps at most' "$dir/out"; then
        pass run_argv_too_long_refused
    else
        fail run_argv_too_long_refused "an argument over the command line's length: expected exit 2 and why, got $st"
        tail_log "$dir/out"
    fi
    mkfs/mkimage "$dir/run.img" "$dir/hello" > /dev/null
    grade/boot -x -s -l "$dir/log" -t 30 -i "$dir/run.img" -- quiet -- /bin/hello
    st=$?
    if [ "$st" = 42 ]; then pass run_exit_status; else
        fail run_exit_status "expected grade/boot to exit with the program's 42, got $st"; fi
    grade/boot -x -s -l "$dir/log" -t 30 -i "$dir/run.img" -- quiet -- /bin/hello crash
    st=$?
    if [ "$st" = 139 ]; then pass run_signal_status; else
        fail run_signal_status "a program killed by SIGSEGV should give 128+11 = 139, got $st"; fi
else
    fail make_run_outside_program "could not compile a test program with musl-gcc"
fi
