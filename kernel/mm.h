/* mm.h: user address spaces. An mm is a page table plus a sorted list of areas
 * (VMAs) saying which addresses are valid and with what protection. Pages inside an
 * area are allocated, zeroed, on the first touch (demand paging). */
#pragma once
#include "spinlock.h"
#include "types.h"
#include "vm.h"

#define MM_MAX_VMAS 96

/* Protection bits, as in mmap(2). */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
/* Not for mmap: an area of pages past the end of a program file (mm_map_sigbus). */
#define PROT_SIGBUS 0x100

/* Pages of a MAP_SHARED anonymous mapping. fork shares them instead of copying;
 * the pages are freed when the last area referring to them goes. One page holds
 * the struct, so a shared mapping has at most SHM_MAX_PAGES pages (about 2 MiB). */
struct shm {
    int refs; /* areas (in any mm) that use it */
    uint64_t npages;
    void *pages[]; /* kernel addresses; NULL until first touched */
};
#define SHM_MAX_PAGES ((4096 - 16) / 8)

struct vma {
    uint64_t start, end; /* [start, end), page-aligned */
    int prot;
    struct shm *shm;    /* MAP_SHARED: its pages; NULL for private memory */
    uint64_t shm_pgoff; /* page of shm that start maps */
};

struct mm {
    pml4_t pml4;
    int refs; /* processes using it: more than one only under CLONE_VM */
    struct vma vmas[MM_MAX_VMAS];
    int nvmas;
    uint64_t brk_start, brk; /* the heap: [brk_start, brk) rounded up to pages */
    uint64_t stack_top;      /* top of the initial stack (execve) */
    int last_cpu;            /* the CPU that last loaded it (mm_activate), or -1 */
};

struct mm *mm_create(void);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);         /* frees it with the last reference */
struct mm *mm_copy(struct mm *src); /* for fork: a private copy of every page */
/* Make mm the address space of this CPU (NULL: kernel only); see mm.c. */
void mm_activate(struct mm *mm);

/* Make [start, start+len) an area with prot; pages come on demand. Replaces any
 * mappings there (MAP_FIXED semantics). 0 or -ENOMEM. */
int mm_map(struct mm *mm, uint64_t start, uint64_t len, int prot);
/* The same for MAP_SHARED | MAP_ANONYMOUS: -ENOMEM above SHM_MAX_PAGES pages. */
int mm_map_shared(struct mm *mm, uint64_t start, uint64_t len, int prot);
/* The same for the pages of a file mapping past the end of the file: no page is
 * ever there, and touching one raises SIGBUS (mm_fault returns -EIO). */
int mm_map_sigbus(struct mm *mm, uint64_t start, uint64_t len, int prot);
int mm_unmap(struct mm *mm, uint64_t start, uint64_t len);
int mm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot);
/* The highest free gap of len bytes below the stack area, or 0 if there is none. */
uint64_t mm_find_gap(struct mm *mm, uint64_t len);
struct vma *mm_find_vma(struct mm *mm, uint64_t addr);

/* A user page fault at addr: allocate the page if the area allows the access.
 * 0 if the access may be retried, -EFAULT if it is a real fault (SIGSEGV), -EIO in
 * an area past the end of a file (SIGBUS). */
int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec);
/* The kernel address of the byte at user address va, allocating its page if needed
 * (exec uses it to fill a new address space that is not yet loaded). NULL if va is
 * outside every area. */
void *mm_kaddr(struct mm *mm, uint64_t va);
/* Map a page of the boot image (physical address pa) at va, in a read-only area:
 * execve maps program text this way instead of copying it. */
int mm_map_image_page(struct mm *mm, uint64_t va, uint64_t pa);
/* Count of pages currently present in user space (for tests and ps). */
uint64_t mm_resident_pages(struct mm *mm);
