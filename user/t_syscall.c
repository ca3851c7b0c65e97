/* t_syscall: the SYSCALL entry and exit paths (lab 1), without fork or clone: dispatch
 * by the number in rax, -ENOSYS for unknown numbers, six arguments in rdi rsi rdx r10
 * r8 r9, every other register and the user's flags kept, rcx and r11 as Linux leaves them. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
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
    NREGS
};
static const char *const reg_names[NREGS] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",    "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rflags",
};

#define USER_FLAGS 0xed5UL     /* CF PF AF ZF SF IF DF OF: a syscall must keep them */
#define RF         (1UL << 16) /* resume flag: SYSCALL clears it in r11 */

unsigned long probe_nr;                   /* the syscall number the probe makes */
unsigned long regs_before[NREGS];         /* just before SYSCALL */
unsigned long regs_after[NREGS];          /* just after it */
extern const char probe_return_address[]; /* the instruction after SYSCALL */

/* void syscall_probe(void): make syscall probe_nr with a distinct value in every
 * register and CF, ZF, PF and DF set, recording all registers and rflags before
 * and after. Only the kernel runs between the two records. */
__asm__(".text\n"
        ".macro save_regs area\n"
        "  .set off, 0\n"
        "  .irp r, rax,rbx,rcx,rdx,rsi,rdi,rbp,rsp,r8,r9,r10,r11,r12,r13,r14,r15\n"
        "    mov %\\r, \\area+off(%rip)\n"
        "    .set off, off+8\n"
        "  .endr\n"
        ".endm\n"
        ".globl syscall_probe, probe_return_address\n"
        ".type syscall_probe,@function\n"
        "syscall_probe:\n"
        "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "  movabs $0x5c5c0101a1a2a3b1, %rbx\n"
        "  movabs $0x5c5c0101a1a2a3b2, %rbp\n"
        "  movabs $0x5c5c0101a1a2a3b3, %rdx\n"
        "  movabs $0x5c5c0101a1a2a3b4, %rsi\n"
        "  movabs $0x5c5c0101a1a2a3b5, %rdi\n"
        "  movabs $0x5c5c0101a1a2a3b6, %r8\n"
        "  movabs $0x5c5c0101a1a2a3b7, %r9\n"
        "  movabs $0x5c5c0101a1a2a3b8, %r10\n"
        "  movabs $0x5c5c0101a1a2a3b9, %r11\n"
        "  movabs $0x5c5c0101a1a2a3ba, %r12\n"
        "  movabs $0x5c5c0101a1a2a3bb, %r13\n"
        "  movabs $0x5c5c0101a1a2a3bc, %r14\n"
        "  movabs $0x5c5c0101a1a2a3bd, %r15\n"
        "  movabs $0x5c5c0101a1a2a3be, %rcx\n"
        "  mov probe_nr(%rip), %rax\n"
        "  cmp %rax, %rax\n" /* ZF=1 PF=1 */
        "  stc\n"            /* CF=1 */
        "  std\n"            /* DF=1 */
        "  pushfq\n"
        "  popq regs_before+8*16(%rip)\n"
        "  save_regs regs_before\n"
        "  syscall\n"
        "probe_return_address:\n"
        "  save_regs regs_after\n"
        "  pushfq\n"
        "  popq regs_after+8*16(%rip)\n"
        "  cld\n"
        "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "  ret\n"
        ".size syscall_probe, .-syscall_probe\n");
void syscall_probe(void);
_Static_assert(NREGS == 17 && R_FLAGS == 16, "the asm above hard-codes these slots");

/* The first register (but rax, rcx, r11) that differs after the syscall, or -1. */
static int first_changed_register(void)
{
    for (int i = 0; i < R_FLAGS; i++)
        if (i != R_RAX && i != R_RCX && i != R_R11 && regs_after[i] != regs_before[i])
            return i;
    return -1;
}

