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
