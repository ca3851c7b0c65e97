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
# Without a toolchain only the goals that need none can run (make deps installs it);
# the others stop here with what to do.
NO_TOOLCHAIN_GOALS := deps help clean distclean handout handin
ifeq ($(TOOLPREFIX),NONE)
ifneq ($(filter-out $(NO_TOOLCHAIN_GOALS),$(or $(MAKECMDGOALS),all)),)
$(error No x86-64 ELF toolchain found. \
On Debian/Ubuntu run 'make deps' (or: sudo apt-get install build-essential qemu-system-x86 musl-tools gdb). \
On macOS run: brew install x86_64-elf-gcc x86_64-elf-binutils qemu filosottile/musl-cross/musl-cross. \
If your toolchain has another prefix, run make TOOLPREFIX=prefix-)
endif
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

# make clean: the build products.  The student trees that make handout wrote
# (handout/) and handin tarballs are kept: make distclean removes them too.
.PHONY: clean distclean
clean:
	rm -rf build grade/out compile_commands.json
	@[ ! -d handout ] || echo "clean: kept handout/ (student trees from make handout); make distclean removes it"

distclean:
	rm -rf build grade/out compile_commands.json handout handin-*.tar.gz

# ---------------------------------------------------------------------------
# The kernel.  Freestanding: no red zone (interrupts push onto the stack), no
# SSE/x87 (user registers stay live in the kernel), the kernel code model (linked
# in the top 2 GiB), frame pointers (for backtraces).
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mcmodel=kernel \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -nostdinc -isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
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

build/kernel/ksyms1.S: build/kernel/lark0.elf kernel/mkksyms.sh
	$(NM) -n $< | sh kernel/mkksyms.sh > $@

build/kernel/lark.elf: build/kernel/lark0.elf build/kernel/ksyms1.S.o
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) build/kernel/ksyms1.S.o
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
build/fs.img: build/mkfs mkfs/mkimage $(UPROGS)
	mkfs/mkimage $@

.DEFAULT_GOAL := all
.PHONY: all
all: build/kernel/lark.elf build/fs.img

# ---------------------------------------------------------------------------
# Running it.  grade/boot runs QEMU: serial console on this terminal, and exits
# with the status the kernel powered off with.
CPUS ?= 2
MEM  ?= 256M

.PHONY: qemu run
qemu: all
	@echo "*** lark on $(CPUS) CPUs; type 'exit' in the shell (or Ctrl-C) to leave"
	@grade/boot -c $(CPUS) -m $(MEM) -- $(APPEND)

# make run PROG=file [ARGS="..."] [EXTRA="files"]: run one static program (grade/run;
# make can only exit 0 or 2, grade/run exits with the program's own status).
run: build/kernel/lark.elf build/mkfs $(UPROGS)
	@test -n "$(PROG)" || { echo "usage: make run PROG=file [ARGS=\"...\"] [EXTRA=\"files\"] [CPUS=n]" >&2; exit 2; }
	@CPUS=$(CPUS) MEM=$(MEM) APPEND="$(APPEND)" grade/run -e "$(EXTRA)" "$(PROG)" $(ARGS)

# The image make run and make qemu-gdb PROG=... boot.
build/run.img: FORCE build/mkfs $(UPROGS)
	@mkfs/mkimage $@ $(PROG) $(EXTRA)

.PHONY: FORCE
FORCE:

# ---------------------------------------------------------------------------
# Set-up.  The Debian/Ubuntu packages the build, QEMU, gdb and the tests need.
# Only the missing ones are installed; if that fails (a stale package list on a new
# machine), apt-get update and once more.  apt's own messages are shown.
DEBIAN_PKGS := build-essential qemu-system-x86 musl-tools gdb shellcheck jq \
	libxml2-utils cpio zip unzip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: deps
deps:
	@if command -v apt-get >/dev/null 2>&1; then \
		missing=""; \
		for p in $(DEBIAN_PKGS); do \
			dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
		done; \
		if [ -z "$$missing" ]; then echo "deps: installed already: $(DEBIAN_PKGS)"; exit 0; fi; \
		echo "$(if $(SUDO),$(SUDO) )apt-get install -y$$missing"; \
		$(APT) install -y -q --no-install-recommends $$missing || { \
			echo "deps: apt-get install failed; running apt-get update, then trying again"; \
			$(APT) update -q && \
			$(APT) install -y -q --no-install-recommends $$missing; } || { \
			echo "deps: could not install:$$missing (see apt-get's messages above)" >&2; exit 1; }; \
	elif [ "$$(uname -s)" = Darwin ]; then \
		echo "On macOS, run:"; \
		echo "  brew install x86_64-elf-gcc x86_64-elf-binutils x86_64-elf-gdb qemu shellcheck jq"; \
		echo "  brew install filosottile/musl-cross/musl-cross"; \
	else \
		echo "Install: a gcc and binutils for x86_64 ELF, qemu-system-x86_64, musl-gcc, gdb"; \
		exit 1; \
	fi

