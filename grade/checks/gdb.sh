#!/bin/sh
# gdb.sh: "step through clone in gdb" works. QEMU (2 CPUs) waits for gdb and runs
# spawn1 (one posix_spawn of true); gdb, in batch mode with the repository's
# .gdbinit and its helpers, stops at syscall_entry, sys_clone, clone_trampoline, the
# child's first user instruction (clone-child) and sys_execve, checks what it sees
# at each, then lets the kernel power off. Each stop has a time limit, and so has
# the whole session; on a timeout QEMU and gdb are killed.
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh

step_limit=${CHECK_GDB_STEP_TIMEOUT:-20} # seconds from one stop to the next
total_limit=${CHECK_GDB_TIMEOUT:-60}     # seconds for the whole session
stops="syscall_entry sys_clone clone_trampoline child_user sys_execve"
gdb=${GDB:-$(command -v gdb-multiarch || command -v x86_64-elf-gdb || echo gdb)}

if ! command -v "$gdb" > /dev/null 2>&1; then
    fail gdb_found "no gdb (install it: make deps)"
    exit 0
fi
for f in build/kernel/lark.elf build/fs.img build/user/spawn1 build/user/true; do
    if [ ! -f "$f" ]; then
        fail gdb_session "$f is missing: run make first"
        exit 0
    fi
done

# A port of our own, in a range apart from make qemu-gdb's: from the uid, plus an
# offset from our process id so that two checks started together (by the same
# user) rarely pick the same one; then the first free one from there. If another
# program takes it before QEMU does, QEMU fails to start (reported below).
port_in_use() {
    # ss -ltn lists only listening sockets; netstat -an (macOS) lists all: keep LISTEN.
    { ss -ltn 2> /dev/null || netstat -an 2> /dev/null | grep LISTEN; } |
        grep -Eq "[:.]$1([[:space:]]|\$)"
}
port=$(($(id -u) % 100 * 200 + 40000 + $$ % 200))
tries=0
while port_in_use "$port" && [ "$tries" -lt 50 ]; do
    port=$((port + 1))
    tries=$((tries + 1))
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/lark-gdb.XXXXXX") || exit 2
out=$dir/gdb.out

# The session. "STOP name" marks each stop (the watchdog counts them); "== name"
# starts the output of a helper command that the checks below read; the register
# checks are done here and print their own PASS/FAIL lines.
cat > "$dir/session.gdb" << 'EOF'
if $_isvoid($lark_user_text)
  printf "FAIL gdb_gdbinit_loaded: the repository's .gdbinit was not read\n"
else
  printf "PASS gdb_gdbinit_loaded\n"
end

# stopped-at NAME ADDRESS: mark the stop NAME if gdb stopped at ADDRESS; else end
# the session (a `continue` that ran to the end of the program is no stop at all).
define stopped-at
  if $pc == $arg1
    echo STOP $arg0\n
  else
    printf "expected to stop at $arg0 (0x%lx), stopped at 0x%lx\n", $arg1, $pc
    quit 1
  end
end

# 1. spawn1's clone system call (56) arrives in syscall_entry, before its swapgs.
# (?: rather than &&: gdb may read the memory on the right of an && anyway.)
break syscall_entry if $rax == 56 ? ((struct cpu *)$k_gs_base)->proc != initproc : 0
continue
stopped-at syscall_entry (long)&syscall_entry
delete
set $user_ret = $rcx
set $newsp_passed = $rsi
echo == percpu at syscall_entry\n
percpu

# 2. sys_clone, called by syscall_dispatch.
break sys_clone if ((struct cpu *)$gs_base)->proc != initproc
continue
stopped-at sys_clone (long)&sys_clone
delete
echo == bt at sys_clone\n
bt
echo == trapframe at sys_clone\n
trapframe
echo == end\n
if $tf->rsi == $newsp_passed && newsp == $newsp_passed
  printf "PASS gdb_trapframe_rsi_is_child_stack\n"
else
  printf "FAIL gdb_trapframe_rsi_is_child_stack: expected rsi 0x%lx (at the syscall) in the trap frame and in newsp, got 0x%lx and 0x%lx\n", $newsp_passed, $tf->rsi, newsp
end
if $tf->rip == $user_ret
  printf "PASS gdb_trapframe_rip_after_syscall\n"
else
  printf "FAIL gdb_trapframe_rip_after_syscall: expected 0x%lx (rcx at the syscall), got 0x%lx\n", $user_ret, $tf->rip
end
set $newsp = $tf->rsi
set $parent_pid = ((struct cpu *)$gs_base)->proc->pid

# 3. The child's first kernel code.
break clone_trampoline
continue
stopped-at clone_trampoline (long)&clone_trampoline
delete
curproc
if $proc->parent->pid == $parent_pid
  printf "PASS gdb_clone_trampoline_runs_child\n"
