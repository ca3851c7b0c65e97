/* mkfs: the host tool that writes lark's root filesystem image (format in
 * kernel/fsimage.h) from host files, and lists and checks an existing image.
 * Run it with no arguments for usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../kernel/fsimage.h"

/* The image's integers are little-endian; we write and read them in host order. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkfs assumes a little-endian host"
#endif

/* One entry of the image being built. */
struct node {
    char path[FSIMG_PATHMAX];
    uint32_t mode;      /* S_IFREG or S_IFDIR plus permission bits */
    const char *host;   /* host file to copy, or NULL for a directory */
    const char *target; /* the command-line target that made this node */
    int explicit;       /* named on the command line (not an implicit parent) */
    uint64_t offset, size;
    dev_t dev; /* the host file's identity, to refuse writing over it */
    ino_t ino;
};

static struct node *nodes;
static size_t nnodes;
static const char *partial_output; /* removed if we die while writing it */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mkfs OUT.img SPEC...   write an image\n"
            "       mkfs -l IMG            list and check an image\n"
            "SPEC is one of:\n"
            "  HOSTFILE=/target/path   a copy of a host file, with its permission bits\n"
            "  -d /target/dir          an empty directory (mode 0755)\n"
            "Parent directories are created as needed (mode 0755). Targets must be\n"
            "normalized: absolute, no repeated or trailing '/', no '.' or '..'. A\n"
            "SPEC is split at its last '=', so a file's target cannot contain '='.\n"
            "The kernel makes /tmp, /dev and /proc: nothing can go in or over them\n"
            "(-d /tmp and the like are allowed: an empty directory changes nothing).\n");
}

/* Print "mkfs: what: message" and exit 1, removing any half-written output. */
static void die(const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mkfs: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (partial_output)
        unlink(partial_output);
    exit(1);
}

static void usage_error(const char *what, const char *why)
{
    fprintf(stderr, "mkfs: %s: %s\n", what, why);
    usage(stderr);
    exit(1);
}

/* Where byte c sorts in a path: the end first, then '/', then every other byte. */
static int path_rank(char c)
{
    if (c == '\0')
        return 0;
    return c == '/' ? 1 : (unsigned char)c + 1;
}

/* The image's path order. Ranking '/' first puts a directory's whole subtree
 * right after it ("/a", "/a/b", "/a-b"), so parents always come first. */
static int path_cmp(const char *a, const char *b)
{
    for (; *a && *a == *b; a++, b++)
        ;
    return path_rank(*a) - path_rank(*b);
}

static int node_cmp(const void *a, const void *b)
{
    return path_cmp(((const struct node *)a)->path, ((const struct node *)b)->path);
}

/* The messages below spell out the limits. */
_Static_assert(FSIMG_PATHMAX == 128 && FSIMG_NAMEMAX == 63, "update path_problem");

/* Why path is not a valid image path, or NULL if it is. */
static const char *path_problem(const char *path)
{
    if (strlen(path) > FSIMG_PATHMAX - 1)
        return "path longer than 127 bytes";
    if (path[0] != '/')
        return "path is not absolute";
    if (path[1] == '\0')
        return "path is the root directory, which always exists";
    for (const char *p = path + 1;;) {
        size_t len = strcspn(p, "/");
        if (len == 0)
            return "empty path component (repeated or trailing '/')";
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return "'.' or '..' path component";
        if (len > FSIMG_NAMEMAX)
            return "path component longer than 63 bytes";
        if (p[len] == '\0')
            return NULL;
        p += len + 1;
    }
}

/* The kernel makes /tmp (in memory), /dev and /proc at boot, and ignores what an
 * image puts in or over them: an image may hold them only as empty directories.
 * Why path (a directory if is_dir) may not be in an image, or NULL. */
