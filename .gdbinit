# .gdbinit: gdb set-up for lark: the kernel's symbols, helper commands, and the
# connection to `make qemu-gdb`. `make gdb` allows gdb to read this file; to use
# plain `gdb`, add this line to ~/.gdbinit (see README, "Debugging"):
#     add-auto-load-safe-path /path/to/lark/.gdbinit
#
# Helper commands (plain gdb commands, no Python; `help user-defined` lists them):
#     percpu          this CPU's per-CPU area (struct cpu); sets $cpu
#     curproc         the process running on this CPU; sets $proc
#     trapframe [PID] user registers saved at the last kernel entry; sets $tf
#     ps              the process table
#     user-symbols NAME   add build/user/NAME's symbols (to debug user code)
#     clone-child     run until the new clone child runs its first user instruction
#
# Each CPU is a gdb thread: `info threads`, `thread 2`. Breakpoints work on kernel
# and user addresses alike (`hbreak` is the safe habit for user addresses: it needs
# nothing written into memory, so it also works under KVM).

set confirm off
set pagination off
set print pretty off
# QEMU starts the CPU in 16-bit mode but the kernel runs in 64-bit mode. gdb 13
# with QEMU 7.2 gets this right from the register description QEMU sends; older
# pairs misread the registers ("Remote 'g' packet reply is too long") unless
# the architecture is set before connecting.
set architecture i386:x86-64
set disassembly-flavor att
file build/kernel/lark.elf

# lark-find-cpu: set $lark_cpu to this CPU's struct cpu. In kernel code GS base
# points at it; in user mode (and on the first instruction of syscall_entry, before
# its swapgs) GS base is the user's and the kernel's value waits in KERNEL_GS_BASE
# ($k_gs_base) until the next swapgs. So take whichever of the two points into
# cpus[]. If neither does (early boot, or a kernel that does not set GS up yet: lab
# 2), fall back to cpus[thread number - 1]: gdb numbers QEMU's CPUs from 1 in the
# order of cpus[] (the boot CPU is thread 1), and say so ($lark_cpu_guessed).
define lark-find-cpu
  set $lark_cpu = (struct cpu *)0
  set $lark_cpu_guessed = 0
  set $lark_c = (struct cpu *)$gs_base
  if $lark_c >= &cpus[0] && $lark_c < &cpus[sizeof(cpus) / sizeof(cpus[0])]
    set $lark_cpu = $lark_c
  else
    set $lark_c = (struct cpu *)$k_gs_base
    if $lark_c >= &cpus[0] && $lark_c < &cpus[sizeof(cpus) / sizeof(cpus[0])]
      set $lark_cpu = $lark_c
    else
      # Only in long mode (EFER.LMA): before that, kernel addresses can't be read.
      # (Nested ifs: gdb's && may read memory on its right even when the left is 0.)
      if $efer & 0x400
        if $_thread >= 1 && $_thread <= ncpu
          if cpus[$_thread - 1].started == 1
            set $lark_cpu = &cpus[$_thread - 1]
            set $lark_cpu_guessed = 1
            printf "(GS points at no struct cpu: assuming cpus[%d], from the thread number)\n", $_thread - 1
          end
        end
      end
    end
  end
end
document lark-find-cpu
Internal: set $lark_cpu to this CPU's struct cpu (0 if GS is not set up yet).
end

# lark-state-name: print a process state, padded to a column.
define lark-state-name
  if $arg0 == EMBRYO
    printf "EMBRYO  "
  end
  if $arg0 == RUNNABLE
    printf "RUNNABLE"
  end
  if $arg0 == RUNNING
    printf "RUNNING "
  end
  if $arg0 == SLEEPING
    printf "SLEEPING"
  end
  if $arg0 == ZOMBIE
    printf "ZOMBIE  "
  end
  if $arg0 == UNUSED
    printf "UNUSED  "
  end
end
document lark-state-name
Internal: print a process state name in 8 columns.
end

