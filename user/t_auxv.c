/* t_auxv: the initial stack execve builds (argc, argv, envp, auxv), walked in memory and
 * compared with what the program knows about itself; an exec'd copy of itself checks
 * exact strings, AT_EXECFN, and that AT_RANDOM differs between execs. */
#include "test.h"
#include "proctest.h"
#include <cpuid.h>
#include <elf.h>
#include <fcntl.h>

#define MAX_AUXV  128 /* more entries than this means no AT_NULL terminator */
#define CHILD_ARG "--auxv-exec-child"
#define ALIGN_ARG "--auxv-align-child" /* exit 0 iff argv % 16 == 8 */

extern const Elf64_Ehdr __ehdr_start; /* the linker's name for our own ELF header */
extern void _start(void);

/* The process state as execve left it, captured first thing in main. */
static int start_argc;
static char **start_argv, **start_envp;
static Elf64_auxv_t *start_auxv;
static int auxv_count; /* entries before AT_NULL, or -1 if there is no AT_NULL */

/* What the parent passes to the exec'd copy, and what that copy reports back. */
static char *const child_argv[] = {"renamed-argv0", CHILD_ARG,  "",  "two words",
                                   "tab\there\n",   "\xff\x01", NULL};
static char *const child_envp[] = {"AUXV_A=1", "", "AUXV_B=two=three", NULL};
struct child_report {
    int argc, argv_exact, envp_exact, layout_ok;
    unsigned char random[16];
    char execfn[256];
};

static void capture_start_state(int argc, char **argv, char **envp)
{
    start_argc = argc;
    start_argv = argv;
    start_envp = envp;
    char **e = envp;
    while (*e)
        e++;
    start_auxv = (Elf64_auxv_t *)(e + 1);
    auxv_count = -1;
    for (int i = 0; i < MAX_AUXV; i++)
        if (start_auxv[i].a_type == AT_NULL) {
            auxv_count = i;
            break;
        }
}

/* The value of auxv entry `type`, *found set to whether it was there. */
static unsigned long aux(unsigned long type, int *found)
{
    *found = 0;
    for (int i = 0; i < auxv_count; i++)
        if (start_auxv[i].a_type == type) {
            *found = 1;
            return start_auxv[i].a_un.a_val;
        }
    return 0;
}

/* Check entry `type` is present and equals want. */
static void check_aux(const char *name, unsigned long type, unsigned long want)
{
    int found;
    unsigned long got = aux(type, &found);
    if (!found)
        fail(name, "expected auxv entry %lu, but it is missing", type);
    else if (got != want)
        fail(name, "expected %#lx, got %#lx", want, got);
    else
        pass(name);
}

static int layout_ok(void)
{
    return (uintptr_t)start_argv % 16 == 8 && start_argv[start_argc] == NULL &&
           auxv_count > 0;
}

static void test_layout(void)
{
    check_long("auxv_argv_at_rsp_plus_8_aligned", (uintptr_t)start_argv % 16, 8);
    check("auxv_argc_positive", start_argc >= 1, "expected argc >= 1");
    check("auxv_argv_null_terminated", start_argv[start_argc] == NULL,
          "expected argv[argc] == NULL");
    check("auxv_terminated_by_at_null", auxv_count > 0,
          "expected an AT_NULL entry within 128 entries after envp's NULL");
    int dup = 0;
    for (int i = 0; i < auxv_count; i++)
        for (int j = i + 1; j < auxv_count; j++)
            dup |= start_auxv[i].a_type == start_auxv[j].a_type;
    check("auxv_no_duplicate_entries", !dup, "expected each auxv type at most once");
}

static void test_own_image(void)
{
    const Elf64_Ehdr *eh = &__ehdr_start;
    check_aux("auxv_pagesz_4096", AT_PAGESZ, 4096);
    check_aux("auxv_phdr_points_at_program_headers", AT_PHDR,
              (unsigned long)eh + eh->e_phoff);
    check_aux("auxv_phent_is_sizeof_phdr", AT_PHENT, sizeof(Elf64_Phdr));
    check_aux("auxv_phnum_matches_elf_header", AT_PHNUM, eh->e_phnum);
    check_aux("auxv_entry_is_start", AT_ENTRY, (unsigned long)_start);
    check_long("auxv_elf_entry_is_start", eh->e_entry, (unsigned long)_start);
    check_aux("auxv_base_zero_without_interpreter", AT_BASE, 0);
}

static void test_ids_and_misc(void)
{
    check_aux("auxv_uid", AT_UID, getuid());
    check_aux("auxv_euid", AT_EUID, geteuid());
    check_aux("auxv_gid", AT_GID, getgid());
    check_aux("auxv_egid", AT_EGID, getegid());
    check_aux("auxv_secure_zero", AT_SECURE, 0);
    check_aux("auxv_clktck_100", AT_CLKTCK, 100);

    /* x86-64 Linux: CPUID.1:EDX (possibly minus features the kernel disabled), which
     * always has the x86-64 baseline: FPU TSC CX8 CMOV FXSR SSE SSE2. */
    unsigned a, b, c, edx;
    __cpuid(1, a, b, c, edx);
    const unsigned long baseline =
        1 << 0 | 1 << 4 | 1 << 8 | 1 << 15 | 1 << 24 | 1 << 25 | 1 << 26;
    int found;
    unsigned long hwcap = aux(AT_HWCAP, &found);
    if (found && (hwcap & ~(unsigned long)edx) == 0 && (hwcap & baseline) == baseline)
        pass("auxv_hwcap_is_cpuid_1_edx");
    else
        fail("auxv_hwcap_is_cpuid_1_edx", "expected %#x (CPUID.1:EDX), got %#lx%s", edx,
             hwcap, found ? "" : " (missing)");

    unsigned char *rnd = (unsigned char *)aux(AT_RANDOM, &found);
    int nonzero = 0;
    for (int i = 0; found && rnd && i < 16; i++)
        nonzero |= rnd[i];
    check("auxv_random_16_nonzero_bytes", found && rnd && nonzero,
          "expected AT_RANDOM to point at 16 bytes, not all zero");

    const char *fn = (const char *)aux(AT_EXECFN, &found);
    check("auxv_execfn_is_a_string", found && fn && fn[0] != 0,
          "expected AT_EXECFN to point at a non-empty string");
    const char *platform = (const char *)aux(AT_PLATFORM, &found);
    check_str("auxv_platform_x86_64", found ? platform : NULL, "x86_64");
}