static const char *kernel_dir_problem(const char *path, int is_dir)
{
    static const char *const kernel_dirs[] = {"/tmp", "/dev", "/proc"};
    static char why[96];
    for (size_t i = 0; i < sizeof kernel_dirs / sizeof kernel_dirs[0]; i++) {
        const char *d = kernel_dirs[i];
        size_t len = strlen(d);
        if (strncmp(path, d, len) != 0 || (path[len] != '/' && path[len] != '\0'))
            continue;
        if (path[len] == '\0' && is_dir)
            return NULL;
        snprintf(why, sizeof why,
                 "the kernel makes %s at boot: an image may only hold it as an empty "
                 "directory",
                 d);
        return why;
    }
    return NULL;
}

static void add_node(const char *path, size_t len, uint32_t mode, const char *host,
                     const char *target, int explicit)
{
    static size_t cap;
    if (nnodes == cap) {
        cap = cap ? 2 * cap : 64;
        nodes = realloc(nodes, cap * sizeof *nodes);
        if (!nodes)
            die(target, "out of memory");
    }
    struct node *n = &nodes[nnodes++];
    memset(n, 0, sizeof *n);
    memcpy(n->path, path, len); /* len < FSIMG_PATHMAX: checked by path_problem */
    n->mode = mode;
    n->host = host;
    n->target = target;
    n->explicit = explicit;
}

static void add_dir_spec(const char *target)
{
    const char *why = path_problem(target);
    if (!why)
        why = kernel_dir_problem(target, 1);
    if (why)
        die(target, "%s", why);
    add_node(target, strlen(target), S_IFDIR | 0755, NULL, target, 1);
}

/* HOSTFILE=/target: check both halves now, so that errors come before any output. */
static void add_file_spec(const char *spec)
{
    const char *eq = strrchr(spec, '=');
    if (!eq)
        usage_error(spec, "expected HOSTFILE=/target/path or -d /target/dir");
    if (eq == spec)
        usage_error(spec, "empty host file name");
    const char *target = eq + 1;
    char *host = strndup(spec, eq - spec);
    struct stat st;
    if (stat(host, &st) < 0)
        die(host, "%s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        die(host, "is a directory (use -d /target/dir for a directory)");
    if (!S_ISREG(st.st_mode))
        die(host, "not a regular file");
    int fd = open(host, O_RDONLY);
    if (fd < 0)
        die(host, "%s", strerror(errno));
    close(fd);
    const char *why = path_problem(target);
    if (!why)
        why = kernel_dir_problem(target, 0);
    if (why)
        die(target, "%s", why);
    add_node(target, strlen(target), S_IFREG | (st.st_mode & 0777), host, target, 1);
    nodes[nnodes - 1].size = st.st_size;
    nodes[nnodes - 1].dev = st.st_dev;
    nodes[nnodes - 1].ino = st.st_ino;
}

/* Add an implicit directory for every proper prefix of every target. */
static void add_parents(void)
{
    size_t n = nnodes;
    for (size_t i = 0; i < n; i++) {
        const char *t = nodes[i].target;
        for (const char *slash = strchr(t + 1, '/'); slash;
             slash = strchr(slash + 1, '/'))
            add_node(t, slash - t, S_IFDIR | 0755, NULL, t, 0);
    }
}

/* Sort, then fold each run of nodes with the same path into one: a directory may be
 * both named and implied, but a path named twice, or a file that is also some
 * target's parent, is an error. */
static void sort_and_merge(void)
{
    qsort(nodes, nnodes, sizeof *nodes, node_cmp);
    size_t out = 0;
    for (size_t i = 0, end; i < nnodes; i = end) {
        int named = 0, file = 0;
        const char *child = NULL; /* a target that needs this path as a directory */
        const char *path = nodes[i].path;
        for (end = i; end < nnodes && strcmp(nodes[end].path, path) == 0; end++) {
            named += nodes[end].explicit;
            file |= nodes[end].host != NULL;
            if (!nodes[end].explicit)
                child = nodes[end].target;
        }
        if (named > 1)
            die(path, "duplicate target path");
        if (file && child)
            die(path, "target is a file, but %s needs it as a directory", child);
        nodes[out++] = nodes[i]; /* the run's only file, or a directory */
    }
    nnodes = out;
}

static uint64_t align_up(uint64_t x)
{
    return (x + FSIMG_ALIGN - 1) / FSIMG_ALIGN * FSIMG_ALIGN;
}

/* Give each file an aligned data offset; return the total image size. */
static uint64_t layout(void)
{
    uint64_t end = sizeof(struct fsimg_super) + nnodes * sizeof(struct fsimg_entry);
    for (size_t i = 0; i < nnodes; i++) {
        if (!nodes[i].host)
            continue;
        nodes[i].offset = align_up(end);
        end = nodes[i].offset + nodes[i].size;
    }
    return end;
}

static void write_all(int fd, const void *buf, size_t len, uint64_t off, const char *out)
{
    ssize_t n = pwrite(fd, buf, len, off);
    if (n < 0 || (size_t)n != len)
        die(out, "write failed: %s", n < 0 ? strerror(errno) : "short write");
}

static void copy_file(int out_fd, const char *out, const struct node *n)
{
    static char buf[65536];
    int fd = open(n->host, O_RDONLY);
    if (fd < 0)
        die(n->host, "%s", strerror(errno));
    uint64_t done = 0;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0 && done + got <= n->size) {
        write_all(out_fd, buf, got, n->offset + done, out);
        done += got;
    }
    if (got < 0)
        die(n->host, "%s", strerror(errno));
    if (got > 0 || done != n->size)
        die(n->host, "file changed size while mkfs was reading it");
    close(fd);
}

