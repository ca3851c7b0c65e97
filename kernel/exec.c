/* exec.c: execve(2): replace the calling process's program with an ELF file.
 *
 * Everything that can fail happens first, on a new address space, while the old
 * one is untouched: the file is checked, argv and envp are measured, its segments
 * are loaded and the initial stack (argc, argv, envp, auxv) is built. Then comes the point of no return:
 * switch to the new address space, close FD_CLOEXEC files, reset the registers,
 * release a vfork parent, and free the old address space (unless that parent
 * still uses it). */
#include "elf.h"
#include "errno.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "memlayout.h"
#include "mm.h"
#include "mmu.h"
#include "printf.h"
#include "proc.h"
#include "random.h"
#include "string.h"
#include "syscall.h"
#include "time.h"
#include "uaccess.h"
#include "x86.h"

#define USER_STACK_TOP 0x7fffff000000UL /* 16 MiB below the top of user space */
#define ET_DYN_BASE    0x555555554000UL /* where a static-pie program is loaded */
#define PHDRS_MAX      65536            /* Linux's limit on the program header table */
#define FILE_OFF_MAX   0x7fffffffffffffffUL /* the largest file offset (Linux's loff_t) */

/* Where argv or envp come from: user memory (execve), or the kernel (init). */
struct strings {
    bool kernel;
    uint64_t ptrs;         /* address of the NULL-terminated array of string pointers */
    uint64_t count, bytes; /* measured by measure_strings() */
    bool empty_arg0;       /* argv was empty: pass one "" instead, as Linux does */
};

/* What execve learns and builds before the point of no return. */
struct image {
    struct inode *ip;
    struct elf64_ehdr eh;
    uint64_t bias; /* added to every address: 0 for ET_EXEC */
    struct mm *mm;
    uint64_t entry, phdr_addr, sp;
    bool bad_segment; /* a PT_LOAD that can't be mapped: SIGSEGV after the commit */
};

static long read_file(struct inode *ip, void *dst, uint64_t off, size_t n)
{
    if (off > FILE_OFF_MAX)
        return -EINVAL; /* a negative offset, to Linux's kernel_read */
    ssize_t got = inode_read(ip, dst, off, n);
    if (got < 0)
        return got;
    return (size_t)got == n ? 0 : -EIO; /* as Linux: a short read of headers is EIO */
}

static long check_file(struct inode *ip)
{
    if (S_ISDIR(ip->mode) || !S_ISREG(ip->mode))
        return -EACCES;
    if (!(ip->mode & 0111))
        return -EACCES; /* no execute bit for anyone: even root may not run it */
    return 0;
}

/* The ELF header and program headers: is this a program we can run? */
static long read_headers(struct image *im)
{
    struct elf64_ehdr *eh = &im->eh;
    if (im->ip->size < sizeof *eh)
        return -ENOEXEC;
    long err = read_file(im->ip, eh, 0, sizeof *eh);
    if (err)
        return err;
    /* LAB execve: BEGIN */
    /* Linux checks the magic, the type and the machine, not the class, byte order
     * or version bytes of e_ident. */
    if (memcmp(eh->e_ident, ELF_MAGIC, 4) != 0 || eh->e_machine != EM_X86_64 ||
        (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
        return -ENOEXEC;
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
        eh->e_phnum * sizeof(struct elf64_phdr) > PHDRS_MAX)
        return -ENOEXEC;
    /* LAB execve: STUB
    if (memcmp(eh->e_ident, ELF_MAGIC, 4) != 0)
        return -ENOEXEC;
LAB execve: END */
    /* The whole table must be in the file (Linux 6.x: ENOEXEC if it can't be read).
     * Entries are read one at a time, when needed (read_phdr). */
    uint64_t size = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > im->ip->size || size > im->ip->size - eh->e_phoff)
        return -ENOEXEC;
    return 0;
}