define percpu
  lark-find-cpu
  if $lark_cpu == 0
    printf "no per-CPU area on this CPU yet (GS base is not set up)\n"
  else
    set $cpu = $lark_cpu
    printf "CPU %d: struct cpu at %p ", $cpu->id, $cpu
    if $cpu == (struct cpu *)$gs_base
      printf "(GS base: kernel mode)\n"
    else
      if $cpu == (struct cpu *)$k_gs_base
        printf "(KERNEL_GS_BASE: GS base is the user's now)\n"
      else
        printf "(not in GS base nor KERNEL_GS_BASE!)\n"
      end
    end
    printf "  %%gs:0x00 self        %p\n", $cpu->self
    printf "  %%gs:0x08 kstack_top  0x%lx\n", $cpu->kstack_top
    printf "  %%gs:0x10 user_rsp    0x%lx\n", $cpu->user_rsp
    if $cpu->proc
      printf "  %%gs:0x18 proc        %p (pid %d, %s)\n", $cpu->proc, $cpu->proc->pid, $cpu->proc->name
    else
      printf "  %%gs:0x18 proc        0 (in the scheduler)\n"
    end
    printf "  noff %d  intena %d  idle %d  ticks %lu   (print *$cpu for all fields)\n", $cpu->noff, $cpu->intena, $cpu->idle, $cpu->ticks
  end
end
document percpu
Print this CPU's per-CPU area (struct cpu, the one %gs points at in the kernel)
and set $cpu to it: `print *$cpu` shows every field.
end

define curproc
  lark-find-cpu
  if $lark_cpu == 0
    printf "no per-CPU area on this CPU yet (GS base is not set up)\n"
  else
    if $lark_cpu->proc == 0
      printf "CPU %d is in its scheduler (no process)\n", $lark_cpu->id
    else
      set $proc = $lark_cpu->proc
      printf "CPU %d runs pid %d (%s), ", $lark_cpu->id, $proc->pid, $proc->name
      output $proc->state
      if $proc->parent
        printf ", parent pid %d", $proc->parent->pid
      end
      printf "\n  struct proc at %p, trap frame %p, mm %p\n", $proc, $proc->tf, $proc->mm
      printf "  (print *$proc for all fields)\n"
    end
  end
end
document curproc
Print the process running on this CPU and set $proc to its struct proc:
`print *$proc` shows every field.
end

# lark-print-tf: print the trap frame of the struct proc in $lark_p.
define lark-print-tf
  set $tf = $lark_p->tf
  printf "pid %d (%s): trap frame at %p, trapno 0x%lx", $lark_p->pid, $lark_p->name, $tf, $tf->trapno
  if $tf->trapno == 0x100
    printf " (T_SYSCALL: saved by syscall_entry)\n"
  else
    printf "\n"
  end
  printf "  rip %016lx  rsp %016lx  rflags %016lx  cs %lx\n", $tf->rip, $tf->rsp, $tf->rflags, $tf->cs
  printf "  rax %016lx  rdi %016lx  rsi %016lx  rdx %016lx\n", $tf->rax, $tf->rdi, $tf->rsi, $tf->rdx
  printf "  r10 %016lx  r8  %016lx  r9  %016lx\n", $tf->r10, $tf->r8, $tf->r9
  printf "  rbx %016lx  rbp %016lx  r12 %016lx  r13 %016lx\n", $tf->rbx, $tf->rbp, $tf->r12, $tf->r13
  printf "  r14 %016lx  r15 %016lx  rcx %016lx  r11 %016lx\n", $tf->r14, $tf->r15, $tf->rcx, $tf->r11
end
document lark-print-tf
Internal: print the trap frame of the process $lark_p.
end

define trapframe
  set $lark_p = (struct proc *)0
  if $argc == 1
    if $efer & 0x400
      set $lark_i = 0
      while $lark_i < sizeof(ptable) / sizeof(ptable[0])
        if ptable[$lark_i].state != UNUSED && ptable[$lark_i].pid == $arg0
          set $lark_p = &ptable[$lark_i]
        end
        set $lark_i = $lark_i + 1
      end
    end
    if $lark_p == 0
      printf "no process with pid %d\n", $arg0
    end
  else
    lark-find-cpu
    if $lark_cpu != 0
      set $lark_p = $lark_cpu->proc
    end
    if $lark_p == 0
      printf "no process on this CPU\n"
    end
  end
  if $lark_p != 0
    lark-print-tf
  end