static void write_image(const char *out)
{
    uint64_t total = layout();
    size_t table = sizeof(struct fsimg_super) + nnodes * sizeof(struct fsimg_entry);
    char *buf = calloc(1, table);
    if (!buf)
        die(out, "out of memory");
    struct fsimg_super *sb = (struct fsimg_super *)buf;
    memcpy(sb->magic, FSIMG_MAGIC, sizeof sb->magic);
    sb->nentries = nnodes;
    sb->size = total;
    struct fsimg_entry *e = (struct fsimg_entry *)(sb + 1);
    for (size_t i = 0; i < nnodes; i++) {
        memcpy(e[i].path, nodes[i].path, sizeof e[i].path);
        e[i].mode = nodes[i].mode;
        e[i].offset = nodes[i].offset;
        e[i].size = nodes[i].size;
    }

    /* Only a regular file may be truncated, and removed if writing fails. */
    struct stat st;
    int fd = open(out, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || fstat(fd, &st) < 0)
        die(out, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        die(out, "not a regular file");
    for (size_t i = 0; i < nnodes; i++)
        if (nodes[i].host && nodes[i].dev == st.st_dev && nodes[i].ino == st.st_ino)
            die(out, "is also an input file (%s)", nodes[i].host);
    partial_output = out;
    if (ftruncate(fd, 0) < 0)
        die(out, "%s", strerror(errno));
    write_all(fd, buf, table, 0, out);
    for (size_t i = 0; i < nnodes; i++)
        if (nodes[i].host)
            copy_file(fd, out, &nodes[i]);
    /* Unwritten gaps read as zeros; this also covers a trailing empty file. */
    if (ftruncate(fd, total) < 0 || close(fd) < 0)
        die(out, "%s", strerror(errno));
    partial_output = NULL;
    free(buf);
}

/* Read a whole image file into memory. */
static uint8_t *read_image(const char *name, uint64_t *len)
{
    int fd = open(name, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die(name, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        die(name, "not a regular file");
    uint8_t *img = malloc(st.st_size + 1);
    if (!img)
        die(name, "out of memory");
    ssize_t n = read(fd, img, st.st_size);
    if (n != st.st_size)
        die(name, "read failed");
    close(fd);
    *len = st.st_size;
    return img;
}

/* Is there a directory named like path's parent among the sorted entries e[0..n)? */
static int parent_is_dir(const struct fsimg_entry *e, size_t n, const char *path)
{
    char parent[FSIMG_PATHMAX];
    size_t len = strrchr(path, '/') - path;
    if (len == 0)
        return 1; /* "/" */
    memcpy(parent, path, len);
    parent[len] = '\0';
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = path_cmp(parent, e[mid].path);
        if (c == 0)
            return S_ISDIR(e[mid].mode);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Die with a clear message unless the image is exactly what mkfs would write. */
static void check_image(const char *name, const uint8_t *img, uint64_t len)
{
    const struct fsimg_super *sb = (const struct fsimg_super *)img;
    if (len < sizeof *sb)
        die(name, "truncated: %llu bytes is smaller than the superblock",
            (unsigned long long)len);
    if (memcmp(sb->magic, FSIMG_MAGIC, sizeof sb->magic) != 0)
        die(name, "bad magic (not a lark filesystem image)");
    if (sb->size != len)
        die(name, "%sheader says %llu bytes but the file has %llu",
            len < sb->size ? "truncated: " : "", (unsigned long long)sb->size,
            (unsigned long long)len);
    uint64_t table = sizeof *sb + (uint64_t)sb->nentries * sizeof(struct fsimg_entry);
    if (table > len)
        die(name, "%u entries run past the end of the image", sb->nentries);

    const struct fsimg_entry *e = (const struct fsimg_entry *)(sb + 1);
    for (uint32_t i = 0; i < sb->nentries; i++) {
        const char *path = e[i].path;
        if (!memchr(path, '\0', sizeof e[i].path))
            die(name, "entry %u: path is not NUL-terminated", i);
        const char *why = path_problem(path);
        if (!why)
            why = kernel_dir_problem(path, S_ISDIR(e[i].mode));
        if (why)
            die(name, "entry %u (%s): %s", i, path, why);
        if (i > 0 && path_cmp(e[i - 1].path, path) >= 0)
            die(name, "entry %u (%s): not sorted after %s", i, path, e[i - 1].path);
        if (!parent_is_dir(e, i, path))
            die(name, "entry %u (%s): parent directory is not listed before it", i, path);
        uint32_t type = e[i].mode & S_IFMT;
        if ((type != S_IFREG && type != S_IFDIR) || (e[i].mode & ~(S_IFMT | 0777)))
            die(name, "entry %u (%s): bad mode %o", i, path, e[i].mode);
        if (type == S_IFDIR && (e[i].offset || e[i].size))
            die(name, "entry %u (%s): directory with data", i, path);
        if (type == S_IFREG && (e[i].offset % FSIMG_ALIGN || e[i].offset < table ||
                                e[i].offset > len || e[i].size > len - e[i].offset))
            die(name, "entry %u (%s): data out of range or misaligned", i, path);
    }
}

static void list_image(const char *name)
{
    uint64_t len;
    uint8_t *img = read_image(name, &len);
    check_image(name, img, len);
    const struct fsimg_super *sb = (const struct fsimg_super *)img;
    const struct fsimg_entry *e = (const struct fsimg_entry *)(sb + 1);
    for (uint32_t i = 0; i < sb->nentries; i++) {
        char m[11] = "----------";
        const char *rwx = "rwxrwxrwx";
        if (S_ISDIR(e[i].mode))
            m[0] = 'd';
        for (int b = 0; b < 9; b++)
            if (e[i].mode & (0400 >> b))
                m[b + 1] = rwx[b];
        printf("%s %8llu %s\n", m, (unsigned long long)e[i].size, e[i].path);
    }
    free(img);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "-l") == 0) {
        if (argc != 3)
            usage_error("-l", "expects exactly one image file");
        list_image(argv[2]);
        return 0;
    }
    if (argv[1][0] == '-')
        usage_error(argv[1], "unknown option");
    if (strchr(argv[1], '='))
        usage_error(argv[1], "looks like a SPEC, but the first argument is OUT.img");

    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0) {
            if (++i == argc)
                usage_error("-d", "needs a /target/dir");
            add_dir_spec(argv[i]);
        } else if (argv[i][0] == '-') {
            usage_error(argv[i], "unknown option");
        } else {
            add_file_spec(argv[i]);
        }
    }
    add_parents();
    sort_and_merge();
    write_image(argv[1]);
    return 0;
}