static long read_phdr(struct image *im, int i, struct elf64_phdr *ph)
{
    return read_file(im->ip, ph, im->eh.e_phoff + i * sizeof *ph, sizeof *ph);
}

/* A program that asks for an interpreter (dynamic linking) can't run here. The
 * errors Linux gives first are given too: ENOEXEC for a name that is too long or
 * not NUL-terminated, the lookup's error (ENOENT), EACCES if the interpreter is not
 * an executable file; then ENOEXEC (where Linux would load it). */
static long check_interp(struct image *im, const struct elf64_phdr *ph)
{
    if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
        return -ENOEXEC;
    char *path = kalloc_nozero(); /* PATH_MAX bytes */
    if (!path)
        return -ENOMEM;
    long err = read_file(im->ip, path, ph->p_offset, ph->p_filesz);
    if (!err && path[ph->p_filesz - 1] != '\0')
        err = -ENOEXEC;
    if (!err) {
        struct inode *interp = namei(path, myproc()->cwd);
        if (IS_ERR(interp)) {
            err = PTR_ERR(interp);
        } else {
            err = check_file(interp);
            inode_put(interp);
        }
    }
    kfree(path);
    return err ? err : -ENOEXEC;
}

static int segment_prot(const struct elf64_phdr *ph)
{
    return ((ph->p_flags & PF_R) ? PROT_READ : 0) |
           ((ph->p_flags & PF_W) ? PROT_WRITE : 0) |
           ((ph->p_flags & PF_X) ? PROT_EXEC : 0);
}

static long check_segment(const struct image *im, const struct elf64_phdr *ph)
{
    /* LAB execve: BEGIN */
    uint64_t start = im->bias + ph->p_vaddr, end = start + ph->p_memsz;
    if (ph->p_filesz > ph->p_memsz)
        return -EINVAL;
    if (end < start || start < USER_MIN || end > USER_STACK_TOP - 2 * USTACK_SIZE)
        return -ENOMEM; /* wraps around, or outside the user half */
    /* File bytes are mapped a page at a time, from a valid file offset. */
    if (ph->p_filesz && ph->p_vaddr % PGSIZE != ph->p_offset % PGSIZE)
        return -EINVAL;
    if (ph->p_filesz && ph->p_offset > FILE_OFF_MAX - ph->p_filesz)
        return -EINVAL;
    return 0;
    /* LAB execve: STUB
    (void)im, (void)ph;
    return 0;
LAB execve: END */
}

/* The physical page of the boot image that holds bytes [off, off + PGSIZE) of ip,
 * if those can be mapped as they are (a file of the image, at a page boundary);
 * else 0. Read-only program text is mapped like this, not copied: fast, and every
 * process running the program shares it (mm.c copies a page before any write). */
static uint64_t image_page(struct inode *ip, uint64_t off)
{
    if (ip->kind != INODE_IMAGE_FILE || off % PGSIZE || off >= ALIGN_UP(ip->size, PGSIZE))
        return 0;
    uint64_t pa = v2p(ip->image_data + off);
    return pa % PGSIZE ? 0 : pa;
}

/* Map the segment's pages and fill them as Linux's mmap of the file would: whole
 * pages of the file from the first page's start (bytes past the end of the file
 * read as zeros), but zeros after p_filesz when there is a bss. As with Linux's
 * MAP_FIXED, a segment replaces whatever an earlier one mapped in its pages. */