# ---------------------------------------------------------------------------
# Debugging.  Each user gets their own gdb port (as in xv6), derived from the uid.
GDBPORT := $(shell expr `id -u` % 5000 + 25000)

# With PROG=file, debug that program as `make run` would run it.
ifneq ($(PROG),)
GDB_IMAGE := build/run.img
GDB_CMDLINE := quiet $(APPEND) -- /bin/$(notdir $(PROG)) $(ARGS)
else
GDB_IMAGE := build/fs.img
GDB_CMDLINE := $(APPEND)
endif

.PHONY: qemu-gdb gdb
qemu-gdb: all $(if $(PROG),build/run.img)
	@if { ss -ltn 2>/dev/null || netstat -an 2>/dev/null | grep LISTEN; } \
		| grep -Eq "[:.]$(GDBPORT)([[:space:]]|$$)"; then \
		echo "gdb port $(GDBPORT) is already in use: is another 'make qemu-gdb' running?" >&2; exit 1; fi
	@echo "build/gdb-connect.gdb: target remote localhost:$(GDBPORT)"
	@echo "target remote localhost:$(GDBPORT)" > build/gdb-connect.gdb
	@echo "*** Now run 'make gdb' in another window (QEMU waits for it on port $(GDBPORT))."
	@grade/boot -c $(CPUS) -m $(MEM) -i $(GDB_IMAGE) -g $(GDBPORT) -- $(GDB_CMDLINE)

# gdb with the repository's .gdbinit allowed (it loads symbols and connects).
gdb:
	$(GDB) -q -iex "add-auto-load-safe-path $(CURDIR)/.gdbinit"

# ---------------------------------------------------------------------------
# Tests.
.PHONY: check check-host
check: all
	@grade/check

check-host: $(UPROGS)
	@grade/check host

# ---------------------------------------------------------------------------
# For editors: compile_commands.json (clangd) from the same flags as the build, for
# every C and assembler file there is now (so it is remade each time: .PHONY).
CCJ_KFLAGS := $(filter-out -MMD -MP,$(KCFLAGS))
# ccj_entries COMPILER FLAGS FILES: one JSON object per file, each line after the
# first starting with a comma.
ccj_entries = for f in $(3); do \
	    printf '%s{"directory": "%s", "file": "%s", "command": "%s %s -c %s"}\n' \
	      "$$sep" "$(CURDIR)" "$$f" "$(1)" "$(2)" "$$f"; sep=','; done

