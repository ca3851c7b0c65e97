/* mkelf: writes the hostile ELF corpus for execve's robustness tests: a small valid
 * program, and one file per way a program file can be wrong, each made by changing
 * one thing in the valid one. Usage: mkelf OUTDIR (the directory is created). */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The valid program: two segments, code at TEXT_VADDR (read+execute, the first page
 * of the file) and data at DATA_VADDR (read+write, the second page, plus bss). */
#define TEXT_VADDR 0x400000UL
#define DATA_VADDR 0x401000UL
#define CODE_OFF   0x800UL /* the code's place in the file (and in the text page) */
#define FILE_SIZE  0x2000UL
#define BSS_SIZE   0x2000UL
#define BUF_MAX    0x20000UL

/* exit(42) */
static const unsigned char exit42[] = {
    0xb8, 0x3c, 0x00, 0x00, 0x00, /* mov $60, %eax */
    0xbf, 0x2a, 0x00, 0x00, 0x00, /* mov $42, %edi */
    0x0f, 0x05,                   /* syscall */
};

/* A program file being built. eh and ph point into buf. */
struct prog {
    unsigned char buf[BUF_MAX];
    size_t size;
    mode_t mode;
    Elf64_Ehdr *eh;
    Elf64_Phdr *ph; /* the table at e_phoff (set by valid_program) */
};

static void valid_program(struct prog *p)
{
    memset(p, 0, sizeof *p);
    p->size = FILE_SIZE;
    p->mode = 0755;
    p->eh = (Elf64_Ehdr *)p->buf;
    p->ph = (Elf64_Phdr *)(p->buf + sizeof(Elf64_Ehdr));
    Elf64_Ehdr *eh = p->eh;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = TEXT_VADDR + CODE_OFF;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 2;
    p->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                            .p_flags = PF_R | PF_X,
                            .p_offset = 0,
                            .p_vaddr = TEXT_VADDR,
                            .p_paddr = TEXT_VADDR,
                            .p_filesz = 0x1000,
                            .p_memsz = 0x1000,
                            .p_align = 0x1000};
    p->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                            .p_flags = PF_R | PF_W,
                            .p_offset = 0x1000,
                            .p_vaddr = DATA_VADDR,
                            .p_paddr = DATA_VADDR,
                            .p_filesz = 0x1000,
                            .p_memsz = 0x1000 + BSS_SIZE,
                            .p_align = 0x1000};
    memcpy(p->buf + CODE_OFF, exit42, sizeof exit42);
}

/* Add a program header after the existing ones (the table has room for 35). */
static Elf64_Phdr *add_phdr(struct prog *p, Elf64_Phdr ph)
{
    Elf64_Phdr *new = &p->ph[p->eh->e_phnum++];
    *new = ph;
    return new;
}

/* A PT_INTERP naming `path` (its NUL included unless `terminated` is false), with
 * the string at file offset 0x900 (in the text page, after the code). */
static void add_interp(struct prog *p, const char *path, int terminated)
{
    size_t len = strlen(path) + (terminated ? 1 : 0);
    memcpy(p->buf + 0x900, path, strlen(path));
    add_phdr(p, (Elf64_Phdr){.p_type = PT_INTERP,
                             .p_flags = PF_R,
                             .p_offset = 0x900,
                             .p_vaddr = TEXT_VADDR + 0x900,
                             .p_filesz = len,
                             .p_memsz = len,
                             .p_align = 1});
}

/* --- the cases: each changes the valid program in one way --------------------------- */

static void c_valid(struct prog *p)
{
    (void)p;
}

static void c_valid_dyn(struct prog *p) /* position independent: loaded anywhere */
{
    p->eh->e_type = ET_DYN;
    p->eh->e_entry -= TEXT_VADDR;
    p->ph[0].p_vaddr -= TEXT_VADDR;
    p->ph[1].p_vaddr -= TEXT_VADDR;
}

static void c_empty(struct prog *p)
{
    p->size = 0;
}

static void c_truncated_magic(struct prog *p)
{
    p->size = SELFMAG;
}