/* The stack pointer is 16-byte aligned at entry whatever the sizes of the strings and
 * the number of pointers above it: exec copies of ourselves with argc 3 or 4 and
 * strings of every length modulo 16; each exits 0 iff its argv % 16 == 8. */
static void test_alignment_any_layout(void)
{
    char pad[32], env[48];
    for (int i = 0; i < 16; i++) {
        memset(pad, 'p', i);
        pad[i] = 0;
        snprintf(env, sizeof env, "E=%.*s", (i * 7) % 16, "eeeeeeeeeeeeeeee");
        char *argv[] = {"t_auxv", ALIGN_ARG, pad, i % 2 ? "odd" : NULL, NULL};
        char *envp[] = {env, NULL};
        int st = spawn_wait(proctest_self, argv, envp, NULL);
        if (st != 0) {
            fail("auxv_argv_aligned_any_layout",
                 "with argc %d and a %d-byte argument: expected argv %% 16 == 8 (%s)",
                 3 + i % 2, i,
                 st == -1                                ? "spawn failed"
                 : WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "it was not"
                                                         : status_str(st));
            return;
        }
    }
    pass("auxv_argv_aligned_any_layout");
}

/* In the exec'd copy: report what we got to fd 1. */
static int child_main(void)
{
    struct child_report r;
    memset(&r, 0, sizeof r);
    r.argc = start_argc;
    r.argv_exact = 1;
    for (int i = 0; child_argv[i] || start_argv[i]; i++)
        if (!child_argv[i] || !start_argv[i] ||
            strcmp(child_argv[i], start_argv[i]) != 0) {
            r.argv_exact = 0;
            break;
        }
    r.envp_exact = 1;
    for (int i = 0; child_envp[i] || start_envp[i]; i++)
        if (!child_envp[i] || !start_envp[i] ||
            strcmp(child_envp[i], start_envp[i]) != 0) {
            r.envp_exact = 0;
            break;
        }
    r.layout_ok = layout_ok();
    int found;
    const unsigned char *rnd = (const unsigned char *)aux(AT_RANDOM, &found);
    if (found && rnd)
        memcpy(r.random, rnd, 16);
    const char *fn = (const char *)aux(AT_EXECFN, &found);
    if (found && fn)
        snprintf(r.execfn, sizeof r.execfn, "%s", fn);
    return write(1, &r, sizeof r) == sizeof r ? 0 : 1;
}

/* Exec a copy of ourselves (through posix_spawn) and collect its report. */
static int run_child(struct child_report *r)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid;
    int err = posix_spawn(&pid, proctest_self, &fa, NULL, child_argv, child_envp);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    long n = err ? -1 : read_all(p[0], r, sizeof *r);
    close(p[0]);
    if (err)
        return -1;
    return wait_status(pid) == 0 && n == sizeof *r ? 0 : -1;
}

static void test_exec_copy(void)
{
    struct child_report r1, r2;
    if (run_child(&r1) != 0 || run_child(&r2) != 0) {
        fail("auxv_exec_copy_runs", "expected the exec'd copy to report and exit 0");
        return;
    }
    pass("auxv_exec_copy_runs");
    int n = 0;
    while (child_argv[n])
        n++;
    check_long("auxv_exec_argc", r1.argc, n);
    check("auxv_exec_argv_exact", r1.argv_exact,
          "expected argv strings exactly as passed");
    check("auxv_exec_envp_exact", r1.envp_exact,
          "expected envp strings exactly as passed");
    check("auxv_exec_layout", r1.layout_ok,
          "expected argv 16-aligned + 8, NULL-terminated, auxv ending in AT_NULL");
    if (strcmp(r1.execfn, proctest_self) == 0)
        pass("auxv_execfn_is_execve_path");
    else
        fail("auxv_execfn_is_execve_path", "expected \"%s\", got \"%.100s\"",
             proctest_self, r1.execfn);
    int found;
    const unsigned char *mine = (const unsigned char *)aux(AT_RANDOM, &found);
    check("auxv_random_differs_between_execs",
          memcmp(r1.random, r2.random, 16) != 0 &&
              (!found || !mine || memcmp(r1.random, mine, 16) != 0),
          "expected different AT_RANDOM bytes in each exec");
}

int main(int argc, char **argv, char **envp)
{
    capture_start_state(argc, argv, envp);
    if (argc > 1 && strcmp(argv[1], CHILD_ARG) == 0)
        return child_main();
    if (argc > 1 && strcmp(argv[1], ALIGN_ARG) == 0)
        return (uintptr_t)argv % 16 == 8 ? 0 : 1;
    proctest_init(argv[0]);
    test_layout();
    if (auxv_count <= 0)
        return test_done("t_auxv");
    test_own_image();
    test_ids_and_misc();
    test_exec_copy();
    test_alignment_any_layout();
    return test_done("t_auxv");
}
