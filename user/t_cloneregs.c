/* t_cloneregs: clone returns to parent and child with every register as it was at the
 * syscall (but rax, and rcx/r11 which SYSCALL uses), the child on its new stack, with
 * the same flags, FS base and FPU state. Done in asm so only the kernel touches them.
 * And the child's exit signal is the one clone was given. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* Register slots, in the order the asm macro save_regs stores them. */
enum {
    R_RAX,
    R_RBX,
    R_RCX,
    R_RDX,
    R_RSI,
    R_RDI,
    R_RBP,
    R_RSP,
    R_R8,
    R_R9,
    R_R10,
    R_R11,
    R_R12,
    R_R13,
    R_R14,
    R_R15,
    R_FLAGS,
    R_FS0,
    NREGS
};
static const char *const reg_names[NREGS] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",    "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rflags", "fs:0",
};

/* rflags bits a syscall must not change: CF PF AF ZF SF IF DF OF. */
#define USER_FLAGS 0xed5UL
#define DF         0x400UL

unsigned long regs_before[NREGS]; /* just before SYSCALL */
unsigned long regs_after[NREGS];  /* just after, in whichever process runs */
unsigned long *child_out;         /* where the child copies regs_after */
unsigned long scratch_stack[64] __attribute__((aligned(16))); /* for pushfq */
static unsigned long child_regs[NREGS];
static char child_stack[16384] __attribute__((aligned(16)));

/* long clone_probe(unsigned long flags, void *newsp): clone with distinctive values in
 * all registers and DF/CF/ZF set. The child records its registers, copies them to
 * *child_out and exits(0) with raw syscalls, never touching the stack it started on;
 * the parent records its registers and returns clone's result. */
__asm__(".text\n"
        ".macro save_regs area\n"
        "  .set off, 0\n"
        "  .irp r, rax,rbx,rcx,rdx,rsi,rdi,rbp,rsp,r8,r9,r10,r11,r12,r13,r14,r15\n"
        "    mov %\\r, \\area+off(%rip)\n"
        "    .set off, off+8\n"
        "  .endr\n"
        ".endm\n"
        ".globl clone_probe\n"
        ".type clone_probe,@function\n"
        "clone_probe:\n"
        "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "  mov %fs:0, %rax\n"
        "  mov %rax, regs_before+8*17(%rip)\n"
        "  movabs $0xa5a5b1b2b3b4b5b1, %rbx\n"
        "  movabs $0xa5a5b1b2b3b4b5b2, %rbp\n"
        "  movabs $0xa5a5b1b2b3b4b5b3, %rdx\n"
        "  movabs $0xa5a5b1b2b3b4b5b4, %r8\n"
        "  movabs $0xa5a5b1b2b3b4b5b5, %r9\n"
        "  movabs $0xa5a5b1b2b3b4b5b6, %r10\n"
        "  movabs $0xa5a5b1b2b3b4b5b7, %r11\n"
        "  movabs $0xa5a5b1b2b3b4b5b8, %r12\n"
        "  movabs $0xa5a5b1b2b3b4b5b9, %r13\n"
        "  movabs $0xa5a5b1b2b3b4b5ba, %r14\n"
        "  movabs $0xa5a5b1b2b3b4b5bb, %r15\n"
        "  movabs $0xa5a5b1b2b3b4b5bc, %rcx\n"
        "  mov $56, %eax\n"
        "  cmp %eax, %eax\n" /* ZF=1 PF=1 CF=0 */
        "  stc\n"
        "  std\n"
        "  pushfq\n"
        "  popq regs_before+8*16(%rip)\n"
        "  save_regs regs_before\n"
        "  syscall\n"
        "  save_regs regs_after\n"
        "  lea scratch_stack+512(%rip), %rsp\n"
        "  pushfq\n"
        "  popq regs_after+8*16(%rip)\n"
        "  cld\n"
        "  mov %fs:0, %rax\n"
        "  mov %rax, regs_after+8*17(%rip)\n"
        "  mov regs_after(%rip), %rax\n"
        "  test %rax, %rax\n"
        "  jnz 1f\n"
        "  mov child_out(%rip), %rdi\n"
        "  lea regs_after(%rip), %rsi\n"
        "  mov $18, %ecx\n"
        "  rep movsq\n"
        "  mov $60, %eax\n"
        "  xor %edi, %edi\n"
        "  syscall\n"
        "  ud2\n"
        "1:\n"
        "  mov regs_before+8*7(%rip), %rsp\n"
        "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "  ret\n"
        ".size clone_probe, .-clone_probe\n");