static void c_truncated_header(struct prog *p)
{
    p->size = 40;
}

static void c_bad_magic(struct prog *p)
{
    p->eh->e_ident[EI_MAG3] = 'G';
}

static void c_class32(struct prog *p)
{
    p->eh->e_ident[EI_CLASS] = ELFCLASS32;
}

static void c_class_none(struct prog *p)
{
    p->eh->e_ident[EI_CLASS] = ELFCLASSNONE;
}

static void c_big_endian(struct prog *p)
{
    p->eh->e_ident[EI_DATA] = ELFDATA2MSB;
}

static void c_version0(struct prog *p)
{
    p->eh->e_version = 0;
    p->eh->e_ident[EI_VERSION] = 0;
}

static void c_machine_i386(struct prog *p)
{
    p->eh->e_machine = EM_386;
}

static void c_machine_aarch64(struct prog *p)
{
    p->eh->e_machine = EM_AARCH64;
}

static void c_type_none(struct prog *p)
{
    p->eh->e_type = ET_NONE;
}

static void c_type_rel(struct prog *p)
{
    p->eh->e_type = ET_REL;
}

static void c_type_core(struct prog *p)
{
    p->eh->e_type = ET_CORE;
}

static void c_phoff_past_end(struct prog *p)
{
    p->eh->e_phoff = 0x100000;
}

static void c_phoff_straddles_end(struct prog *p)
{
    p->eh->e_phoff = FILE_SIZE - sizeof(Elf64_Phdr);
}

static void c_phoff_huge(struct prog *p) /* a negative file offset */
{
    p->eh->e_phoff = 0xffffffffffff0000UL;
}

static void c_phentsize_small(struct prog *p)
{
    p->eh->e_phentsize = 32;
}

static void c_phentsize_zero(struct prog *p)
{
    p->eh->e_phentsize = 0;
}

static void c_phnum_zero(struct prog *p)
{
    p->eh->e_phnum = 0;
}

static void c_phnum_max(struct prog *p) /* 0xffff headers: a 3.5 MiB table */
{
    p->eh->e_phnum = 0xffff;
}

/* Many headers, all readable: Linux accepts a table of up to 64 KiB (1170 entries).
 * The table moves to the end of the file; the extra entries are PT_NULL. */
static void many_phdrs(struct prog *p, int n)
{
    Elf64_Phdr *table = (Elf64_Phdr *)(p->buf + FILE_SIZE);
    memset(table, 0, n * sizeof *table);
    memcpy(table, p->ph, 2 * sizeof *table);
    p->eh->e_phoff = FILE_SIZE;
    p->eh->e_phnum = n;
    p->size = FILE_SIZE + n * sizeof *table;
}

static void c_phnum_100(struct prog *p)
{
    many_phdrs(p, 100);
}

static void c_phnum_1170(struct prog *p) /* the largest table Linux reads */
{
    many_phdrs(p, 1170);
}

static void c_phnum_1171(struct prog *p) /* one more than that */
{
    many_phdrs(p, 1171);
}

static void c_no_load_segment(struct prog *p)
{
    p->ph[0].p_type = PT_NULL;
    p->ph[1].p_type = PT_NOTE;
}

static void c_filesz_gt_memsz(struct prog *p)
{
    p->ph[1].p_filesz = 0x1000;
    p->ph[1].p_memsz = 0x800;
}

static void c_offset_vaddr_misaligned(struct prog *p)
{
    p->ph[1].p_offset = 0x1010;
    p->ph[1].p_filesz = 0xff0;
}

/* The data segment's file bytes lie past the end of the file; nothing reads them. */
static void c_data_offset_past_end(struct prog *p)
{
    p->ph[1].p_offset = 0x100000;
}

/* The code segment's file bytes lie past the end of the file. */
static void c_text_offset_past_end(struct prog *p)
{
    p->ph[0].p_offset = 0x100000;
}

static void c_offset_huge(struct prog *p) /* a negative file offset, page-aligned */
{
    p->ph[1].p_offset = 0xfffffffffff00000UL;
}