else
  printf "FAIL gdb_clone_trampoline_runs_child: expected a child of pid %d, got pid %d (parent %d)\n", $parent_pid, $proc->pid, $proc->parent->pid
end
set $child_pid = $proc->pid
printf "PIDS %d %d\n", $parent_pid, $child_pid

# 4. The child's first user-mode instruction: rax = 0, rsp = the stack it was given.
clone-child
stopped-at child_user $user_ret
if ($cs & 3) == 3
  printf "PASS gdb_child_in_user_mode\n"
else
  printf "FAIL gdb_child_in_user_mode: expected CPL 3, got cs 0x%x\n", $cs
end
if $pc == $user_ret
  printf "PASS gdb_child_rip_after_syscall\n"
else
  printf "FAIL gdb_child_rip_after_syscall: expected 0x%lx, got 0x%lx\n", $user_ret, $pc
end
if $rax == 0
  printf "PASS gdb_clone_child_rax_zero\n"
else
  printf "FAIL gdb_clone_child_rax_zero: expected 0, got %ld\n", $rax
end
if $rsp == $newsp
  printf "PASS gdb_clone_child_rsp_is_new_stack\n"
else
  printf "FAIL gdb_clone_child_rsp_is_new_stack: expected 0x%lx, got 0x%lx\n", $newsp, $rsp
end
curproc
if $proc->pid == $child_pid
  printf "PASS gdb_clone_child_is_the_child\n"
else
  printf "FAIL gdb_clone_child_is_the_child: expected pid %d, got pid %d\n", $child_pid, $proc->pid
end
echo == percpu in the child\n
percpu
echo == ps in the child\n
ps
echo == user-symbols\n
user-symbols spawn1
info symbol $pc
echo == end\n

# 5. The child's execve.
break sys_execve if ((struct cpu *)$gs_base)->proc->pid == $child_pid
continue
stopped-at sys_execve (long)&sys_execve
delete
echo == path at sys_execve\n
x/s upath
echo == end\n

# 6. To the end: the kernel powers off and QEMU exits.
continue
EOF

# QEMU, waiting for gdb; gdb connects to it (retrying while QEMU starts up).
grade/boot -x -s -l "$dir/serial" -p "$dir/qemu.pid" -t $((total_limit + 5)) -c 2 \
    -i build/fs.img -g "$port" -- quiet -- /bin/spawn1 2> "$dir/boot.err" &
bootpid=$!
start=$(date +%s)
"$gdb" -nh -q -batch -iex "add-auto-load-safe-path $PWD/.gdbinit" \
    -iex "set \$lark_gdbport = $port" -x "$dir/session.gdb" > "$out" 2>&1 < /dev/null &
gdbpid=$!

# The watchdog: gives up when a stop takes longer than step_limit or the session
# longer than total_limit, noting which one in $dir/timeout.
(
    last=0 since=0 total=0 spid=""
    trap 'kill "$spid" 2> /dev/null; exit 0' TERM # stop our sleep too
    while kill -0 "$gdbpid" 2> /dev/null; do
        sleep 1 &
        spid=$!
        wait "$spid"
        total=$((total + 1)) since=$((since + 1))
        n=$(grep -c '^STOP ' "$out")
        [ "$n" != "$last" ] && last=$n since=0
        if [ "$since" -ge "$step_limit" ] || [ "$total" -ge "$total_limit" ]; then
            if [ "$since" -ge "$step_limit" ]; then echo "${step_limit}s (step)"; else
                echo "${total_limit}s (session)"; fi > "$dir/timeout"
            # QEMU first: then gdb's `continue` ends and gdb quits by itself.
            [ -f "$dir/qemu.pid" ] && kill "$(cat "$dir/qemu.pid")" 2> /dev/null
            for _ in 1 2 3; do
                kill -0 "$gdbpid" 2> /dev/null || exit 0
                sleep 1 &
                spid=$!
                wait "$spid"
            done
            kill "$gdbpid" 2> /dev/null
            exit 0
        fi
    done
) &
watchpid=$!
wait "$gdbpid"
kill "$watchpid" 2> /dev/null
wait "$watchpid" 2> /dev/null
# gdb is gone; if QEMU is still up (gdb gave up early) it runs on to its end, or
# to the watchdog of grade/boot. Don't wait for that.
if [ -f "$dir/timeout" ] || ! grep -q '^STOP sys_execve' "$out"; then
    [ -f "$dir/qemu.pid" ] && kill "$(cat "$dir/qemu.pid")" 2> /dev/null
fi
wait "$bootpid"
status=$?
elapsed=$(($(date +%s) - start))

