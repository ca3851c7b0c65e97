#!/bin/sh
# host.sh: every user test program passes on the Linux host too: that is how we
# know the tests themselves are right (Linux is the oracle).
# shellcheck source=grade/checks/lib.sh
. grade/checks/lib.sh
for t in build/user/t_*; do
    name=${t##*/}
    out=$("$t" 2>&1)
    st=$?
    if [ "$st" = 0 ] && echo "$out" | grep -q "^DONE $name: [0-9]* checks, 0 failed"; then
        pass "host_$name"
    else
        fail "host_$name" "exit status $st on the Linux host"
        echo "$out" | grep '^FAIL' | head -n 5 | sed 's/^/    | /'
    fi
done