static void c_filesz_past_end(struct prog *p) /* the file ends inside the segment */
{
    p->ph[1].p_filesz = 0x3000;
    p->ph[1].p_memsz = 0x3000;
}

/* A read-only segment on top of the code page; the code stays executable. */
static void c_overlap_same_page(struct prog *p)
{
    add_phdr(p, (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_X,
                             .p_offset = 0,
                             .p_vaddr = TEXT_VADDR,
                             .p_filesz = 0x800,
                             .p_memsz = 0x800,
                             .p_align = 0x1000});
}

/* The data segment overlaps the code page from below (segments out of order). */
static void c_overlap_unsorted(struct prog *p)
{
    p->ph[1].p_vaddr = TEXT_VADDR - 0x1000;
    p->ph[1].p_memsz = 0x1800;
    p->ph[1].p_filesz = 0x1000;
}

static void c_segment_kernel_half(struct prog *p)
{
    p->ph[1].p_vaddr = 0xffff800000001000UL;
}

static void c_segment_kernel_text(struct prog *p)
{
    p->ph[1].p_vaddr = 0xffffffff80101000UL;
}

static void c_segment_noncanonical(struct prog *p)
{
    p->ph[1].p_vaddr = 0x0000800000001000UL;
}

static void c_segment_wraps(struct prog *p)
{
    p->ph[1].p_vaddr = 0xfffffffffffff000UL;
    p->ph[1].p_memsz = 0x3000;
}

static void
c_segment_low(struct prog *p) /* the lowest address every Linux lets root map */
{
    p->ph[1].p_vaddr = 0x10000;
}

static void c_segment_ends_at_user_top(struct prog *p) /* Linux: TASK_SIZE - 1 page */
{
    p->ph[1].p_vaddr = 0x7fffffffd000UL;
}

static void c_memsz_huge(struct prog *p) /* more than all of user space */
{
    p->ph[1].p_memsz = 0x800000000000UL;
}

static void c_memsz_max(struct prog *p)
{
    p->ph[1].p_memsz = ~0UL;
}

static void c_entry_zero(struct prog *p)
{
    p->eh->e_entry = 0;
}

static void c_entry_unmapped(struct prog *p)
{
    p->eh->e_entry = 0x10000000;
}

static void c_entry_in_data(struct prog *p) /* mapped, but not executable */
{
    p->eh->e_entry = DATA_VADDR;
}

static void c_entry_kernel_half(struct prog *p)
{
    p->eh->e_entry = 0xffffffff80100000UL;
}

static void c_entry_noncanonical(struct prog *p)
{
    p->eh->e_entry = 0x0000800000000000UL;
}

static void c_interp_missing(struct prog *p)
{
    add_interp(p, "/nonexistent/ld-lark.so", 1);
}

static void c_interp_unterminated(struct prog *p)
{
    add_interp(p, "/nonexistent/ld-lark.so", 0);
}

static void c_interp_empty(struct prog *p)
{
    add_interp(p, "", 1);
}

static void c_interp_directory(struct prog *p) /* the runner runs in the corpus */
{
    add_interp(p, "dir", 1);
}

static void c_interp_not_executable(struct prog *p)
{
    add_interp(p, "no_exec_bit", 1);
}

static void c_interp_offset_past_end(struct prog *p)
{
    add_interp(p, "/nonexistent/ld-lark.so", 1);
    p->ph[2].p_offset = 0x100000;
}

static void c_interp_offset_huge(struct prog *p) /* a negative file offset */
{
    add_interp(p, "/nonexistent/ld-lark.so", 1);
    p->ph[2].p_offset = 0xffffffffffff0000UL;
}

static void c_interp_too_long(struct prog *p) /* p_filesz over PATH_MAX */
{
    add_interp(p, "/nonexistent/ld-lark.so", 1);
    p->ph[2].p_filesz = 4097;
}

static void c_interp_long_missing(struct prog *p) /* 200 bytes: long, but a valid path */
{
    char path[201];
    memset(path, 'x', sizeof path - 1);
    memcpy(path, "/nonexistent/", 13);
    path[200] = 0;
    add_interp(p, path, 1);
}

