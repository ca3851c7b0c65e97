#!/bin/sh
# user.sh: every user test program (user/t_*.c) runs in lark with 1 and 4 CPUs;
# each of its checks is reported (as "PASS cpusN/check"). A test program must
# end with its DONE line and exit 0.
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/lark-user.XXXXXX")
cpus_list=${CHECK_USER_CPUS:-"1 4"}

run_one() { # program cpus
    log="$dir/$1.$2"
    boot_log "$log" "$2" 120 quiet -- "/bin/$1"
    echo $? > "$log.status"
}

report_one() { # program cpus
    log="$dir/$1.$2"
    st=$(cat "$log.status")
    sed -n -e "s|^PASS |PASS cpus$2/|p" -e "s|^FAIL |FAIL cpus$2/|p" "$log"
    if [ "$st" = 0 ] && grep -q "^DONE $1: [0-9]* checks, 0 failed" "$log"; then
        pass "cpus$2/$1"
    else
        fail "cpus$2/$1" "exit status $st"
        tail_log "$log" 12
    fi
}

j=$(jobs)
set --
for cpus in $cpus_list; do
    for t in build/user/t_*; do
        set -- "$@" "${t##*/}:$cpus"
    done
done
# Run in batches of $j QEMUs, then report in order.
n=0
for item in "$@"; do
    run_one "${item%:*}" "${item#*:}" &
    n=$((n + 1))
    if [ "$n" -ge "$j" ]; then wait; n=0; fi
done
wait
for item in "$@"; do
    report_one "${item%:*}" "${item#*:}"
done
rm -rf "$dir"