long clone_probe(unsigned long flags, void *newsp);
_Static_assert(NREGS == 18 && R_FLAGS == 16 && R_FS0 == 17 && R_RSP == 7,
               "the asm above hard-codes these slots");

/* The FPU/SSE state a child inherits: xmm0-15, MXCSR and the x87 control word, all
 * set to unusual values just before the syscall. Layout of an fpu_regs record: */
struct fpu_regs {
    unsigned char xmm[16][16];
    unsigned int mxcsr;
    unsigned short fcw;
    unsigned short pad;
} __attribute__((aligned(16)));
struct fpu_regs fpu_before, fpu_parent_after;
struct fpu_regs *fpu_child_out; /* where the child stores its record */
#define MXCSR_ODD 0x7f80        /* all exceptions masked, rounding toward zero */
#define FCW_ODD   0x027f        /* 53-bit precision (the default is 0x037f) */

/* long fpu_probe(unsigned long flags, void *newsp): load fpu_before into the FPU,
 * clone, and store the FPU state after the syscall: the child into *fpu_child_out
 * (then exit(0)), the parent into fpu_parent_after. The parent returns clone's result
 * with MXCSR and the control word back at their defaults. */
__asm__(".text\n"
        ".macro fpu_regs op, base\n"
        "  .set i, 0\n"
        "  .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "    .ifc \\op, load\n"
        "      movdqu i(\\base), %xmm\\r\n"
        "    .else\n"
        "      movdqu %xmm\\r, i(\\base)\n"
        "    .endif\n"
        "    .set i, i+16\n"
        "  .endr\n"
        ".endm\n"
        ".globl fpu_probe\n"
        ".type fpu_probe,@function\n"
        "fpu_probe:\n"
        "  lea fpu_before(%rip), %rax\n"
        "  fpu_regs load, %rax\n"
        "  ldmxcsr 256(%rax)\n"
        "  fldcw 260(%rax)\n"
        "  mov $56, %eax\n"
        "  xor %edx, %edx\n"
        "  xor %r10d, %r10d\n"
        "  xor %r8d, %r8d\n"
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jnz 1f\n"
        "  mov fpu_child_out(%rip), %rdi\n"
        "  fpu_regs store, %rdi\n"
        "  stmxcsr 256(%rdi)\n"
        "  fnstcw 260(%rdi)\n"
        "  mov $60, %eax\n"
        "  xor %edi, %edi\n"
        "  syscall\n"
        "  ud2\n"
        "1:\n"
        "  lea fpu_parent_after(%rip), %rdi\n"
        "  fpu_regs store, %rdi\n"
        "  stmxcsr 256(%rdi)\n"
        "  fnstcw 260(%rdi)\n"
        "  push $0x1f80\n" /* the defaults back */
        "  ldmxcsr (%rsp)\n"
        "  movw $0x037f, (%rsp)\n"
        "  fldcw (%rsp)\n"
        "  add $8, %rsp\n"
        "  ret\n"
        ".size fpu_probe, .-fpu_probe\n");
long fpu_probe(unsigned long flags, void *newsp);
_Static_assert(sizeof(struct fpu_regs) == 272 &&
                   __builtin_offsetof(struct fpu_regs, mxcsr) == 256 &&
                   __builtin_offsetof(struct fpu_regs, fcw) == 260,
               "the asm above hard-codes this layout");

