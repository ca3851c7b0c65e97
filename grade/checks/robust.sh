#!/bin/sh
# robust.sh: reliability and security. The hostile ELF corpus (mkfs/mkelf.c) gives
# Linux's answers (grade/elf.expected) on this Linux host and in lark; a quick run of
# the system call fuzzer (user/fuzz.c) and the SMP stress test (user/stress.c) on 4
# CPUs end without a panic, a hang or a leak; SMEP and SMAP stop the kernel from
# running or reading a user page (the selftest=smep/smap panics name the cause).
# Settings: ROBUST_FUZZ_SEED (default 1), ROBUST_FUZZ_CALLS (default 20000).
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lark-robust.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
start=$(date +%s)
seed=${ROBUST_FUZZ_SEED:-1}
calls=${ROBUST_FUZZ_CALLS:-20000}
table=grade/elf.expected

# prefixed PREFIX LOG: the log's PASS/FAIL lines, each name prefixed.
prefixed() {
    sed -n -e "s|^PASS |PASS $1/|p" -e "s|^FAIL |FAIL $1/|p" "$2"
}

# --- the hostile ELF corpus, made on this host -------------------------------------
if ! ${HOSTCC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -o "$tmp/mkelf" mkfs/mkelf.c \
    2> "$tmp/mkelf.err" || ! "$tmp/mkelf" "$tmp/elf" 2>> "$tmp/mkelf.err"; then
    fail robust_elf_corpus_made "$(head -n 5 "$tmp/mkelf.err")"
fi
ncases=$(grep -v '^linux ' "$table" | grep -c '^[a-z]')

# On the host: Linux must agree with the table. The table names the Linux release it
# came from; a host running another release may differ on an obscure case (Linux has
# changed some answers over the years): its disagreements are reported, not failed,
# since lark is held to the table and the host is then not the same oracle.
build/user/elfrun "$tmp/elf" "$table" > "$tmp/elf-host.log" 2>&1
table_linux=$(sed -n 's/^linux \([0-9]*\.[0-9]*\).*/\1/p' "$table")
host_linux=$(uname -r | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
if [ "$(uname -s)" != Linux ]; then
    echo "SKIP host/elf: not a Linux host"
elif [ "$host_linux" = "$table_linux" ]; then
    prefixed host "$tmp/elf-host.log"
else
    sed -n 's/^PASS /PASS host\//p' "$tmp/elf-host.log"
    sed -n "s/^FAIL \(elf_[a-z0-9_]*\): expected \(.*\) (as Linux), got \(.*\)/NOTE host\/\1: the table (Linux $table_linux) says \2, this Linux ($host_linux) says \3/p" \
        "$tmp/elf-host.log"
    sed -n '/^FAIL elf_[a-z0-9_]*: expected .* (as Linux), got /!s/^FAIL /FAIL host\//p' \
        "$tmp/elf-host.log"
fi

# The same files in lark: an image with every program in /bin, the corpus in /elf.
set --
for f in build/user/*; do
    [ -f "$f" ] && [ -x "$f" ] && set -- "$@" "$f=/bin/${f##*/}"
done
for f in "$tmp"/elf/*; do
    [ -f "$f" ] && set -- "$@" "$f=/elf/${f##*/}"
done
if ! build/mkfs "$tmp/elf.img" "$@" -d /elf/dir "$table=/etc/elf.expected" \
    > "$tmp/mkfs.log" 2>&1; then
    fail robust_elf_image_made "$(tail -n 3 "$tmp/mkfs.log")"
fi

# --- the QEMU runs, two at a time ----------------------------------------------------
boot_img() { # LOG IMAGE CPUS TIMEOUT words...
    _log=$1 _img=$2 _cpus=$3 _t=$4
    shift 4
    grade/boot -x -s -l "$_log" -i "$_img" -c "$_cpus" -t "$_t" -- "$@" 2>> "$_log.err"
    echo $? > "$_log.status"
}

boot_img "$tmp/elf-lark.log" "$tmp/elf.img" 2 60 quiet -- /bin/elfrun /elf /etc/elf.expected &
boot_img "$tmp/smep.log" build/fs.img 2 30 selftest=smep &
wait
boot_img "$tmp/smap.log" build/fs.img 2 30 selftest=smap &
boot_img "$tmp/fuzz.log" build/fs.img 4 180 quiet -- /bin/fuzz -s "$seed" -n "$calls" -t 120 &
wait
boot_img "$tmp/stress.log" build/fs.img 4 400 quiet -- /bin/stress -t 300 &
build/user/stress -t 120 > "$tmp/stress-host.log" 2>&1
echo $? > "$tmp/stress-host.log.status"
wait

# --- the results ---------------------------------------------------------------------
# program_ran NAME LOG PROGRAM: the program's checks, then NAME: it ended with its DONE
# line, no failure, and power-off status 0 (a panic, a hang or a crash say so).
program_ran() {
    _st=$(cat "$2.status")
    prefixed lark "$2"
    if [ "$_st" = 0 ] && grep -q "^DONE $3: [0-9]* checks, 0 failed" "$2"; then
        pass "$1"
    elif grep -q "lark: panic" "$2"; then
        fail "$1" "kernel panic: $(grep -m 1 'lark: panic' "$2")"
        tail_log "$2" 20
    elif [ "$_st" = 124 ]; then
        fail "$1" "timed out (a deadlock or a lost wake-up?)"
        tail_log "$2" 12
    else
        fail "$1" "power-off status $_st"
        tail_log "$2" 12
    fi
}

program_ran robust_elf_lark "$tmp/elf-lark.log" elfrun
echo "robust: $ncases hostile ELF files, each run by fork+execve and by posix_spawn"

program_ran robust_fuzz "$tmp/fuzz.log" fuzz
sed -n 's/^fuzz: seed/robust: fuzz: seed/p' "$tmp/fuzz.log" | tail -n 1
grep -q "lark: panic" "$tmp/fuzz.log" &&
    echo "    replay: make fuzz SEED=$seed COUNT=$calls (fuzz -v prints every call)"

program_ran robust_stress "$tmp/stress.log" stress
sed -n 's/^stress: /robust: stress in lark: /p' "$tmp/stress.log"
prefixed host "$tmp/stress-host.log"
if [ "$(cat "$tmp/stress-host.log.status")" = 0 ]; then
    pass robust_stress_host
else
    fail robust_stress_host "exit status $(cat "$tmp/stress-host.log.status") on the Linux host"
    tail_log "$tmp/stress-host.log"
fi

# check_protection NAME WHAT: the selftest panicked, naming WHAT as the cause.
check_protection() {
    _log=$tmp/$1.log
    _st=$(cat "$_log.status")
    if [ "$_st" = 0 ] && grep -q "self-test $1: SKIP" "$_log"; then
        echo "SKIP robust_$1: $(sed -n "s/.*self-test $1: SKIP: //p" "$_log")"
    elif [ "$_st" = 127 ] && grep -q "^  cause: $2:" "$_log"; then
        pass "robust_$1"
    else
        fail "robust_$1" "expected a panic whose cause is $2, got status $_st"
        tail_log "$_log" 20
    fi
}
check_protection smep SMEP
check_protection smap SMAP
echo "robust: suite took $(($(date +%s) - start)) s"