/* Syscall nr through the probe; checks named prefix_... */
static void probe(const char *prefix, unsigned long nr, long want_rax)
{
    char name[96];
    probe_nr = nr;
    syscall_probe();

    snprintf(name, sizeof name, "%s_result_in_rax", prefix);
    check_long(name, regs_after[R_RAX], want_rax);
    snprintf(name, sizeof name, "%s_regs_preserved", prefix);
    int r = first_changed_register();
    if (r < 0)
        pass(name);
    else
        fail(name, "expected %s=%#lx after the syscall, got %#lx", reg_names[r],
             regs_before[r], regs_after[r]);
    snprintf(name, sizeof name, "%s_flags_restored", prefix);
    unsigned long before = regs_before[R_FLAGS] & USER_FLAGS;
    unsigned long after = regs_after[R_FLAGS] & USER_FLAGS;
    if (before == after)
        pass(name);
    else
        fail(name, "expected rflags %#lx (CF ZF PF IF DF) after the syscall, got %#lx",
             before, after);
    /* SYSCALL itself puts the return address in rcx and rflags in r11; Linux leaves
     * them so, whichever way it returns. */
    snprintf(name, sizeof name, "%s_rcx_is_return_address", prefix);
    check_long(name, regs_after[R_RCX], (long)probe_return_address);
    snprintf(name, sizeof name, "%s_r11_is_rflags", prefix);
    check_long(name, regs_after[R_R11] & ~RF, regs_before[R_FLAGS] & ~RF);
}

/* Numbers no kernel implements: past the table, negative, and holes in it (Linux's
 * tuxcall, afs_syscall and vserver were never implemented). */
static void test_unknown_numbers(void)
{
    static const unsigned long unknown[] = {
        500, 1000, 0x7fffffff, 0x80000000, -1UL, -39UL, 183, 184, 236,
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0] && !bad; i++) {
        long r = raw_syscall6(unknown[i], 1, 2, 3, 4, 5, 6);
        if (r != -ENOSYS) {
            fail("syscall_unknown_number_enosys",
                 "syscall %ld: expected -ENOSYS, got %ld", (long)unknown[i], r);
            bad = 1;
        }
    }
    if (!bad)
        pass("syscall_unknown_number_enosys");
}

/* mmap takes all six registers, and its result depends on each of them. */
static void test_six_arguments(void)
{
    const long prot_rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
    /* rdi, rsi, rdx, r10: a fixed mapping inside an existing one lands exactly there
     * (without MAP_FIXED it would be put elsewhere), is as long and writable. */
    char *area = (char *)raw_syscall6(SYS_mmap, 0, 4 * 4096, PROT_READ, anon, -1, 0);
    if ((long)area < 0) {
        fail("syscall_six_args_setup", "mmap: %ld", (long)area);
        return;
    }
    char *want = area + 4096;
    long got =
        raw_syscall6(SYS_mmap, (long)want, 2 * 4096, prot_rw, anon | MAP_FIXED, -1, 0);
    check_long("syscall_args_rdi_rsi_rdx_r10", got, (long)want);
    if (got == (long)want) {
        want[0] = want[2 * 4096 - 1] = 1; /* faults unless both pages are writable */
        check_long("syscall_args_mapping_writable", want[0] + want[2 * 4096 - 1], 2);
    }
    raw_syscall2(SYS_munmap, area, 4 * 4096);

    /* r8, the fd: a bad one is EBADF; r9, the offset: not page-aligned is EINVAL. */
    check_raw_errno("syscall_arg5_r8",
                    raw_syscall6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 999, 0),
                    EBADF);
    check_raw_errno("syscall_arg6_r9",
                    raw_syscall6(SYS_mmap, 0, 4096, PROT_READ, anon, -1, 4096 + 1),
                    EINVAL);
    long ok = raw_syscall6(SYS_mmap, 0, 4096, PROT_READ, anon, -1, 4096);
    check("syscall_arg6_r9_aligned_ok", ok > 0,
          "expected an anonymous mmap with offset 4096 to work");
    if (ok > 0)
        raw_syscall2(SYS_munmap, ok, 4096);
}

/* rt_sigprocmask's fourth argument (the set size, 8) is in r10: rcx holds the return
 * address, which is no valid size. */
static void test_fourth_argument(void)
{
    uint64_t old = 0, set = 1UL << (SIGUSR1 - 1);
    check_long("syscall_arg4_r10",
               raw_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, &set, &old, sizeof(uint64_t)),
               0);
    check_raw_errno("syscall_arg4_r10_bad_size_einval",
                    raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 4), EINVAL);
    raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof(uint64_t));
}

int main(void)
{
    long pid = raw_syscall1(SYS_getpid, 0);
    check("syscall_getpid_positive", pid > 0, "expected a pid > 0");
    check_long("syscall_getpid_stable", raw_syscall1(SYS_getpid, 0), pid);
    probe("syscall_getpid", SYS_getpid, pid);
    probe("syscall_enosys", 1000, -ENOSYS);
    test_unknown_numbers();
    /* Linux takes the number from the low 32 bits of rax: bits above are ignored. */
    check_long("syscall_number_is_low_32_bits", raw_syscall1((1UL << 32) | SYS_getpid, 0),
               pid);
    test_six_arguments();
    test_fourth_argument();
    return test_done("t_syscall");
}