static long load_segment(struct image *im, const struct elf64_phdr *ph)
{
    if (ph->p_memsz == 0)
        return 0; /* an empty segment maps nothing (Linux runs such programs) */
    uint64_t va = im->bias + ph->p_vaddr;
    uint64_t start = ALIGN_DOWN(va, PGSIZE), end = ALIGN_UP(va + ph->p_memsz, PGSIZE);
    long err = mm_map(im->mm, start, end - start, segment_prot(ph));
    if (err || ph->p_filesz == 0)
        return err;
    uint64_t file_end = va + ph->p_filesz;
    if (ph->p_memsz == ph->p_filesz)
        file_end = MIN(ALIGN_UP(file_end, PGSIZE), end);
    uint64_t off = ph->p_offset - (va - start); /* the file offset of start */
    /* File pages wholly past the end of the file raise SIGBUS when touched, as on
     * Linux (a truncated program dies with "Bus error"). */
    uint64_t eof = ALIGN_UP(im->ip->size, PGSIZE);
    uint64_t past_eof = off >= eof ? start : start + (eof - off);
    uint64_t file_pages_end = ALIGN_UP(va + ph->p_filesz, PGSIZE);
    if (past_eof < file_pages_end) {
        err =
            mm_map_sigbus(im->mm, past_eof, file_pages_end - past_eof, segment_prot(ph));
        if (err)
            return err;
        file_end = MIN(file_end, past_eof);
    }
    for (uint64_t a = start; a < file_end; a += PGSIZE) {
        size_t n = MIN(file_end - a, PGSIZE);
        uint64_t pa = (ph->p_flags & PF_W) || n < PGSIZE
                          ? 0
                          : image_page(im->ip, off + (a - start));
        if (pa) {
            if ((err = mm_map_image_page(im->mm, a, pa)))
                return err;
            continue;
        }
        void *dst = mm_kaddr(im->mm, a);
        if (!dst)
            return -ENOMEM;
        ssize_t got = inode_read(im->ip, dst, off + (a - start), n);
        if (got < 0)
            return got;
        if ((size_t)got < n)
            break;
    }
    return 0;
}

static long load_segments(struct image *im)
{
    struct elf64_ehdr *eh = &im->eh;
    im->bias = eh->e_type == ET_DYN ? ET_DYN_BASE : 0;
    struct elf64_phdr ph;
    for (int i = 0; i < eh->e_phnum; i++) {
        long err = read_phdr(im, i, &ph);
        if (!err && ph.p_type == PT_INTERP)
            err = check_interp(im, &ph);
        if (err)
            return err;
        /* Linux finds a segment it can't map after the point of no return, and
         * kills the process with SIGSEGV: so do we (see do_execve). */
        if (ph.p_type == PT_LOAD && check_segment(im, &ph))
            im->bad_segment = true;
    }
    im->mm = mm_create();
    if (!im->mm)
        return -ENOMEM;
    for (int i = 0; i < eh->e_phnum && !im->bad_segment; i++) {
        long err = read_phdr(im, i, &ph);
        if (!err && ph.p_type == PT_LOAD)
            err = load_segment(im, &ph);
        if (err)
            return err;
        /* Where the program headers are in memory, for AT_PHDR. */
        if (ph.p_type == PT_LOAD && eh->e_phoff >= ph.p_offset &&
            eh->e_phoff < ph.p_offset + ph.p_filesz)
            im->phdr_addr = im->bias + ph.p_vaddr + (eh->e_phoff - ph.p_offset);
    }
    for (int i = 0; i < eh->e_phnum; i++)
        if (read_phdr(im, i, &ph) == 0 && ph.p_type == PT_PHDR)
            im->phdr_addr = im->bias + ph.p_vaddr;
    im->entry = im->bias + eh->e_entry;
    /* The heap starts after the highest segment. */
    uint64_t top = 0;
    for (int i = 0; i < im->mm->nvmas; i++)
        top = MAX(top, im->mm->vmas[i].end);
    im->mm->brk_start = im->mm->brk = top;
    return 0;
}

/* --- argv and envp ------------------------------------------------------------ */

static long string_ptr(struct strings *s, uint64_t i, uint64_t *ptr)
{
    if (s->ptrs == 0) { /* a NULL argv or envp is an empty list */
        *ptr = 0;
        return 0;
    }
    if (s->kernel) {
        *ptr = ((uint64_t *)s->ptrs)[i];
        return 0;
    }
    return get_user_u64(ptr, s->ptrs + i * sizeof(uint64_t));
}

