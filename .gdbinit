# .gdbinit: gdb set-up for lark. `make gdb` allows gdb to read it; to use plain
# `gdb` instead, add this line to ~/.gdbinit (see README, "Debugging"):
#     add-auto-load-safe-path /path/to/lark/.gdbinit
# Commands defined here (type `help user-defined` in gdb for the list):
#     percpu        this CPU's struct cpu (the per-CPU area GS points at)
#     curproc       the process running on this CPU
#     trapframe     its user registers as saved at the last kernel entry
#     ps            the process table
#     user-symbols NAME   load build/user/NAME's symbols (user-mode debugging)
#     clone-child   run until a clone child executes its first user instruction

set confirm off
set pagination off
# The kernel is 64-bit but QEMU starts the CPU in 16-bit mode: set the
# architecture first, or gdb misreads QEMU's register packets
# ("Remote 'g' packet reply is too long").
set architecture i386:x86-64
set disassembly-flavor att
file build/kernel/lark.elf

# The per-CPU area: in kernel mode GS points at it; in user mode (CS & 3 == 3) the
# kernel's value waits in KERNEL_GS_BASE until the next swapgs.
define percpu
  if ($cs & 3) == 3
    set $lark_cpu = (struct cpu *)$k_gs_base
  else
    set $lark_cpu = (struct cpu *)$gs_base
  end
  if $lark_cpu == 0
    printf "GS base is 0: the per-CPU area is not set up on this CPU yet\n"
  else
    print *$lark_cpu
  end
end
document percpu
Print this CPU's struct cpu: the per-CPU area that %gs points at in the kernel.
end

define curproc
  percpu
  if $lark_cpu != 0
    if $lark_cpu->proc == 0
      printf "CPU %d is in its scheduler (no process)\n", $lark_cpu->id
    else
      print *$lark_cpu->proc
    end
  end
end
document curproc
Print the struct proc of the process running on this CPU.
end

define trapframe
  if ($cs & 3) == 3
    set $lark_cpu = (struct cpu *)$k_gs_base
  else
    set $lark_cpu = (struct cpu *)$gs_base
  end
  if $lark_cpu == 0 || $lark_cpu->proc == 0
    printf "no process on this CPU\n"
  else
    set $lark_tf = $lark_cpu->proc->tf
    printf "pid %d (%s): trap frame at %p, trapno %lu\n", $lark_cpu->proc->pid, $lark_cpu->proc->name, $lark_tf, $lark_tf->trapno
    printf "  rip %016lx  rsp %016lx  rflags %016lx\n", $lark_tf->rip, $lark_tf->rsp, $lark_tf->rflags
    printf "  rax %016lx  rdi %016lx  rsi %016lx  rdx %016lx\n", $lark_tf->rax, $lark_tf->rdi, $lark_tf->rsi, $lark_tf->rdx
    printf "  r10 %016lx  r8  %016lx  r9  %016lx\n", $lark_tf->r10, $lark_tf->r8, $lark_tf->r9
    printf "  rbx %016lx  rbp %016lx  r12 %016lx  r13 %016lx\n", $lark_tf->rbx, $lark_tf->rbp, $lark_tf->r12, $lark_tf->r13
    printf "  r14 %016lx  r15 %016lx  rcx %016lx  r11 %016lx\n", $lark_tf->r14, $lark_tf->r15, $lark_tf->rcx, $lark_tf->r11
  end
end
document trapframe
Print the user registers of the running process, as its trap frame saved them
(for a system call: rax = the call number, rdi rsi rdx r10 r8 r9 = arguments).
end

define ps
  printf "SLOT  PID  PPID STATE     CPU NAME\n"
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
      output $lark_p->state
      printf " %3d %s\n", $lark_p->cpu, $lark_p->name
    end
    set $lark_i = $lark_i + 1
  end
end
document ps
Print the process table (every slot that is not UNUSED).
end

define user-symbols
  if $argc != 1
    printf "usage: user-symbols NAME   (loads build/user/NAME)\n"
  else
    eval "add-symbol-file build/user/%s", "$arg0"
  end
end
document user-symbols
Load a user program's symbols, e.g. `user-symbols sh`, to break in user code.
Static programs are linked at fixed addresses, so no offset is needed.
end

# Stop in a new child at its first user-mode instruction after clone: catch it in
# clone_trampoline, read the return address from its trap frame, and put a
# hardware breakpoint there that only the child (rax == 0) triggers. Hardware
# breakpoints follow the address whatever the page table; and `si` cannot step
# across the user/kernel boundary, so this is the way to cross it.
define clone-child
  tbreak clone_trampoline
  continue
  set $lark_tf = ((struct cpu *)$gs_base)->proc->tf
  printf "child pid %d will return to user mode at %p with rsp %p\n", ((struct cpu *)$gs_base)->proc->pid, $lark_tf->rip, $lark_tf->rsp
  eval "thbreak *0x%lx if $rax == 0", $lark_tf->rip
  continue
end
document clone-child
Continue until a clone child runs its first user-mode instruction (rax == 0).
end

# Connect to `make qemu-gdb` (which writes this file with your port).
source build/gdb-connect.gdb
