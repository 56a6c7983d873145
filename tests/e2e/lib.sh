# lib.sh: helpers for the end-to-end tests. Each check prints "ok - ..." or "FAIL - ...";
# finish prints the script's tally for tests/run to add up.
set -u
BUILD=${BUILD:-build}
PASSED=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cwren-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CWREN_CONFIG_FILE=/dev/null  # no user config leaks into tests

pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; shift; for line in "$@"; do echo "    $line"; done; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  desc=$1; shift
  if "$@"; then pass "$desc"; else fail "$desc" "command: $*"; fi
}

# has FILE TEXT: the file contains the fixed string.
has() { grep -qF -- "$2" "$1" || { echo "    '$2' not in $1:"; sed 's/^/      | /' "$1" | head -20; return 1; }; }
# lacks FILE TEXT
lacks() { ! grep -qF -- "$2" "$1" || { echo "    '$2' unexpectedly in $1"; return 1; }; }
# equals EXPECTED ACTUAL
equals() { [ "$1" = "$2" ] || { echo "    expected '$1', got '$2'"; return 1; }; }
# line_count FILE N
line_count() { equals "$2" "$(wc -l < "$1" | tr -d ' ')"; }

# run NAME COMMAND...: runs with stdout in $WORK/NAME.out, stderr in $WORK/NAME.err, and
# the exit status in $WORK/NAME.rc; never fails itself.
run() {
  name=$1; shift
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  echo $? > "$WORK/$name.rc"
}
status_of() { cat "$WORK/$1.rc"; }

finish() {
  echo "e2e $(basename "$0" .sh): $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
