/* uaccess.S: the copy loops that touch user memory. Each faulting instruction has a
 * label that uaccess_fixup() (uaccess.c) recognises: a fault there either gets its
 * page filled in and is retried, or makes the routine return -EFAULT. The callers
 * have already checked that the range lies in user space. SMAP: stac/clac open and
 * close the window in which the kernel may touch user pages. */
#define EFAULT 14

.text
/* long uaccess_copy(void *dst, const void *src, size_t n): 0 or -EFAULT. */
.globl uaccess_copy, uaccess_copy_insn
uaccess_copy:
    mov %rdx, %rcx
    call smap_open
uaccess_copy_insn:
    rep movsb
    xor %eax, %eax
    jmp smap_close

/* long uaccess_clear(void *dst, size_t n): 0 or -EFAULT. */
.globl uaccess_clear, uaccess_clear_insn
uaccess_clear:
    mov %rsi, %rcx
    xor %eax, %eax
    call smap_open
uaccess_clear_insn:
    rep stosb
    jmp smap_close

/* long uaccess_strncpy(char *dst, const char *src, size_t max): copies up to and
 * including the NUL; returns the string's length, or max if no NUL in max bytes. */
.globl uaccess_strncpy, uaccess_strncpy_insn
uaccess_strncpy:
    xor %eax, %eax
    call smap_open
1:  cmp %rdx, %rax
    je 2f
uaccess_strncpy_insn:
    movb (%rsi, %rax), %cl
    movb %cl, (%rdi, %rax)
    test %cl, %cl
    jz 2f
    inc %rax
    jmp 1b
2:  jmp smap_close

/* Where uaccess_fixup() sends a copy that faulted for good. */
.globl uaccess_fault
uaccess_fault:
    mov $-EFAULT, %rax
    jmp smap_close

smap_open:
    cmpb $0, smap_enabled(%rip)
    je 1f
    stac
1:  ret

smap_close:
    cmpb $0, smap_enabled(%rip)
    je 1f
    clac
1:  ret

/* long uaccess_strnlen(const char *s, size_t max): the length, or max if no NUL. */
.globl uaccess_strnlen, uaccess_strnlen_insn
uaccess_strnlen:
    xor %eax, %eax
    call smap_open
1:  cmp %rsi, %rax
    je 2f
uaccess_strnlen_insn:
    cmpb $0, (%rdi, %rax)
    je 2f
    inc %rax
    jmp 1b
2:  jmp smap_close
