/* asm-offsets.c: the offsets that assembly uses into C structs. This file is only
 * compiled to assembly; the Makefile turns its "->NAME value" lines into
 * build/kernel/asm-offsets.h, so the .S files and the structs cannot drift apart. */
#include "percpu.h"
#include "proc.h"
#include "trap.h"

#define DEFINE(sym, val)          asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, type, member) DEFINE(sym, offsetof(type, member))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(CPU_SELF, struct cpu, self);
    OFFSET(CPU_KSTACK_TOP, struct cpu, kstack_top);
    OFFSET(CPU_USER_RSP, struct cpu, user_rsp);
    OFFSET(CPU_PROC, struct cpu, proc);

    OFFSET(TF_RAX, struct trapframe, rax);
    OFFSET(TF_RCX, struct trapframe, rcx);
    OFFSET(TF_R11, struct trapframe, r11);
    OFFSET(TF_TRAPNO, struct trapframe, trapno);
    OFFSET(TF_RIP, struct trapframe, rip);
    OFFSET(TF_CS, struct trapframe, cs);
    OFFSET(TF_RFLAGS, struct trapframe, rflags);
    OFFSET(TF_RSP, struct trapframe, rsp);
    OFFSET(TF_SS, struct trapframe, ss);
    DEFINE(TF_SIZE, sizeof(struct trapframe));
}