# section NAME: the output of the helper command after "== NAME".
section() {
    awk -v s="== $1" '$0 == s { on = 1; next } /^(== |STOP )/ { on = 0 } on' "$out"
}

# In the session's order: the stops reached and gdb's own checks; then the first
# stop missed says why.
while IFS= read -r line; do
    case $line in
    "STOP "*) pass "gdb_stop_${line#STOP }" ;;
    "PASS "* | "FAIL "*) echo "$line" ;;
    esac
done < "$out"
missed=""
for s in $stops; do
    grep -q "^STOP $s\$" "$out" && continue
    if [ -n "$missed" ]; then
        fail "gdb_stop_$s" "not reached (stop $missed was missed)"
        continue
    fi
    missed=$s
    if grep -Eqi "address already in use|available port" "$dir/boot.err"; then
        fail "gdb_stop_$s" "QEMU could not listen on port $port (taken): run it again"
    elif [ -f "$dir/timeout" ]; then
        fail "gdb_stop_$s" "not reached within $(cat "$dir/timeout")"
    else
        fail "gdb_stop_$s" "not reached: gdb ended first"
    fi
    tail_log "$out" 12
done

# What the helper commands printed.
if section "percpu at syscall_entry" | grep -q "^CPU [0-9]*: struct cpu at .*KERNEL_GS_BASE"; then
    pass gdb_percpu_before_swapgs
else
    fail gdb_percpu_before_swapgs "expected percpu to find the CPU through KERNEL_GS_BASE"
    section "percpu at syscall_entry" | sed 's/^/    | /'
fi
if section "bt at sys_clone" | grep -q "^#1 .* in syscall_dispatch " &&
    section "bt at sys_clone" | grep -q "^#2 .* in syscall_entry "; then
    pass gdb_backtrace_at_sys_clone
else
    fail gdb_backtrace_at_sys_clone "expected frames #1 syscall_dispatch, #2 syscall_entry"
    section "bt at sys_clone" | sed 's/^/    | /'
fi
if section "trapframe at sys_clone" | grep -q "^pid [0-9]* (spawn1): trap frame at .*(T_SYSCALL" &&
    section "trapframe at sys_clone" | grep -q "^  rax 0000000000000038 "; then
    pass gdb_trapframe_helper
else
    fail gdb_trapframe_helper "expected 'pid N (spawn1): trap frame at ... (T_SYSCALL...' and rax 0x38"
    section "trapframe at sys_clone" | sed 's/^/    | /'
fi
# ps in the child: "SLOT PID PPID STATE CPU NAME" lines for the child (running)
# and its parent (a child of init), both called spawn1 until the execve.
parent=$(sed -n 's/^PIDS \([0-9]*\) [0-9]*$/\1/p' "$out")
child=$(sed -n 's/^PIDS [0-9]* \([0-9]*\)$/\1/p' "$out")
parent=${parent:-none} child=${child:-none}
if section "ps in the child" | grep -Eq "^ *[0-9]+ +$child +$parent RUNNING +[0-9]+  spawn1\$" &&
    section "ps in the child" | grep -Eq "^ *[0-9]+ +$parent +1 [A-Z]+ +(-|[0-9]+)  spawn1\$"; then
    pass gdb_ps_helper
else
    fail gdb_ps_helper "expected ps lines for the child $child (RUNNING) and its parent $parent"
    section "ps in the child" | sed 's/^/    | /'
fi
if section "user-symbols" | grep -q "^__clone + [0-9]* in section .text of .*/spawn1\$"; then
    pass gdb_user_symbols
else
    fail gdb_user_symbols "expected 'info symbol \$pc' to say __clone in spawn1"
    section "user-symbols" | sed 's/^/    | /'
fi
if section "path at sys_execve" | grep -q ':[[:space:]]*"/bin/true"$'; then
    pass gdb_execve_path
else
    fail gdb_execve_path "expected the child to execve /bin/true"
    section "path at sys_execve" | sed 's/^/    | /'
fi

# The end: spawn1's child exited 0 and the kernel powered off with status 0.
if [ "$status" = 0 ] && grep -q '^spawn1: child [0-9]* exited with status 0' "$dir/serial"; then
    pass gdb_power_off
elif [ -f "$dir/timeout" ] && [ -z "$missed" ]; then
    fail gdb_power_off "no power-off within $(cat "$dir/timeout") after the last stop"
    tail_log "$dir/serial"
else
    fail gdb_power_off "expected power-off status 0 after spawn1's child exited 0, got $status"
    tail_log "$dir/serial"
    [ -s "$dir/boot.err" ] && tail_log "$dir/boot.err" 4
fi
echo "gdb session: ${elapsed}s (port $port)"
rm -rf "$dir"