static long string_len(struct strings *s, uint64_t str, size_t max)
{
    if (s->kernel)
        return strnlen((const char *)str, max);
    return strnlen_user(str, max);
}

/* Count the strings and their bytes, adding them and their pointers to *total.
 * E2BIG beyond Linux's limits: one string of more than 32 pages, or *total above
 * ARG_TOTAL_MAX. */
static long measure_strings(struct strings *s, uint64_t *total)
{
    s->count = s->bytes = 0;
    for (;;) {
        uint64_t str;
        long err = string_ptr(s, s->count, &str);
        if (err)
            return err;
        if (!str)
            return 0;
        long len = string_len(s, str, ARG_STRLEN_MAX);
        if (len < 0)
            return len;
        /* LAB execve: BEGIN */
        if (len == ARG_STRLEN_MAX)
            return -E2BIG;
        /* LAB execve: STUB
LAB execve: END */
        s->count++;
        s->bytes += len + 1;
        *total += len + 1 + sizeof(uint64_t);
        /* LAB execve: BEGIN */
        if (*total > ARG_TOTAL_MAX)
            return -E2BIG;
        /* LAB execve: STUB
LAB execve: END */
    }
}

/* Measure argv and envp for build_stack. As on Linux, the path counts against the
 * limit too (it is copied to the new stack first), and an empty argv as the "" it
 * becomes. */
static long measure_args(const char *path, struct strings *argv, struct strings *envp)
{
    uint64_t total = strlen(path) + 1;
    long err = measure_strings(argv, &total);
    if (err)
        return err;
    if (argv->count == 0) { /* Linux (since 5.18) never starts a program with argc 0 */
        argv->empty_arg0 = true;
        argv->count = 1;
        argv->bytes = 1;
        total += 1 + sizeof(uint64_t); /* envp's checks see them */
    }
    return measure_strings(envp, &total);
}

/* Copy n bytes to user address va of the new address space (not yet loaded, so we
 * write through the kernel's direct map), from the kernel or the old user space. */
static long put_bytes(struct mm *mm, uint64_t va, const void *src, size_t n,
                      bool user_src)
{
    while (n > 0) {
        size_t chunk = MIN(n, PGSIZE - va % PGSIZE);
        void *dst = mm_kaddr(mm, va);
        if (!dst)
            return -ENOMEM;
        if (user_src) {
            long err = copy_from_user(dst, (uint64_t)src, chunk);
            if (err)
                return err;
        } else {
            memcpy(dst, src, chunk);
        }
        va += chunk;
        src = (const char *)src + chunk;
        n -= chunk;
    }
    return 0;
}

static long put_u64(struct mm *mm, uint64_t va, uint64_t v)
{
    return put_bytes(mm, va, &v, sizeof v, false);
}

/* Copy the strings to *strp (moving up) and their addresses to *ptrp. */
static long put_strings(struct mm *mm, struct strings *s, uint64_t *strp, uint64_t *ptrp)
{
    if (s->empty_arg0) { /* argv = { "" } */
        long err = put_bytes(mm, *strp, "", 1, false);
        if (!err)
            err = put_u64(mm, *ptrp, *strp);
        *strp += 1;
        *ptrp += sizeof(uint64_t);
        return err ? err : put_u64(mm, *ptrp, 0);
    }
    for (uint64_t i = 0; i < s->count; i++) {
        uint64_t str;
        long err = string_ptr(s, i, &str);
        if (err)
            return err;
        long len = str ? string_len(s, str, ARG_STRLEN_MAX) : -EFAULT;
        if (len < 0)
            return len;
        err = put_bytes(mm, *strp, (const void *)str, len, !s->kernel);
        if (!err)
            err = put_bytes(mm, *strp + len, "", 1, false);
        if (!err)
            err = put_u64(mm, *ptrp, *strp);
        if (err)
            return err;
        *strp += len + 1;
        *ptrp += sizeof(uint64_t);
    }
    return put_u64(mm, *ptrp, 0); /* the NULL that ends the array */
}

