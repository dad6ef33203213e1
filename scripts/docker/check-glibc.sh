#!/bin/sh
# Fails when a shipped ELF file needs a newer C or C++ runtime than the production base image has.
#
#   check-glibc.sh DIR [MAX_GLIBC [MAX_GLIBCXX [MAX_CXXABI]]]
#       defaults: 2.34 3.4.29 1.3.13 — Amazon Linux 2023, the OS of public.ecr.aws/lambda/provided:al2023
#       (glibc 2.34; libstdc++ of GCC 11: GLIBCXX_3.4.29, CXXABI_1.3.13)
#
# Why: a dynamically linked executable records, per symbol it takes from libc, the symbol version it was
# linked against; the loader refuses to start it on an older glibc ("version `GLIBC_2.38' not found").
# A Native AOT binary is linked on the build machine, so the build stage's glibc (Debian 12: 2.36; the real
# mcr.microsoft.com/dotnet/sdk:10.0, Ubuntu 24.04: 2.39) decides what it asks for, not the runtime's
# prebuilt objects alone. The native libraries that come from NuGet (ParquetSharpNative.so, libe_sqlite3.so,
# and in the ReadyToRun build the runtime's own .so files) were built elsewhere and carry their own needs.
# The Dockerfile runs this over the publish folder, so an image that could not start on Lambda never builds.
#
# What it reads: the "Version References" of `objdump -p` (binutils), the versions the loader checks.
# Prints one line per ELF file (its highest GLIBC/GLIBCXX/CXXABI version) and exits 1 if any is too new.
set -eu
dir=${1:?usage: check-glibc.sh DIR [MAX_GLIBC [MAX_GLIBCXX [MAX_CXXABI]]]}
max_glibc=${2:-2.34}
max_glibcxx=${3:-3.4.29}
max_cxxabi=${4:-1.3.13}
command -v objdump >/dev/null 2>&1 || { echo "check-glibc: objdump (binutils) is not installed" >&2; exit 2; }

# newer A B: true when version A is higher than version B.
newer() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]; }
# highest FAMILY FILE: the highest FAMILY_x.y version FILE requires, or "-".
highest() {
  objdump -p "$2" | awk -v f="$1_" '/^Version References:/ { refs = 1; next } refs && /^[^ \t]/ { refs = 0 }
    refs && index($NF, f) == 1 { v = substr($NF, length(f) + 1); if (v ~ /^[0-9.]+$/) print v }' \
    | sort -V | tail -n 1 | grep . || echo -
}

list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$dir" -type f | sort >"$list"
files=0 bad=0
while IFS= read -r f; do
  # ELF files only: the magic number is 0x7f 'E' 'L' 'F'.
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  files=$((files + 1))
  g=$(highest GLIBC "$f") x=$(highest GLIBCXX "$f") a=$(highest CXXABI "$f")
  verdict=ok
  if [ "$g" != - ] && newer "$g" "$max_glibc"; then verdict="NEEDS GLIBC_$g > $max_glibc"; fi
  if [ "$x" != - ] && newer "$x" "$max_glibcxx"; then verdict="NEEDS GLIBCXX_$x > $max_glibcxx"; fi
  if [ "$a" != - ] && newer "$a" "$max_cxxabi"; then verdict="NEEDS CXXABI_$a > $max_cxxabi"; fi
  [ "$verdict" = ok ] || bad=$((bad + 1))
  echo "check-glibc: ${f#"$dir"/}: GLIBC $g, GLIBCXX $x, CXXABI $a: $verdict"
done <"$list"
[ "$files" -gt 0 ] || { echo "check-glibc: no ELF file under $dir" >&2; exit 1; }
if [ "$bad" -gt 0 ]; then
  echo "check-glibc: $bad of $files ELF files need a newer glibc/libstdc++ than the base image (GLIBC $max_glibc, GLIBCXX $max_glibcxx, CXXABI $max_cxxabi): they would not start there. Build on an older distribution (e.g. --build-arg SDK_IMAGE=<an AL2023 .NET SDK image>)." >&2
  exit 1
fi
echo "check-glibc: $files ELF files, none needs more than GLIBC $max_glibc, GLIBCXX $max_glibcxx, CXXABI $max_cxxabi"
