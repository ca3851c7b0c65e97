#!/bin/sh
# setup.sh: Gradescope runs this once, as root on Ubuntu, to build the autograder's
# image: the packages lark's build and grader need, then the pristine test programs
# (this zip, unpacked in /autograder/source, is the lab's pristine handout tree).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential qemu-system-x86 musl-tools ca-certificates > /dev/null
cd /autograder/source
make build/fs.img