/*
 * The initial stack, as the x86-64 ABI and Linux lay it out (addresses grow up):
 *
 *   sp ->  argc
 *          argv[0] .. argv[argc-1], NULL
 *          envp[0] .. envp[envc-1], NULL
 *          auxv: (key, value) pairs ending with AT_NULL
 *          (padding)
 *          argv strings, envp strings, 16 random bytes, "x86_64", the file name
 *   USER_STACK_TOP
 *
 * sp is 16-byte aligned, so that (uint64_t)argv % 16 == 8 in _start.
 */
static long build_stack(struct image *im, const char *path, struct strings *argv,
                        struct strings *envp)
{
    struct mm *mm = im->mm;
    long err =
        mm_map(mm, USER_STACK_TOP - USTACK_SIZE, USTACK_SIZE, PROT_READ | PROT_WRITE);
    if (err)
        return err;
    mm->stack_top = USER_STACK_TOP;

    static const char platform[] = "x86_64";
    size_t path_len = strlen(path) + 1;
    uint64_t str_area = argv->bytes + envp->bytes + 16 + sizeof platform + path_len;
    uint64_t strp = USER_STACK_TOP - str_area;
    uint64_t random_at = strp + argv->bytes + envp->bytes;
    uint64_t platform_at = random_at + 16;
    uint64_t execfn_at = platform_at + sizeof platform;

    /* LAB execve: BEGIN */
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    uint64_t auxv[][2] = {
        {AT_PHDR, im->phdr_addr},
        {AT_PHENT, sizeof(struct elf64_phdr)},
        {AT_PHNUM, im->eh.e_phnum},
        {AT_PAGESZ, PGSIZE},
        {AT_BASE, 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, im->entry},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_SECURE, 0},
        {AT_HWCAP, d},
        {AT_HWCAP2, 0},
        {AT_CLKTCK, 100},
        {AT_PLATFORM, platform_at},
        {AT_RANDOM, random_at},
        {AT_EXECFN, execfn_at},
        {AT_NULL, 0},
    };
    uint64_t nwords = 1 + (argv->count + 1) + (envp->count + 1) + 2 * ARRAY_SIZE(auxv);
    uint64_t sp = ALIGN_DOWN(ALIGN_DOWN(strp, 16) - nwords * 8, 16);
    /* LAB execve: STUB
    // Only what musl cannot start without: the page size. And the stack pointer
    // is just below the pointers: what does the ABI say about its alignment?
    uint64_t auxv[][2] = {{AT_PAGESZ, PGSIZE}, {AT_NULL, 0}};
    uint64_t nwords = 1 + (argv->count + 1) + (envp->count + 1) + 2 * ARRAY_SIZE(auxv);
    uint64_t sp = strp - nwords * 8;
LAB execve: END */
    if (USER_STACK_TOP - sp > USTACK_SIZE / 2)
        return -E2BIG;

    uint64_t ptrp = sp;
    if ((err = put_u64(mm, ptrp, argv->count)))
        return err;
    ptrp += 8;
    if ((err = put_strings(mm, argv, &strp, &ptrp)))
        return err;
    ptrp += 8;
    if ((err = put_strings(mm, envp, &strp, &ptrp)))
        return err;
    ptrp += 8;
    if ((err = put_bytes(mm, ptrp, auxv, sizeof auxv, false)))
        return err;

    uint64_t random[2];
    random_bytes(random, sizeof random);
    if ((err = put_bytes(mm, random_at, random, sizeof random, false)) ||
        (err = put_bytes(mm, platform_at, platform, sizeof platform, false)) ||
        (err = put_bytes(mm, execfn_at, path, path_len, false)))
        return err;
    im->sp = sp;
    return 0;
}

/* --- the point of no return --------------------------------------------------- */

static void reset_signals(struct proc *p)
{
    /* Handlers are gone with the old program; ignored signals stay ignored. */
    for (int i = 0; i < NSIG; i++)
        if (p->sigactions[i].handler != SIG_IGN)
            memset(&p->sigactions[i], 0, sizeof p->sigactions[i]);
}

