#!/bin/bash
# Builds the aorta kernel module with kbuild, W=1 and sparse (C=1), in a fresh copy of the
# sources, and fails on any compiler warning, sparse complaint or build error. Then checks
# that the module claims the PCI ID of driver/uapi/aorta_uapi.h.
#
#   kbuild_check.sh KDIR GEN_DIR SRC_DIR UAPI_DIR OUT_DIR
#
# KDIR: kernel headers (/usr/src/linux-headers-<ver>-amd64 of Debian's linux-headers-amd64);
# GEN_DIR: the build tree's gen/ (aorta/aorta_regs.h); SRC_DIR: driver/linux; UAPI_DIR:
# driver/uapi; OUT_DIR: where the module is built (emptied first, so that every file is
# compiled and checked again). Used by the ctest kernel_module_build and the kernel_module
# target (driver/linux/CMakeLists.txt).
set -uo pipefail

die() { echo "kbuild_check: FAIL: $*" >&2; exit 1; }
[[ $# -eq 5 ]] || die "usage: kbuild_check.sh KDIR GEN_DIR SRC_DIR UAPI_DIR OUT_DIR"
kdir=$1 gen=$2 src=$3 uapi=$4 out=$5

[[ -f $kdir/Makefile ]] || die "no kernel headers at $kdir (install linux-headers-amd64: scripts/setup-deps)"
command -v sparse >/dev/null || die "sparse is not installed (scripts/setup-deps installs it)"
[[ -f $gen/aorta/aorta_regs.h ]] || die "$gen/aorta/aorta_regs.h is missing (build the aorta_spec_gen target)"

rm -rf "$out" && mkdir -p "$out" || die "cannot create $out"
cp "$src"/Kbuild "$src"/*.c "$src"/*.h "$out"/ || die "cannot copy the sources from $src"

log=$out/build.log
make -C "$kdir" M="$out" W=1 C=1 AORTA_GEN_DIR="$gen" AORTA_UAPI_DIR="$uapi" modules >"$log" 2>&1
rc=$?
cat "$log"
[[ $rc -eq 0 ]] || die "make exited with $rc"
# Compiler warnings and sparse complaints both read "FILE:LINE:COL: warning|error: ...".
if grep -E '(warning|error):' "$log" >/dev/null; then
  echo "---- complaints:" >&2
  grep -E '(warning|error):' "$log" >&2
  die "the module does not build clean with W=1 C=1"
fi
grep -q '^  CHECK ' "$log" || die "sparse did not run (no CHECK lines in the build log)"
[[ -f $out/aorta.ko ]] || die "no aorta.ko was built"

# The module's PCI alias must be the ID of the UAPI header.
vendor=$(sed -n 's/^#define AORTA_PCI_VENDOR_ID 0x\([0-9a-fA-F]*\).*/\1/p' "$uapi/aorta_uapi.h")
device=$(sed -n 's/^#define AORTA_PCI_DEVICE_ID 0x\([0-9a-fA-F]*\).*/\1/p' "$uapi/aorta_uapi.h")
[[ -n $vendor && -n $device ]] || die "cannot read AORTA_PCI_VENDOR_ID / AORTA_PCI_DEVICE_ID from $uapi/aorta_uapi.h"
want=$(printf 'alias=pci:v%08Xd%08Xsv*sd*bc*sc*i*' "0x$vendor" "0x$device")
modinfo=$(objcopy -O binary --only-section=.modinfo "$out/aorta.ko" /dev/stdout | tr '\0' '\n')
grep -qxF "$want" <<<"$modinfo" || die "aorta.ko does not carry '$want'; its .modinfo: $modinfo"
grep -qx 'license=GPL' <<<"$modinfo" || die "aorta.ko is not licensed GPL (needed for pin_user_pages & co.)"
echo "kbuild_check: OK: $(basename "$kdir"): aorta.ko, no warnings (W=1), sparse clean (C=1), $want"
