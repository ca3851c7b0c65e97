#!/bin/sh
# bench.sh: lark's performance figures (make bench) and, with "linux", the same
# figures for Debian's cloud Linux kernel in the same QEMU, side by side (make bench-linux).
#   bench/bench.sh lark|linux
# Environment: QEMU; MAKE; BENCH_RUNS (timed runs per whole-process figure, default 5);
# LINUX_KERNEL (a bzImage to use instead of fetching one); LINUX_CACHE (where the
# fetched package is kept, default ~/.cache/lark).
set -eu
cd "$(dirname "$0")/.."

qemu=${QEMU:-qemu-system-x86_64}
runs=${BENCH_RUNS:-5}
out=build/bench
timeit=$out/timeit
lark=build/kernel/lark.elf
image=build/fs.img
# The benchmarks, in the order user/bench runs them.
names="getpid spawn vfork pipe execve"

# --- one boot --------------------------------------------------------------------

# bench.sh qemu KERNEL INITRD CPUS det|tcg LOG APPEND: one boot, serial output to LOG.
# The machine is grade/boot's, for lark, Linux and the floor alike. "det" adds
# grade/boot -I's -icount (one instruction = one tick of rdtsc) and fixes QEMU's two
# other inputs from the host, RDRAND (-seed) and the clock (-rtc), so that Linux too
# gives the same figures every run. Lark and the floor power off through
# isa-debug-exit (QEMU exits 1 for status 0); Linux through ACPI (QEMU exits 0).
if [ "${1:-}" = qemu ]; then
    det=""
    [ "$5" = det ] && det="-icount shift=0,sleep=off -seed 1 -rtc base=2000-01-01,clock=vm"
    # shellcheck disable=SC2086 # $det is meant to split into words
    exec "$qemu" -machine pc -cpu max -smp "$4" -m 256M -nodefaults -no-reboot \
        -display none -monitor none $det -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial "file:$6" -kernel "$2" -initrd "$3" -append "$7"
fi

# boot KERNEL INITRD CPUS det|tcg LOG STATUS APPEND: one boot that must end with QEMU
# exit status STATUS, within 10 minutes.
boot() {
    "$timeit" -t 600 -x "$6" sh bench/bench.sh qemu "$1" "$2" "$3" "$4" "$5" "$7" > /dev/null ||
        { echo "bench: the boot logged in $5 failed" >&2; tail -n 20 "$5" >&2; exit 1; }
}

# time_boots KERNEL INITRD STATUS APPEND: the median seconds of $runs boots (2 CPUs).
time_boots() {
    "$timeit" -q -n "$runs" -t 600 -x "$3" sh bench/bench.sh qemu "$1" "$2" 2 tcg /dev/null "$4"
}

# figure LOG NAME: the ticks that the BENCH line for NAME in LOG says ("-" if none).
figure() {
    v=$(tr -d '\r' < "$1" | sed -n "s/^BENCH $2 \([0-9][0-9]*\)\$/\1/p" | tail -n 1)
    echo "${v:--}"
}

# ratio A B: A/B to two decimals ("-" when either is not a number).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-";
        else printf "%.2f\n", a / b }'
}

# verdict VALUE LIMIT: "met" if VALUE is a number no greater than LIMIT, else "MISSED".
verdict() {
    awk -v v="$1" -v l="$2" 'BEGIN {
        print (v ~ /^[-+]?[0-9.]+$/ && v + 0 <= l + 0) ? "met" : "MISSED" }'
}

# --- Linux: a kernel from Debian, and an initramfs with the benchmark as /init ------

skip() {
    echo "bench-linux: skipped: $*"
    echo "(make bench prints lark's own figures)"
    exit 0
}