/* Where two FPU records differ, for a failure message (NULL if they do not). */
static const char *fpu_difference(const struct fpu_regs *want, const struct fpu_regs *got)
{
    static char why[96];
    for (int i = 0; i < 16; i++)
        if (memcmp(want->xmm[i], got->xmm[i], 16) != 0) {
            snprintf(why, sizeof why, "xmm%d differs", i);
            return why;
        }
    if (want->mxcsr != got->mxcsr) {
        snprintf(why, sizeof why, "expected MXCSR %#x, got %#x", want->mxcsr, got->mxcsr);
        return why;
    }
    if (want->fcw != got->fcw) {
        snprintf(why, sizeof why, "expected x87 control word %#x, got %#x", want->fcw,
                 got->fcw);
        return why;
    }
    return NULL;
}

/* A fork (SIGCHLD only): the child must start with the parent's FPU registers, and
 * the parent must get its own back. */
static void test_fpu(void)
{
    struct fpu_regs *child = mmap(NULL, sizeof *child, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (child == MAP_FAILED) {
        fail("clone_fpu_setup", "mmap MAP_SHARED: %s", strerrorname(errno));
        return;
    }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            fpu_before.xmm[i][j] = (unsigned char)(0x11 * i + 3 * j + 1);
    fpu_before.mxcsr = MXCSR_ODD;
    fpu_before.fcw = FCW_ODD;
    memset(child, 0, sizeof *child);
    fpu_child_out = child;
    long pid = fpu_probe(SIGCHLD, NULL);
    if (pid <= 0) {
        fail("clone_child_fpu_inherited", "clone failed: %ld", pid);
        return;
    }
    int st = wait_status(pid);
    const char *why = fpu_difference(&fpu_before, child);
    if (st != 0)
        fail("clone_child_fpu_inherited", "expected the child to exit 0, got %s",
             status_str(st));
    else if (why)
        fail("clone_child_fpu_inherited", "%s in the child", why);
    else
        pass("clone_child_fpu_inherited");
    why = fpu_difference(&fpu_before, &fpu_parent_after);
    if (why)
        fail("clone_parent_fpu_preserved", "%s in the parent", why);
    else
        pass("clone_parent_fpu_preserved");
    munmap(child, sizeof *child);
}

/* Compare one side's registers with regs_before: `want_rax` and `want_rsp` are what
 * rax and rsp should be; rcx and r11 are not compared (SYSCALL uses them). */
static void check_regs(const char *name, const unsigned long *got, unsigned long want_rax,
                       unsigned long want_rsp)
{
    for (int i = 0; i < NREGS; i++) {
        unsigned long want = regs_before[i], have = got[i];
        if (i == R_RCX || i == R_R11)
            continue;
        if (i == R_RAX)
            want = want_rax;
        if (i == R_RSP)
            want = want_rsp;
        if (i == R_FLAGS) {
            want &= USER_FLAGS;
            have &= USER_FLAGS;
        }
        if (want != have) {
            fail(name, "expected %s=%#lx, got %#lx", reg_names[i], want, have);
            return;
        }
    }
    pass(name);
}

/* One clone: flags, the child's stack (NULL: the parent's), where the child reports. */
static void probe(const char *what, unsigned long flags, char *stack_top,
                  unsigned long *out)
{
    char name[80];
    for (int i = 0; i < NREGS; i++)
        out[i] = 0xdeadbeef;
    child_out = out;
    long pid = clone_probe(flags, stack_top);
    snprintf(name, sizeof name, "%s_returns_pid", what);
    if (pid <= 0) {
        fail(name, "expected a child pid, got %ld", pid);
        return;
    }
    pass(name);
    snprintf(name, sizeof name, "%s_child_exits_0", what);
    check_exited(name, wait_status(pid), 0);

    snprintf(name, sizeof name, "%s_parent_regs_preserved", what);
    check_regs(name, regs_after, pid, regs_before[R_RSP]);
    snprintf(name, sizeof name, "%s_child_regs_preserved", what);
    unsigned long child_sp = stack_top ? (unsigned long)stack_top : regs_before[R_RSP];
    check_regs(name, out, 0, child_sp);

    snprintf(name, sizeof name, "%s_child_rax_zero", what);
    check_long(name, out[R_RAX], 0);
    snprintf(name, sizeof name, "%s_child_rsp", what);
    check_long(name, out[R_RSP], child_sp);
    snprintf(name, sizeof name, "%s_child_df_kept", what);
    check_long(name, out[R_FLAGS] & DF, DF);
    snprintf(name, sizeof name, "%s_parent_df_kept", what);
    check_long(name, regs_after[R_FLAGS] & DF, DF);
    snprintf(name, sizeof name, "%s_child_fs_base_inherited", what);
    check(name, out[R_FS0] == regs_before[R_FS0] && out[R_FS0] != 0,
          "expected %fs:0 (musl's thread pointer) equal in child and parent");
}

/* fork: the child's memory is a copy, so its writes stay its own. */
static volatile int fork_global = 1;
static void test_fork_copies_memory(void)
{
    volatile int on_stack = 10;
    char *heap = malloc(100);
    strcpy(heap, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        int saw = fork_global == 1 && on_stack == 10 && strcmp(heap, "parent") == 0;
        fork_global = 2;
        on_stack = 20;
        strcpy(heap, "child");
        _exit(saw ? 0 : 1);
    }
    check_exited("fork_child_sees_parent_memory", wait_status(pid), 0);
    check_long("fork_child_global_write_private", fork_global, 1);
    check_long("fork_child_stack_write_private", on_stack, 10);
    check("fork_child_heap_write_private", strcmp(heap, "parent") == 0,
          "expected the parent's heap string unchanged");
    free(heap);
}

/* The exit signal is clone's low byte (CSIGNAL). A child whose exit signal is not
 * SIGCHLD is seen only by a wait with __WALL or __WCLONE, and a SIGCHLD child never by
 * __WCLONE (Linux's rule; a child that never signals its exit is one). A child that is
 * not eligible gives ECHILD at once, running or not. */
static void test_exit_signal(void)
{
    long pid = raw_syscall1(SYS_clone, 0); /* like fork, with exit signal 0 */
    if (pid == 0)
        _exit(3);
    if (pid < 0) {
        fail("clone_exit_signal_0_setup", "clone: %s", strerrorname(-pid));
        return;
    }
    int st = -1;
    check_errno("clone_exit_signal_0_plain_waitpid_echild", waitpid(pid, &st, 0), ECHILD);
    check_long("clone_exit_signal_0_wall_reaps", waitpid(pid, &st, __WALL), pid);
    check_exited("clone_exit_signal_0_exit_status", st, 3);

    pid = raw_syscall1(SYS_clone, 0);
    if (pid == 0)
        _exit(4);
    check_long("clone_exit_signal_0_wclone_reaps", waitpid(pid, &st, __WCLONE), pid);

    pid = raw_syscall1(SYS_clone, SIGCHLD);
    if (pid == 0)
        _exit(5);
    check_errno("clone_exit_signal_sigchld_wclone_echild",
                waitpid(pid, &st, __WCLONE | WNOHANG), ECHILD);
    check_long("clone_exit_signal_sigchld_plain_waitpid_reaps", waitpid(pid, &st, 0),
               pid);
}

/* Parts (see test.h): fork, forkstack (fork with a new stack), vfork (CLONE_VM |
 * CLONE_VFORK with a new stack), vforknostack (the same on the parent's stack),
 * memory, fpu, exitsignal. */
int main(int argc, char **argv)
{
    test_parts(argc, argv);
    unsigned long *shared =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        fail("clone_setup", "mmap MAP_SHARED: %s", strerrorname(errno));
        return test_done("t_cloneregs");
    }
    if (test_part("fork"))
        probe("clone_fork", SIGCHLD, NULL, shared);
    if (test_part("forkstack"))
        probe("clone_fork_stack", SIGCHLD, child_stack + sizeof child_stack, shared);
    if (test_part("vfork"))
        probe("clone_vfork_stack", CLONE_VM | CLONE_VFORK | SIGCHLD,
              child_stack + sizeof child_stack, child_regs);
    if (test_part("vforknostack"))
        probe("clone_vfork_nostack", CLONE_VM | CLONE_VFORK | SIGCHLD, NULL, child_regs);
    if (test_part("memory"))
        test_fork_copies_memory();
    if (test_part("fpu"))
        test_fpu();
    if (test_part("exitsignal"))
        test_exit_signal();
    return test_done("t_cloneregs");
}
