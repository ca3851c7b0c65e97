#!/bin/sh
# boot.sh: the kernel boots with 1, 2 and 4 CPUs and powers off cleanly; kernel
# faults are reported (vector, registers, symbolized backtrace) with the panic
# status.
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/lark-boot.XXXXXX")

for n in 1 2 4; do
    boot_log "$dir/boot$n" "$n" 30 selftest=boot
    st=$?
    if [ "$st" != 0 ]; then
        fail "boot_cpus_$n" "expected power-off status 0, got $st"
        tail_log "$dir/boot$n"
    elif ! grep -q "^lark: $n CPUs up" "$dir/boot$n"; then
        fail "boot_cpus_$n" "expected the line 'lark: $n CPUs up'"
        tail_log "$dir/boot$n"
    else
        pass "boot_cpus_$n"
    fi
done

# A deliberate kernel fault: the report names the function, QEMU exits 255.
check_panic() { # name selftest function what
    boot_log "$dir/$1" 2 30 "selftest=$2"
    st=$?
    if [ "$st" != 127 ]; then
        fail "$1" "expected the panic status 127, got $st"
        tail_log "$dir/$1"
    elif ! grep -q "lark: panic on CPU 0: $4" "$dir/$1" ||
        ! grep -q "#[0-9]* .* $3[.+]" "$dir/$1"; then
        fail "$1" "expected a panic report for '$4' with a backtrace naming $3"
        tail_log "$dir/$1" 20
    else
        pass "$1"
    fi
}
check_panic panic_page_fault fault selftest_fault "page fault"
# selftest_fault has no stack frame of its own: its caller comes from the stack.
if grep -q "#1 .* run_selftest+" "$dir/panic_page_fault"; then
    pass panic_backtrace_names_leaf_caller
else
    fail panic_backtrace_names_leaf_caller "expected #1 to be run_selftest, the caller of the frameless selftest_fault"
fi
check_panic panic_stack_overflow overflow selftest_overflow "double fault"
if grep -q "cause: a kernel stack overflow" "$dir/panic_stack_overflow"; then
    pass panic_stack_overflow_named
else
    fail panic_stack_overflow_named "expected the report to say it is a kernel stack overflow"
fi
check_panic panic_message panic run_selftest "self-test: a deliberate panic"

# QEMU's own exit code for a panic: isa-debug-exit gives (127 << 1) | 1 = 255.
${QEMU:-qemu-system-x86_64} -machine pc -cpu max -smp 1 -m 64M -nodefaults -no-reboot \
    -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/kernel/lark.elf -initrd build/fs.img -append "selftest=fault" \
    > /dev/null 2>&1 < /dev/null &
qpid=$!
( sleep 30 && kill "$qpid" 2>/dev/null ) &
wpid=$!
wait "$qpid"
qst=$?
kill "$wpid" 2>/dev/null
if [ "$qst" = 255 ]; then pass panic_qemu_exit_code; else
    fail panic_qemu_exit_code "expected QEMU to exit with 255, got $qst"; fi
rm -rf "$dir"