# Sets vmlinuz to Debian's cloud kernel, downloaded (not installed) and unpacked into
# the cache the first time; to fetch a newer one, remove the cache.
fetch_linux_kernel() {
    cache=${LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lark}
    vmlinuz=$(find "$cache/linux/boot" -name 'vmlinuz-*' 2>/dev/null | head -n 1)
    [ -z "$vmlinuz" ] || return 0
    for tool in apt-get apt-cache dpkg; do
        command -v "$tool" > /dev/null ||
            skip "no $tool: this is not a Debian system (set LINUX_KERNEL=bzImage)"
    done
    # linux-image-cloud-amd64 only depends on the package with the kernel in it.
    meta=linux-image-cloud-amd64
    pkg=$(apt-cache show --no-all-versions "$meta" 2>/dev/null |
        sed -n 's/^Depends: *\(linux-image-[^ ,]*\).*/\1/p' | head -n 1)
    if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
        apt-get update -qq > /dev/null 2>&1 || true
        pkg=$(apt-cache show --no-all-versions "$meta" 2>/dev/null |
            sed -n 's/^Depends: *\(linux-image-[^ ,]*\).*/\1/p' | head -n 1)
    fi
    [ -n "$pkg" ] || skip "apt knows no $meta (run apt-get update as root?)"
    mkdir -p "$cache"
    (cd "$cache" && apt-get download "$pkg") > "$out/apt.log" 2>&1 ||
        skip "apt-get download $pkg failed (no network?); see $out/apt.log"
    dpkg -x "$cache/${pkg}_"*.deb "$cache/linux" || skip "dpkg -x of $pkg failed"
    rm -f "$cache/${pkg}_"*.deb
    # Only the kernel is needed, not its modules.
    find "$cache/linux" -mindepth 1 -maxdepth 1 ! -name boot -exec rm -rf {} +
    vmlinuz=$(find "$cache/linux/boot" -name 'vmlinuz-*' | head -n 1)
    [ -n "$vmlinuz" ] || skip "$pkg has no /boot/vmlinuz-*"
}

# The initramfs: the benchmark as /init, and in /bin the programs it runs (at the
# same paths as in lark).
make_initramfs() {
    command -v cpio > /dev/null || skip "no cpio (make deps installs it)"
    dir=$out/initramfs
    rm -rf "$dir"
    mkdir -p "$dir/bin"
    cp build/user/bench "$dir/init"
    cp build/user/bench build/user/true build/user/big "$dir/bin/"
    # Fixed times and order: the same programs give the same archive, and so the
    # same deterministic figures.
    find "$dir" -exec touch -t 200001010000 {} +
    (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc 2> /dev/null) \
        > "$out/initramfs.cpio"
}

# --- the runs -----------------------------------------------------------------------

mode=${1:-lark}
case $mode in
lark | linux) ;;
*) echo "usage: bench/bench.sh lark|linux" >&2; exit 2 ;;
esac
mkdir -p "$out"
for f in "$timeit" "$out/floor.bin" "$lark" "$image" build/user/bench; do
    [ -f "$f" ] || { echo "bench: $f: not found (run make bench)" >&2; exit 2; }
done
if [ "$mode" = linux ]; then
    if [ -n "${LINUX_KERNEL:-}" ]; then
        vmlinuz=$LINUX_KERNEL
        [ -f "$vmlinuz" ] || skip "LINUX_KERNEL=$vmlinuz: no such file"
    else
        fetch_linux_kernel
    fi
    make_initramfs
fi
linux_initrd=$out/initramfs.cpio
linux_append="console=ttyS0 quiet panic=-1"
bench_append="quiet -- /bin/bench"

echo "running the benchmarks (a minute or two)..."
# The deterministic runs cannot disturb each other: run them at once. Lark's twice,
# to show that its figures do not change.
boot "$lark" "$image" 1 det "$out/lark-det.log" 1 "$bench_append" &
p1=$!
boot "$lark" "$image" 1 det "$out/lark-det2.log" 1 "$bench_append" &
p2=$!
p3=""
if [ "$mode" = linux ]; then
    boot "$vmlinuz" "$linux_initrd" 1 det "$out/linux-det.log" 0 "$linux_append" &
    p3=$!
fi
for p in $p1 $p2 $p3; do
    wait "$p"
done
# The others one at a time, on an otherwise idle machine.
boot "$lark" "$image" 2 tcg "$out/lark-tcg.log" 1 "$bench_append"
if [ "$mode" = linux ]; then
    boot "$vmlinuz" "$linux_initrd" 2 tcg "$out/linux-tcg.log" 0 "$linux_append"
fi

floor_s=$(time_boots "$out/floor.bin" "$image" 1 "")
lark_boot_s=$(time_boots "$lark" "$image" 1 "quiet -- /bin/true")
linux_boot_s=-
if [ "$mode" = linux ]; then
    linux_boot_s=$(time_boots "$vmlinuz" "$linux_initrd" 0 "$linux_append -- -n")