static void set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    strlcpy(p->name, base, sizeof p->name);
}

static void commit(struct proc *p, struct image *im, const char *path)
{
    struct mm *old = p->mm;
    p->mm = im->mm;
    im->mm = 0;
    mm_activate(p->mm);
    /* As Linux, whatever exit signal clone gave us, the new program's parent gets
     * SIGCHLD (and a plain wait4 sees it). Before close-on-exec, whose EOF on a pipe
     * may tell the parent that we exec'd. */
    acquire(&ptable_lock); /* exit and wait4 read it under the lock */
    p->exit_signal = SIGCHLD;
    release(&ptable_lock);

    /* LAB execve: BEGIN */
    files_close_cloexec(p);
    /* LAB execve: STUB
LAB execve: END */
    reset_signals(p);
    set_name(p, path);
    p->fs_base = 0;
    wrmsr(MSR_FS_BASE, 0);
    p->clear_child_tid = 0;
    fpu_reset(p);

    /* A fresh register state: only rip, rsp and rflags (interrupts on) are set. */
    struct trapframe *tf = p->tf;
    memset(tf, 0, sizeof *tf);
    tf->rip = im->entry;
    tf->rsp = im->sp;
    tf->rflags = RFLAGS_IF;
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    tf->trapno = T_SYSCALL;

    /* LAB execve: BEGIN */
    acquire(&ptable_lock);
    vfork_release(p); /* the parent may run again: we no longer use its memory */
    release(&ptable_lock);
    /* LAB execve: STUB
LAB execve: END */

    if (old)
        mm_put(old); /* freed unless a vfork parent still holds it */
}

static void image_free(struct image *im)
{
    if (im->mm)
        mm_put(im->mm);
    if (im->ip)
        inode_put(im->ip);
}

/* Run the program at path in the current process. 0 on success (the caller then
 * returns to user mode in the new program), or -errno with nothing changed. */
static long do_execve(const char *path, struct strings *argv, struct strings *envp)
{
    struct proc *p = myproc();
    struct image im = {0};
    im.ip = namei(path, p->cwd);
    if (IS_ERR(im.ip))
        return PTR_ERR(im.ip);
    long err = check_file(im.ip);
    /* As Linux: the arguments are copied (EFAULT, E2BIG) before the file's format is
     * looked at (ENOEXEC). */
    if (!err)
        err = measure_args(path, argv, envp);
    if (!err)
        err = read_headers(&im);
    if (!err)
        err = load_segments(&im);
    if (!err)
        err = build_stack(&im, path, argv, envp);
    if (!err)
        commit(p, &im, path);
    if (!err && im.bad_segment) {
        acquire(&ptable_lock); /* where kill() sets it */
        if (!p->killed)
            p->killed = SIGSEGV; /* forced, whatever the signal's disposition */
        release(&ptable_lock);
    }
    image_free(&im);
    return err;
}

long sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp, uint64_t a3, uint64_t a4,
                uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    char *path = kalloc_nozero(); /* PATH_MAX bytes: too big for the kernel stack */
    if (!path)
        return -ENOMEM;
    long err = strncpy_from_user(path, upath, PATH_MAX, ENAMETOOLONG);
    if (err >= 0) {
        struct strings argv = {.kernel = false, .ptrs = uargv};
        struct strings envp = {.kernel = false, .ptrs = uenvp};
        err = err == 0 ? -ENOENT : do_execve(path, &argv, &envp);
    }
    kfree(path);
    return err;
}

/* For the first process, whose arguments are in kernel memory. */
long kernel_execve(const char *path, char **argv, char **envp)
{
    struct strings a = {.kernel = true, .ptrs = (uint64_t)argv};
    struct strings e = {.kernel = true, .ptrs = (uint64_t)envp};
    return do_execve(path, &a, &e);
}
