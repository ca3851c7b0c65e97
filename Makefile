# Makefile for lark, a small SMP x86-64 teaching kernel.  `make help` lists the targets.
#
# Everything is built under build/:
#   build/kernel/lark.elf   the kernel (Multiboot, loaded by QEMU's -kernel)
#   build/user/<prog>       static musl programs, one per user/<prog>.c
#   build/mkfs              the host tool that writes the root filesystem image
#   build/fs.img            the root filesystem image (a Multiboot module)

# ---------------------------------------------------------------------------
# Toolchain.  As in xv6: a cross x86_64-elf- toolchain if there is one, else the
# native tools when the host is x86-64 Linux.  Override with TOOLPREFIX=...
ifeq ($(origin TOOLPREFIX),undefined)
TOOLPREFIX := $(shell \
	if x86_64-elf-objdump -i 2>&1 | grep -q elf64-x86-64; then echo x86_64-elf-; \
	elif [ "$$(uname -s)-$$(uname -m)" = Linux-x86_64 ] && objdump -i 2>&1 | grep -q elf64-x86-64; then echo; \
	else echo NONE; fi)
endif
ifeq ($(TOOLPREFIX),NONE)
$(error No x86-64 ELF toolchain found. \
On Debian/Ubuntu run 'make deps' (or: sudo apt-get install build-essential qemu-system-x86 musl-tools gdb). \
On macOS run: brew install x86_64-elf-gcc x86_64-elf-binutils qemu filosottile/musl-cross/musl-cross. \
If your toolchain has another prefix, run make TOOLPREFIX=prefix-)
endif

CC      := $(TOOLPREFIX)gcc
LD      := $(TOOLPREFIX)ld
NM      := $(TOOLPREFIX)nm
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
HOSTCC  ?= cc
# User programs are static musl binaries.
MUSLCC  ?= $(shell command -v musl-gcc 2>/dev/null || command -v x86_64-linux-musl-gcc 2>/dev/null || echo musl-gcc)
QEMU    ?= qemu-system-x86_64
GDB     ?= $(shell command -v gdb-multiarch 2>/dev/null || command -v x86_64-elf-gdb 2>/dev/null || echo gdb)

# ---------------------------------------------------------------------------
# User programs: every user/<name>.c is one static program build/user/<name>.
UCFLAGS := -std=gnu11 -static -O2 -g -Wall -Wextra -Werror -Iuser
UPROGS  := $(patsubst user/%.c,build/user/%,$(wildcard user/*.c))
UHDRS   := $(wildcard user/*.h)

build/user/%: user/%.c $(UHDRS)
	@mkdir -p $(@D)
	$(MUSLCC) $(UCFLAGS) -o $@ $<

.PHONY: user
user: $(UPROGS)

# ---------------------------------------------------------------------------
# mkfs, a host program.
HOSTCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror

build/mkfs: mkfs/mkfs.c kernel/fsimage.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ mkfs/mkfs.c

.PHONY: clean
clean:
	rm -rf build handout grade/out compile_commands.json

# ---------------------------------------------------------------------------
# The kernel.  Freestanding: no red zone (interrupts push onto the stack), no
# SSE/x87 (user registers stay live in the kernel), the kernel code model (linked
# in the top 2 GiB), frame pointers (for backtraces).
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mcmodel=kernel \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Ikernel -Ibuild/kernel -MMD -MP
KLDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack -T kernel/kernel.ld

KSRCS := $(filter-out kernel/asm-offsets.c,$(wildcard kernel/*.c)) $(wildcard kernel/*.S)
KOBJS := $(patsubst kernel/%,build/kernel/%.o,$(KSRCS))

build/kernel/%.c.o: kernel/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c -o $@ $<

build/kernel/%.S.o: kernel/%.S build/kernel/asm-offsets.h
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c -o $@ $<

build/kernel/ksyms%.S.o: build/kernel/ksyms%.S
	$(CC) $(KCFLAGS) -c -o $@ $<

# Offsets into C structs for the assembly files (see kernel/asm-offsets.c).
build/kernel/asm-offsets.h: kernel/asm-offsets.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MF build/kernel/asm-offsets.d -MT $@ -S -o $@.s $<
	{ echo '/* Generated from kernel/asm-offsets.c: do not edit. */'; \
	  sed -n 's/.*->\([A-Z_0-9]*\) \([0-9]*\).*/#define \1 \2/p' $@.s; } > $@.tmp
	mv $@.tmp $@

# Two links: the first with an empty symbol table, the second with the table made
# from the first's symbols.  The table comes after all code, so no function moves
# (checked below).  Then check that the file can be loaded as Multiboot says: every
# segment's file offset is 0x1000 + its distance from the link address.
build/kernel/ksyms0.S: kernel/mkksyms.sh
	@mkdir -p $(@D)
	sh kernel/mkksyms.sh < /dev/null > $@

build/kernel/lark0.elf: $(KOBJS) build/kernel/ksyms0.S.o kernel/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) build/kernel/ksyms0.S.o

build/kernel/ksyms.S: build/kernel/lark0.elf kernel/mkksyms.sh
	$(NM) -n $< | sh kernel/mkksyms.sh > $@

build/kernel/lark.elf: build/kernel/lark0.elf build/kernel/ksyms.S.o
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) build/kernel/ksyms.S.o
	$(NM) -n build/kernel/lark0.elf | grep ' [Tt] ' > $@.syms0
	$(NM) -n $@ | grep ' [Tt] ' > $@.syms
	cmp -s $@.syms0 $@.syms || { echo "ksyms: code moved between links"; exit 1; }
	$(OBJDUMP) -p $@ | awk 'function hex(s,  i, v) { v = 0; sub(/^0x/, "", s); \
	    for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; \
	    return v } \
	  /LOAD/ { if (hex($$3) - (hex($$7) - 1048576) != 4096) bad = 1 } \
	  END { if (bad) { print "lark.elf: segments not laid out for Multiboot"; exit 1 } }'

-include $(wildcard build/kernel/*.d)

# ---------------------------------------------------------------------------
# The root filesystem image: every user program in /bin.
build/fs.img: build/mkfs $(UPROGS)
	build/mkfs $@ $(foreach p,$(UPROGS),$(p)=/bin/$(notdir $(p)))

.DEFAULT_GOAL := all
.PHONY: all
all: build/kernel/lark.elf build/fs.img

# ---------------------------------------------------------------------------
# Running it.
CPUS ?= 2
MEM  ?= 256M
QEMUOPTS = -machine pc -cpu max -smp $(CPUS) -m $(MEM) -nodefaults -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel build/kernel/lark.elf -initrd build/fs.img

.PHONY: qemu
qemu: all
	$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio -append "$(APPEND)"
