# tests/lib/tap.sh: TAP output for shell test suites (POSIX sh, sourced).
#   tap_ok NAME CMD...     "ok N - NAME" if CMD succeeds, else "not ok N - NAME"
#   tap_is NAME GOT WANT   ok when the strings are equal (says both if not)
#   tap_like NAME TEXT ERE ok when TEXT matches the extended regex ERE
#   tap_skip NAME REASON   "ok N - NAME # SKIP REASON"
#   tap_fail NAME [WHY]    "not ok N - NAME" (and WHY as a diagnostic)
#   tap_diag TEXT...       "# TEXT" lines (stdin when no argument)
#   tap_done               prints the plan "1..N"; returns 1 if any failed
TAP_N=0
TAP_FAILED=0

tap_diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$*" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

tap_pass() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	[ $# -lt 2 ] || tap_diag "$2"
	return 1
}

tap_ok() {
	_to_name=$1; shift
	if "$@"; then tap_pass "$_to_name"; else tap_fail "$_to_name" "failed: $*"; fi
}

tap_is() {
	if [ "$2" = "$3" ]; then
		tap_pass "$1"
	else
		tap_fail "$1" "got:  '$2'
want: '$3'"
	fi
}

tap_like() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		tap_pass "$1"
	else
		tap_fail "$1" "no match for /$3/ in:
$2"
	fi
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
