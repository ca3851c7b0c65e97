#!/bin/sh
# mkfs.sh: the host tests of mkfs (mkfs/test.sh).
sh mkfs/test.sh build/mkfs | grep -v '^[0-9]* passed, [0-9]* failed$'