fi
grade_s=pending
if [ -x grade/grade ]; then
    grade_s=$("$timeit" -q -a -t 3600 "${MAKE:-make}" grade) || grade_s=failed
fi

# --- the table --------------------------------------------------------------------

label() {
    case $1 in
    getpid) echo "getpid (null system call)" ;;
    spawn) echo "posix_spawn+wait of true" ;;
    vfork) echo "vfork+_exit+wait" ;;
    pipe) echo "pipe round trip" ;;
    execve) echo "vfork+execve 1 MiB+wait" ;;
    esac
}

if cmp -s "$out/lark-det.log" "$out/lark-det2.log"; then
    same="the same in two runs"
else
    same="WARNING: two runs differ (see $out/lark-det*.log)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2> /dev/null | head -n 1)
echo
echo "lark benchmarks, $(date +%Y-%m-%d): $("$qemu" --version | head -n 1)"
echo "host: ${cpu:-$(uname -m)}, $(getconf _NPROCESSORS_ONLN) CPUs"
echo "ticks per operation (rdtsc; median of 7 batches). det: -icount, 1 CPU, a tick is"
echo "an instruction, $same; tcg: plain TCG, 2 CPUs, a tick is a host TSC tick."
echo
if [ "$mode" = lark ]; then
    printf '%-28s %10s %10s\n' "" "det" "tcg"
    for n in $names; do
        printf '%-28s %10s %10s\n' "$(label "$n")" "$(figure "$out/lark-det.log" "$n")" \
            "$(figure "$out/lark-tcg.log" "$n")"
    done
    echo
    echo "seconds for the whole QEMU process (median of $runs runs; 2 CPUs, tcg)"
    printf '%-44s %8s\n' "QEMU's floor (a kernel that powers off at once)" "$floor_s"
    printf '%-44s %8s\n' "boot, run /bin/true, power off" "$lark_boot_s"
    printf '%-44s %8s\n' "make grade (one run)" "$grade_s"
else
    kernel_name=${vmlinuz##*/vmlinuz-}
    echo "Linux: $kernel_name, the same binary as /init of an initramfs"
    echo
    printf '%-25s %9s %9s %6s %10s %10s %6s\n' "" "det lark" "Linux" "ratio" \
        "tcg lark" "Linux" "ratio"
    for n in $names; do
        ld=$(figure "$out/lark-det.log" "$n") xd=$(figure "$out/linux-det.log" "$n")
        lt=$(figure "$out/lark-tcg.log" "$n") xt=$(figure "$out/linux-tcg.log" "$n")
        printf '%-25s %9s %9s %6s %10s %10s %6s\n' "$(label "$n")" "$ld" "$xd" \
            "$(ratio "$ld" "$xd")" "$lt" "$xt" "$(ratio "$lt" "$xt")"
    done
    echo
    echo "seconds for the whole QEMU process (median of $runs runs; 2 CPUs, tcg)"
    printf '%-42s %7s %7s %6s\n' "" "lark" "Linux" "ratio"
    printf '%-42s %7s %7s %6s\n' "QEMU's floor (a kernel that powers off)" "$floor_s" "" ""
    printf '%-42s %7s %7s %6s\n' "boot, run init's program, power off" "$lark_boot_s" \
        "$linux_boot_s" "$(ratio "$lark_boot_s" "$linux_boot_s")"
    printf '%-42s %7s %7s %6s\n' "make grade (one run)" "$grade_s" "-" ""
fi

# --- the targets of issue 9 (for information: no test asserts them) -------------------

echo
echo "targets:"
over=$(awk -v a="$lark_boot_s" -v b="$floor_s" 'BEGIN { printf "%+.3f", a - b }')
echo "  boot, /bin/true, power off within 0.1 s of the floor: $over s," \
    "$(verdict "$over" 0.1)"
if [ "$mode" = linux ]; then
    g=$(ratio "$(figure "$out/lark-det.log" getpid)" "$(figure "$out/linux-det.log" getpid)")
    s=$(ratio "$(figure "$out/lark-det.log" spawn)" "$(figure "$out/linux-det.log" spawn)")
    echo "  getpid at most Linux's (det): ratio $g, $(verdict "$g" 1)"
    echo "  posix_spawn+wait at most half of Linux's (det): ratio $s," \
        "$(verdict "$s" 0.5)"
else
    echo "  getpid, posix_spawn against Linux's: see make bench-linux"
fi
