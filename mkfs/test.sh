#!/bin/sh
# test.sh: host tests for mkfs. Images round-trip through `mkfs -l`, file data lands
# at aligned offsets, and bad arguments and corrupted images are rejected clearly.
# Usage: mkfs/test.sh [MKFS]   (MKFS defaults to build/mkfs)
set -u

mkfs=${1:-build/mkfs}
case $mkfs in
/*) ;;
*) mkfs=$PWD/$mkfs ;;
esac
if [ ! -x "$mkfs" ]; then
    echo "test.sh: $mkfs: not executable (run make build/mkfs)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkfs-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
cd "$tmp" || exit 1

passed=0
failed=0
pass() {
    echo "PASS $1"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# --- Reading and patching images (layout from kernel/fsimage.h) ------------------
SUPER=32   # sizeof(struct fsimg_super)
ENTRY=152  # sizeof(struct fsimg_entry): path[128], mode, reserved, offset, size
ALIGN=4096

# u32 FILE OFF / u64 FILE OFF: a little-endian integer from the file.
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' \n'; }
u64() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' \n'; }
# bytes FILE OFF LEN: LEN bytes of the file from OFF.
bytes() { dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null; }
# entry_path IMG I: the path of entry I.
entry_path() { bytes "$1" $((SUPER + $2 * ENTRY)) 128 | tr -d '\000'; }
# entry_field IMG I FIELD: mode, offset or size of entry I.
entry_field() {
    case $3 in
    mode) u32 "$1" $((SUPER + $2 * ENTRY + 128)) ;;
    offset) u64 "$1" $((SUPER + $2 * ENTRY + 136)) ;;
    size) u64 "$1" $((SUPER + $2 * ENTRY + 144)) ;;
    esac
}
# find_entry IMG PATH: the index of the entry named PATH, or nothing. (Variables
# are global in sh, hence the fe_ prefix.)
find_entry() {
    fe_n=$(u32 "$1" 8)
    fe_i=0
    while [ "$fe_i" -lt "$fe_n" ]; do
        if [ "$(entry_path "$1" "$fe_i")" = "$2" ]; then
            echo "$fe_i"
            return
        fi
        fe_i=$((fe_i + 1))
    done
}
# poke_le FILE OFF NBYTES VALUE: overwrite with a little-endian integer.
poke_le() {
    v=$4 esc='' k=0
    while [ "$k" -lt "$3" ]; do
        esc="$esc$(printf '\\0%03o' $((v & 255)))"
        v=$((v >> 8))
        k=$((k + 1))
    done
    printf '%b' "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# poke_str FILE OFF STRING: overwrite with the bytes of STRING.
poke_str() { printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
filesize() { wc -c <"$1" | tr -d ' '; }

# --- Host files ------------------------------------------------------------------
printf '#!/bin/sh\necho hi\n\000\001\377binary\n' >prog
chmod 755 prog
i=0
while [ "$i" -lt 100 ]; do
    printf 'motd line %03d: long enough that the file spans two pages\n' "$i"
    i=$((i + 1))
done >motd
chmod 644 motd
: >empty
chmod 600 empty
printf x >one
chmod 750 one
mkdir adir

# --- A good image -------------------------------------------------------------------
good_args="prog=/bin/sh motd=/etc/motd -d /tmp empty=/x/y/empty one=/a/b one=/a-b"
# shellcheck disable=SC2086 # good_args is split on purpose
if "$mkfs" good.img $good_args 2>stderr && [ -f good.img ]; then
    pass write_good_image
else
    fail write_good_image "mkfs exited with an error: $(head -n 1 stderr)"
fi

line() { printf '%s %8d %s\n' "$1" "$2" "$3"; }
{
    line drwxr-xr-x 0 /a
    line -rwxr-x--- 1 /a/b
    line -rwxr-x--- 1 /a-b
    line drwxr-xr-x 0 /bin
    line -rwxr-xr-x "$(filesize prog)" /bin/sh
    line drwxr-xr-x 0 /etc
    line -rw-r--r-- "$(filesize motd)" /etc/motd
    line drwxr-xr-x 0 /tmp
    line drwxr-xr-x 0 /x
    line drwxr-xr-x 0 /x/y
    line -rw------- 0 /x/y/empty
} >expected
if ! "$mkfs" -l good.img >listing 2>stderr; then
    fail list_round_trip "mkfs -l good.img failed: $(head -n 1 stderr)"
elif ! cmp -s expected listing; then
    fail list_round_trip "expected listing
$(cat expected)
got
$(cat listing)"
else
    pass list_round_trip
fi

if [ "$(bytes good.img 0 8)" = LARKFS01 ]; then
    pass header_magic
else
    fail header_magic "expected LARKFS01, got $(bytes good.img 0 8 | od -An -c)"
fi
n=$(u32 good.img 8)
if [ "$n" = 11 ]; then
    pass header_nentries
else
    fail header_nentries "expected 11, got $n"
fi
if [ "$(u64 good.img 16)" = "$(filesize good.img)" ]; then
    pass header_size_is_file_size
else
    fail header_size_is_file_size "expected $(filesize good.img), got $(u64 good.img 16)"
fi

# The raw mode words: S_IFDIR|0755 = 16877, S_IFREG|0755 = 33261, S_IFREG|0600 = 33152.
modes=""
for p in /bin /bin/sh /x/y/empty; do
    modes="$modes $(entry_field good.img "$(find_entry good.img $p)" mode)"
done
if [ "$modes" = " 16877 33261 33152" ]; then
    pass raw_mode_words
else
    fail raw_mode_words "expected 16877 33261 33152 for /bin /bin/sh /x/y/empty, got$modes"
fi

# Every file's bytes are at its offset, aligned and past the entry table;
# directories have no data.
why=""
table_end=$((SUPER + 11 * ENTRY))
i=0
while [ "$i" -lt 11 ]; do
    p=$(entry_path good.img "$i")
    off=$(entry_field good.img "$i" offset)
    size=$(entry_field good.img "$i" size)
    case $p in
    /bin/sh) src=prog ;;
    /etc/motd) src=motd ;;
    /x/y/empty) src=empty ;;
    /a/b | /a-b) src=one ;;
    *) src="" ;;
    esac
    if [ -z "$src" ]; then
        if [ "$off" != 0 ] || [ "$size" != 0 ]; then
            why="$why $p: directory with offset $off size $size;"
        fi
    elif [ $((off % ALIGN)) -ne 0 ] || [ "$off" -lt "$table_end" ]; then
        why="$why $p: bad offset $off;"
    elif ! bytes good.img "$off" "$size" | cmp -s - "$src"; then
        why="$why $p: bytes at offset $off differ from $src;"
    fi
    i=$((i + 1))
done
if [ -z "$why" ]; then
    pass file_data_at_offsets
else
    fail file_data_at_offsets "${why# }"
fi

if "$mkfs" none.img 2>stderr && [ "$(filesize none.img)" = "$SUPER" ] &&
    [ -z "$("$mkfs" -l none.img)" ]; then
    pass empty_image
else
    fail empty_image "expected a $SUPER-byte image with no entries: $(head -n 1 stderr)"
fi

# An explicit directory that is also an implicit parent is listed once.
"$mkfs" dirs.img -d /bin prog=/bin/sh -d /bin/sub 2>stderr
"$mkfs" -l dirs.img >listing 2>>stderr
{
    line drwxr-xr-x 0 /bin
    line -rwxr-xr-x "$(filesize prog)" /bin/sh
    line drwxr-xr-x 0 /bin/sub
} >expected
if cmp -s expected listing; then
    pass explicit_dir_merges_with_parent
else
    fail explicit_dir_merges_with_parent "got $(tr '\n' ';' <listing) $(head -n 1 stderr)"
fi

# The longest component (63 bytes) and the longest path (127 bytes) are accepted.
c63=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
c64=${c63}a
p127=/$c63/$c63 # 128 bytes: drop one
p127=${p127%a}
p128=${p127}b
if "$mkfs" long.img -d "/$c63" "one=$p127" 2>stderr &&
    "$mkfs" -l long.img | grep -q " $p127\$"; then
    pass longest_names_accepted
else
    fail longest_names_accepted "a 63-byte name or 127-byte path was refused: $(head -n 1 stderr)"
fi

# --- Rejections -------------------------------------------------------------------
# expect_reject NAME WORD ARGS...: `mkfs out.img ARGS` exits 1 with one line on
# stderr that starts "mkfs: " and mentions WORD, and leaves no out.img behind.
expect_reject() {
    name=$1 word=$2
    shift 2
    rm -f out.img
    "$mkfs" out.img "$@" >/dev/null 2>stderr
    status=$?
    if [ -e out.img ]; then
        fail "$name" "out.img was left behind"
    else
        check_rejected "$name" "$word" "$status"
    fi
}
# check_rejected NAME WORD STATUS: the status and stderr of a rejected run.
check_rejected() {
    first=$(head -n 1 stderr)
    if [ "$3" -ne 1 ]; then
        fail "$1" "expected exit status 1, got $3"
    elif [ "$(wc -l <stderr)" -ne 1 ] || [ "${first#mkfs: }" = "$first" ]; then
        fail "$1" "expected one line 'mkfs: ...' on stderr, got: $(cat stderr)"
    elif ! printf '%s\n' "$first" | grep -qF -e "$2"; then
        fail "$1" "expected a message naming $2, got: $first"
    else
        pass "$1"
    fi
}

expect_reject reject_missing_host nope nope=/bin/nope
expect_reject reject_host_path_through_file prog/x prog/x=/bin/x
expect_reject reject_host_directory "adir: is a directory" adir=/bin/d
expect_reject reject_relative_target bin/sh prog=bin/sh
expect_reject reject_empty_component /bin//sh prog=/bin//sh
expect_reject reject_trailing_slash /bin/sh/ prog=/bin/sh/
expect_reject reject_dot_component /bin/./sh prog=/bin/./sh
expect_reject reject_dotdot_component /bin/.. -d /bin/..
expect_reject reject_root_target "mkfs: /:" -d /
expect_reject reject_long_component "$c64" "one=/bin/$c64"
expect_reject reject_long_path "$p128" "one=$p128"
expect_reject reject_duplicate_file "/bin/sh: duplicate" prog=/bin/sh motd=/bin/sh
expect_reject reject_duplicate_dir "/d: duplicate" -d /d -d /d
expect_reject reject_duplicate_dir_with_child "/d: duplicate" -d /d one=/d/f -d /d
expect_reject reject_file_and_dir_same_path "/x: duplicate" prog=/x -d /x
expect_reject reject_file_needed_as_dir /bin prog=/bin motd=/bin/x
expect_reject reject_file_needed_as_dir_later /bin motd=/bin/x prog=/bin
# The kernel makes /tmp, /dev and /proc at boot: only empty directories may be there.
expect_reject reject_file_in_tmp "/tmp/x: the kernel makes /tmp" one=/tmp/x
expect_reject reject_dir_in_proc "/proc/d: the kernel makes /proc" -d /proc/d
expect_reject reject_dev_console "/dev/console: the kernel makes /dev" one=/dev/console
expect_reject reject_file_over_dev "/dev: the kernel makes /dev" one=/dev
if "$mkfs" kdirs.img -d /dev -d /proc -d /tmp one=/tmpx 2>stderr &&
    [ "$("$mkfs" -l kdirs.img | wc -l)" -eq 4 ]; then
    pass kernel_dirs_as_empty_dirs_accepted
else
    fail kernel_dirs_as_empty_dirs_accepted "-d /dev -d /proc -d /tmp one=/tmpx: $(head -n 1 stderr)"
fi

# Writing the image over one of its own inputs is refused, and the input survives.
cp prog in.copy
"$mkfs" in.copy in.copy=/bin/sh >/dev/null 2>stderr
status=$?
if cmp -s prog in.copy; then
    check_rejected reject_output_is_input in.copy "$status"
else
    fail reject_output_is_input "the input file was overwritten"
fi

if [ "$(id -u)" -ne 0 ]; then
    : >secret
    chmod 000 secret
    expect_reject reject_unreadable_host secret secret=/bin/secret
else
    echo "SKIP reject_unreadable_host: root can read any file"
fi

rm -f out.img
"$mkfs" nodir/out.img one=/a >/dev/null 2>stderr
check_rejected reject_unwritable_output nodir/out.img $?

# A rejected run leaves an existing image alone.
cp good.img keep.img
"$mkfs" keep.img nope=/bin/nope 2>stderr
if cmp -s good.img keep.img; then
    pass reject_keeps_old_output
else
    fail reject_keeps_old_output "keep.img was changed by a rejected run"
fi

# A failure while writing removes the partial image. A /proc file claims size 0
# but has contents, so mkfs sees it change size as it copies it (Linux only).
if [ -r /proc/version ] && [ "$(filesize /proc/version)" -gt 0 ]; then
    expect_reject remove_partial_output /proc/version /proc/version=/v
else
    echo "SKIP remove_partial_output: no /proc/version"
fi

# expect_usage NAME WORD ARGS...: `mkfs ARGS` exits 1, the first line names WORD,
# and the usage text follows.
expect_usage() {
    name=$1 word=$2
    shift 2
    "$mkfs" "$@" >/dev/null 2>stderr
    status=$?
    first=$(head -n 1 stderr)
    if [ "$status" -ne 1 ]; then
        fail "$name" "expected exit status 1, got $status"
    elif ! printf '%s\n' "$first" | grep -qF -e "$word"; then
        fail "$name" "expected a first line naming $word, got: $first"
    elif ! grep -q '^usage: ' stderr; then
        fail "$name" "expected the usage text, got: $(cat stderr)"
    else
        pass "$name"
    fi
}
expect_usage usage_no_arguments usage
expect_usage usage_d_without_dir -d out.img -d
expect_usage usage_spec_without_equals junk out.img junk
expect_usage usage_empty_host_name =/x out.img =/x
expect_usage usage_unknown_option -z -z out.img
expect_usage usage_l_without_image -l -l
expect_usage usage_missing_output prog=/bin/sh prog=/bin/sh
if [ -e out.img ] || [ -e junk ] || [ -e -z ] || [ -e prog= ]; then
    fail usage_writes_nothing "a usage error created a file"
else
    pass usage_writes_nothing
fi

# --- Listing rejects corrupted images ----------------------------------------------
# expect_bad_image NAME WORD IMG: `mkfs -l IMG` exits 1 with one line naming IMG
# and mentioning WORD, and lists nothing.
expect_bad_image() {
    "$mkfs" -l "$3" >listing 2>stderr
    status=$?
    if [ -s listing ]; then
        fail "$1" "expected no listing, got: $(head -n 1 listing)"
    elif ! grep -qF -e "$3" stderr; then
        fail "$1" "expected a message naming $3, got: $(cat stderr)"
    else
        check_rejected "$1" "$2" "$status"
    fi
}
# corrupt NEW: a fresh copy of good.img to damage.
corrupt() { cp good.img "$1"; }
entry_of() { echo $((SUPER + $(find_entry good.img "$1") * ENTRY)); }

expect_bad_image list_rejects_missing_file "No such file" nope.img
corrupt magic.img
poke_str magic.img 0 X
expect_bad_image list_rejects_bad_magic magic magic.img
dd if=good.img of=short.img bs=1 count=$(($(filesize good.img) - 1)) 2>/dev/null
expect_bad_image list_rejects_truncated truncated short.img
dd if=good.img of=tiny.img bs=1 count=20 2>/dev/null
expect_bad_image list_rejects_truncated_superblock truncated tiny.img
corrupt count.img
poke_le count.img 8 4 100000
expect_bad_image list_rejects_too_many_entries entries count.img
corrupt range.img
poke_le range.img $(($(entry_of /etc/motd) + 144)) 8 $(($(filesize good.img) + 1))
expect_bad_image list_rejects_data_out_of_range "out of range" range.img
corrupt align.img
poke_le align.img $(($(entry_of /bin/sh) + 136)) 8 \
    $(($(entry_field good.img "$(find_entry good.img /bin/sh)" offset) + 1))
expect_bad_image list_rejects_misaligned_data misaligned align.img
corrupt table.img
poke_le table.img $(($(entry_of /bin/sh) + 136)) 8 0
expect_bad_image list_rejects_data_over_table "out of range" table.img
corrupt order.img
poke_str order.img $(($(entry_of /etc) + 1)) z # /etc -> /ztc, after /etc/motd
expect_bad_image list_rejects_unsorted "not sorted" order.img
corrupt parent.img
poke_str parent.img $(($(entry_of /x) + 1)) w # /x -> /w: /x/y has no parent
expect_bad_image list_rejects_missing_parent parent parent.img
corrupt path.img
poke_str path.img $(($(entry_of /bin/sh) + 5)) / # /bin/sh -> /bin//h
expect_bad_image list_rejects_unnormalized_path "empty path component" path.img
corrupt nul.img # fill path bytes 2..127 of /a, leaving no NUL
poke_str nul.img $(($(entry_of /a) + 2)) "$(printf '%0126d' 0)"
expect_bad_image list_rejects_unterminated_path NUL nul.img
corrupt kdir.img
poke_str kdir.img $(($(entry_of /a-b) + 1)) dev # the file /a-b -> /dev
expect_bad_image list_rejects_file_over_kernel_dir "the kernel makes /dev" kdir.img
corrupt mode.img
poke_le mode.img $(($(entry_of /bin/sh) + 128)) 4 0
expect_bad_image list_rejects_bad_mode "bad mode" mode.img
corrupt dirdata.img
poke_le dirdata.img $(($(entry_of /bin) + 144)) 8 1
expect_bad_image list_rejects_directory_with_data "directory with data" dirdata.img

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
