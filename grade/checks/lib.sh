#!/bin/sh
# lib.sh: helpers shared by the check suites (sourced, not run).

# pass NAME / fail NAME WHY
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# The number of CPUs to use for parallel QEMU runs.
jobs() {
    n=${CHECK_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
    echo "${n:-2}"
}

# boot_log LOG CPUS TIMEOUT [cmdline words...]: boot once, silently, into LOG;
# prints nothing, returns the power-off status (see grade/boot).
boot_log() {
    _log=$1 _cpus=$2 _t=$3
    shift 3
    grade/boot -x -s -l "$_log" -c "$_cpus" -t "$_t" -- "$@" 2>>"$_log.err"
}

# tail_log LOG: the last lines of a log, indented, for a failure report.
tail_log() {
    tail -n "${2:-8}" "$1" | sed 's/^/    | /'
}