.PHONY: compile_commands.json
compile_commands.json: build/kernel/asm-offsets.h
	@{ echo '['; sep=''; \
	  $(call ccj_entries,$(CC),$(CCJ_KFLAGS),$(wildcard kernel/*.c kernel/*.S)); \
	  $(call ccj_entries,$(MUSLCC),$(UCFLAGS),$(wildcard user/*.c grade/*.c)); \
	  $(call ccj_entries,$(HOSTCC),$(HOSTCFLAGS),$(wildcard mkfs/*.c bench/*.c)); \
	  echo ']'; } > $@
	@echo "wrote $@ ($$(grep -c '"file"' $@) files)"

.PHONY: format
format:
	clang-format -i kernel/*.c kernel/*.h user/*.c user/*.h mkfs/*.c bench/*.c grade/*.c

# The reference repository has the staff-only files (grade/staff-only); a student
# tree from make handout does not, and its make help leaves the staff targets out.
STAFF_TREE := $(wildcard grade/checks/labs.sh)

.PHONY: help staff-only
help:
	@echo "lark: a small SMP x86-64 teaching kernel"
	@echo
	@echo "  make                  build the kernel, user programs and build/fs.img"
	@echo "  make qemu             boot to the shell on this terminal"
	@echo "  make run PROG=file [ARGS=\"...\"] [EXTRA=\"files\"]"
	@echo "                        run one static program as the only program; exit with its status"
	@echo "  make qemu-gdb [PROG=file]   boot, waiting for gdb on port $(GDBPORT)"
	@echo "  make gdb              gdb, connected to make qemu-gdb"
	@echo "  make grade [LAB=name] [TEST=name]   grade the labs"
	@echo "  make handin           a tarball of this tree for submission"
	@echo "  make check            every test (what CI runs)"
	@echo "  make check-host       the user test programs, on this Linux host"
	@echo "  make bench            performance figures (make bench-linux: beside Linux)"
	@echo "  make fuzz [SEED=n] [COUNT=n]   a long system call fuzzing run"
	@echo "  make deps             install the packages (Debian/Ubuntu; macOS: prints the commands)"
	@echo "  make compile_commands.json   for clangd"
	@echo "  make clean            the build products (make distclean: also handout/ and handin tarballs)"
ifneq ($(STAFF_TREE),)
	@echo
	@echo "Course staff (this reference repository):"
	@echo "  make handout LAB=name write the student tree for a lab (LAB=all: every lab stubbed)"
	@echo "  make check-handouts   every lab's tests fail on its handout and typical mistakes"
	@echo "  make autograder-zip [LAB=name]   the Gradescope autograder"
	@echo "  grade/grade-submission [-l LAB] DIR|TARBALL   grade a submission as the autograder does"
endif
	@echo
	@echo "Variables: CPUS=n (default 2), MEM=size (default 256M), TOOLPREFIX=prefix-,"
	@echo "  APPEND=\"kernel command line words\", QEMU=path"

# staff-only: a prerequisite of the course staff's targets, which need the reference
# repository (its solutions, typical mistakes and self-checks).
staff-only:
	@[ -n "$(STAFF_TREE)" ] || { echo "make $(MAKECMDGOALS): for course staff, in the reference repository (not in a student tree)" >&2; exit 2; }

# ---------------------------------------------------------------------------
# Grading (section maintained with the grader; see grade/README.md).
# make grade [LAB=name] [TEST=name-or-glob]: each test boots its own QEMU; the last
# line is "N passed, N failed".  GRADE_* variables (GRADE_JOBS, GRADE_FORMAT,
# GRADE_PRISTINE, ...) pass through the environment.
.PHONY: grade handin autograder-zip
grade: all
	@LAB="$(LAB)" TEST="$(TEST)" grade/grade

# make handin [LAB=name]: handin-<lab or tree name>.tar.gz of this tree, to submit.
handin:
	@grade/handin $(LAB)

# make autograder-zip [LAB=name]: build/autograder[-LAB].zip for Gradescope.
autograder-zip: staff-only
	@grade/gradescope/build-zip $(LAB)

# ---------------------------------------------------------------------------
# Benchmarks (section maintained with bench/; see bench/bench.sh).
# make bench: user/bench in lark, deterministic (-icount, 1 CPU) and TCG (2 CPUs),
# and the whole-process times of a boot, of QEMU's floor and of make grade.
# make bench-linux: the same beside Debian's cloud Linux kernel in the same QEMU.
build/bench/timeit: bench/timeit.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $<

# QEMU's floor: a flat Multiboot kernel that powers off at its first instruction.
build/bench/floor.bin: bench/floor.S
	@mkdir -p $(@D)
	$(CC) -c -o build/bench/floor.o $<
	$(OBJCOPY) -O binary -j .text build/bench/floor.o $@

.PHONY: bench bench-linux
bench: all build/bench/timeit build/bench/floor.bin
	@QEMU="$(QEMU)" MAKE="$(MAKE)" bench/bench.sh lark

bench-linux: all build/bench/timeit build/bench/floor.bin
	@QEMU="$(QEMU)" MAKE="$(MAKE)" bench/bench.sh linux

# ---------------------------------------------------------------------------
# Robustness (section maintained with grade/checks/robust.sh, issue 8).
# build/elf: the hostile ELF corpus (mkfs/mkelf.c), e.g. to remake the table of
# Linux's answers: build/user/elfrun -p build/elf (see grade/elf.expected).
# make fuzz [SEED=n] [COUNT=n] [CPUS=n]: the system call fuzzer in lark, on 4 CPUs
# unless CPUS is given; a random seed unless SEED is (the seed is printed first).
build/mkelf: mkfs/mkelf.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $<

.PHONY: build/elf
build/elf: build/mkelf
	rm -rf $@
	build/mkelf $@

COUNT ?= 200000
FUZZ_CPUS := $(if $(filter command line environment,$(origin CPUS)),$(CPUS),4)
FUZZ_SECS := $(shell expr $(COUNT) / 500 + 60)

.PHONY: fuzz
fuzz: all
	@grade/boot -x -c $(FUZZ_CPUS) -m $(MEM) -t $(shell expr $(FUZZ_SECS) + 60) -- quiet -- \
		/bin/fuzz $(if $(SEED),-s $(SEED)) -n $(COUNT) -t $(FUZZ_SECS)

# ---------------------------------------------------------------------------
# Labs (section maintained with grade/handout and grade/checks/labs.sh, issue 6).
# make handout LAB=name [OUT=dir]: the student tree for a lab (default handout/<name>/;
# LAB=all: every lab stubbed),
# with that lab's solutions replaced by their stubs and its grading table filled in.
# make check-handouts [LAB="names"]: each lab's tree builds, boots, fails its own tests
# and passes the others'; the reference gets full marks; every typical mistake in
# grade/mistakes/ fails the tests it names (grade/mistakes/README.md).
.PHONY: handout check-handouts
handout: staff-only
	@test -n "$(LAB)" || { echo "usage: make handout LAB=name [OUT=dir]" >&2; exit 2; }
	@grade/handout $(LAB) $(OUT)

check-handouts: staff-only all
	@CHECK_LABS="$(LAB)" grade/check labs