static void c_no_exec_bit(struct prog *p)
{
    p->mode = 0644;
}

static void c_exec_bit_other_only(struct prog *p) /* root may run it */
{
    p->mode = 0601;
}

static const struct elfcase {
    const char *name;
    void (*make)(struct prog *);
} cases[] = {
    {"valid", c_valid},
    {"valid_dyn", c_valid_dyn},
    {"empty", c_empty},
    {"truncated_magic", c_truncated_magic},
    {"truncated_header", c_truncated_header},
    {"bad_magic", c_bad_magic},
    {"class32", c_class32},
    {"class_none", c_class_none},
    {"big_endian", c_big_endian},
    {"version0", c_version0},
    {"machine_i386", c_machine_i386},
    {"machine_aarch64", c_machine_aarch64},
    {"type_none", c_type_none},
    {"type_rel", c_type_rel},
    {"type_core", c_type_core},
    {"phoff_past_end", c_phoff_past_end},
    {"phoff_straddles_end", c_phoff_straddles_end},
    {"phoff_huge", c_phoff_huge},
    {"phentsize_small", c_phentsize_small},
    {"phentsize_zero", c_phentsize_zero},
    {"phnum_zero", c_phnum_zero},
    {"phnum_max", c_phnum_max},
    {"phnum_100", c_phnum_100},
    {"phnum_1170", c_phnum_1170},
    {"phnum_1171", c_phnum_1171},
    {"no_load_segment", c_no_load_segment},
    {"filesz_gt_memsz", c_filesz_gt_memsz},
    {"offset_vaddr_misaligned", c_offset_vaddr_misaligned},
    {"data_offset_past_end", c_data_offset_past_end},
    {"text_offset_past_end", c_text_offset_past_end},
    {"offset_huge", c_offset_huge},
    {"filesz_past_end", c_filesz_past_end},
    {"overlap_same_page", c_overlap_same_page},
    {"overlap_unsorted", c_overlap_unsorted},
    {"segment_kernel_half", c_segment_kernel_half},
    {"segment_kernel_text", c_segment_kernel_text},
    {"segment_noncanonical", c_segment_noncanonical},
    {"segment_wraps", c_segment_wraps},
    {"segment_low", c_segment_low},
    {"segment_ends_at_user_top", c_segment_ends_at_user_top},
    {"memsz_huge", c_memsz_huge},
    {"memsz_max", c_memsz_max},
    {"entry_zero", c_entry_zero},
    {"entry_unmapped", c_entry_unmapped},
    {"entry_in_data", c_entry_in_data},
    {"entry_kernel_half", c_entry_kernel_half},
    {"entry_noncanonical", c_entry_noncanonical},
    {"interp_missing", c_interp_missing},
    {"interp_unterminated", c_interp_unterminated},
    {"interp_empty", c_interp_empty},
    {"interp_directory", c_interp_directory},
    {"interp_not_executable", c_interp_not_executable},
    {"interp_offset_past_end", c_interp_offset_past_end},
    {"interp_offset_huge", c_interp_offset_huge},
    {"interp_too_long", c_interp_too_long},
    {"interp_long_missing", c_interp_long_missing},
    {"no_exec_bit", c_no_exec_bit},
    {"exec_bit_other_only", c_exec_bit_other_only},
};

static void die(const char *what)
{
    fprintf(stderr, "mkelf: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_case(const char *dir, const struct elfcase *c)
{
    static struct prog p;
    char path[4096];
    valid_program(&p);
    c->make(&p);
    snprintf(path, sizeof path, "%s/%s", dir, c->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p.buf, 1, p.size, f) != p.size || fclose(f) != 0)
        die(path);
    if (chmod(path, p.mode) != 0) /* not fopen's mode: the umask must not matter */
        die(path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkelf OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    char sub[4096];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die(dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        write_case(dir, &cases[i]);
    /* Not regular files: a directory. (An empty file is the case "empty".) */
    snprintf(sub, sizeof sub, "%s/dir", dir);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST)
        die(sub);
    return 0;
}