end
document trapframe
trapframe [PID]: print the user registers of the process on this CPU (or of
process PID) as its trap frame saved them at its last entry into the kernel, and
set $tf to it. For a system call (trapno 0x100): rax = the call number, rdi rsi rdx
r10 r8 r9 = the arguments, rip = the user instruction after `syscall`.
end

define ps
  if !($efer & 0x400)
    printf "the kernel is not running yet (this CPU is not in long mode)\n"
  else
    printf "SLOT  PID  PPID STATE    CPU  NAME\n"
    set $lark_i = 0
    while $lark_i < sizeof(ptable) / sizeof(ptable[0])
      set $lark_p = &ptable[$lark_i]
      if $lark_p->state != UNUSED
        if $lark_p->parent
          set $lark_ppid = $lark_p->parent->pid
        else
          set $lark_ppid = 0
        end
        printf "%4d %4d %5d ", $lark_i, $lark_p->pid, $lark_ppid
        lark-state-name $lark_p->state
        if $lark_p->state == RUNNING
          printf " %3d  %s\n", $lark_p->cpu, $lark_p->name
        else
          printf "   -  %s\n", $lark_p->name
        end
      end
      set $lark_i = $lark_i + 1
    end
  end
end
document ps
Print the process table: every slot that is not UNUSED (CPU: where it runs now).
end

set $lark_user_text = 0
define user-symbols
  if $argc != 1
    printf "usage: user-symbols NAME   (adds the symbols of build/user/NAME)\n"
  else
    # All static programs are linked at the same addresses, so the previous
    # program's symbols must go first (found by the address of its _start). No
    # offset is needed: a static program runs where it was linked.
    if $lark_user_text != 0
      remove-symbol-file -a $lark_user_text
      set $lark_user_text = 0
    end
    add-symbol-file build/user/$arg0
    set $lark_user_text = (unsigned long)&_start
  end
end
document user-symbols
user-symbols NAME: add the symbols of build/user/NAME (e.g. `user-symbols sh`), to
break in and step through that program's code. Replaces the previous program's.
For a program elsewhere use `add-symbol-file PATH`.
end

# Stop in a new child at its first user-mode instruction after clone. The child
# starts in clone_trampoline, which returns to user mode through its trap frame:
# so catch it there, read the return address from that frame, and put a temporary
# hardware breakpoint on it that only this child triggers (its parent returns to
# the same address later). Stepping with `si` from the kernel would also get there,
# but through every instruction of trapret.
define clone-child
  if $pc != (unsigned long)&clone_trampoline
    tbreak clone_trampoline
    continue
  end
  lark-find-cpu
  set $lark_child = $lark_cpu->proc
  printf "child pid %d will start in user mode at 0x%lx with rsp 0x%lx\n", $lark_child->pid, $lark_child->tf->rip, $lark_child->tf->rsp
  # In user mode the kernel's struct cpu is in KERNEL_GS_BASE. (If GS is not set
  # up, as in the lab 2 starting code, make do with "rax is 0".) A ?: and not an
  # &&, because gdb may read the memory on the right of an && even when the left
  # is false.
  eval "thbreak *0x%lx if $k_gs_base < 0 ? ((struct cpu *)$k_gs_base)->proc->pid == %d : $rax == 0", $lark_child->tf->rip, $lark_child->pid
  continue
end
document clone-child
Continue until the next clone child (or, at clone_trampoline, this one) runs its
first user-mode instruction: there rax is 0 and rsp is the stack given to clone.
end

# Connect: to $lark_gdbport if it is set (gdb -iex 'set $lark_gdbport = N'), else
# to `make qemu-gdb`, which writes this file with your port.
if $_isvoid($lark_gdbport)
  source build/gdb-connect.gdb
else
  eval "target remote localhost:%d", $lark_gdbport
end
