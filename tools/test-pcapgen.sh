#!/bin/sh
# Tests of igmpx-pcapgen (ctest: pcapgen.errors, pcapgen.deterministic).
#   test-pcapgen.sh errors GENERATOR
#   test-pcapgen.sh deterministic GENERATOR DESC...
set -u

mode=$1 gen=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect_error NAME LINE PATTERN: the description on stdin must be refused,
# with NAME.gen:LINE: and PATTERN on stderr, and no pcap written.
expect_error() {
	name=$1 line=$2 pattern=$3
	desc="$tmp/$name.gen"
	cat >"$desc"
	mkdir -p "$tmp/out-$name"
	if "$gen" -o "$tmp/out-$name" "$desc" 2>"$tmp/err"; then
		fail "$name: exit status 0"
	fi
	grep -q "^$desc:$line: .*$pattern" "$tmp/err" ||
		fail "$name: stderr lacks '$desc:$line: ...$pattern': $(cat "$tmp/err")"
	[ -z "$(ls "$tmp/out-$name")" ] || fail "$name: wrote $(ls "$tmp/out-$name")"
}

test_errors() {
	# Each description starts with a good capture, so "nothing written"
	# covers the captures before the error too.
	good='capture good
note a good capture
frame src=192.0.2.1 v2query'
	printf '%s\ncapture k\nnote n\nframe src=192.0.2.1 v3query mrx=10\n' "$good" |
		expect_error unknown-key 6 'unknown key "mrx" for v3query (expected one of: mrc'
	printf '%s\ncapture a\nnote n\nframe src=192.0.2.300 v2query\n' "$good" |
		expect_error bad-address 6 'src="192.0.2.300": not an IPv4 address'
	printf '%s\ncapture r\nnote n\nframe src=192.0.2.10 v3report\n  record type=IS_INN group=232.1.1.1\n' "$good" |
		expect_error bad-record-type 7 'type="IS_INN": expected one of: IS_IN IS_EX'
	printf '%s\ncapture m\nnote n\nframe src=192.0.2.1 at=1\n' "$good" |
		expect_error missing-message 6 'frame without a message keyword'
	printf '%s\ncapture u\nnote n\nframe src=192.0.2.1 v4query\n' "$good" |
		expect_error unknown-message 6 'unknown message "v4query" (expected one of: v0'
	printf '%s\ncapture t\nnote n\nframe src=192.0.2.1 v2query truncate=9\n' "$good" |
		expect_error truncate-beyond 6 'truncate=9 is beyond the 8-octet message'
	printf '%s\ncapture nonote\nframe src=192.0.2.1 v2query\n' "$good" |
		expect_error no-note 4 'capture nonote has no note'
	printf '%s\ncapture s\nnote n\nframe src=192.0.2.1 v2query\n  record type=1\n' "$good" |
		expect_error stray-record 7 'v2query takes no continuation lines'
	printf '%s\ncapture v0\nnote n\nframe src=192.0.2.1 v0 type=join-req\n' "$good" |
		expect_error no-dst 6 'v0 has no default destination: give dst='
	printf '%s\ncapture e\nnote n\nframe expect=v3_tll src=192.0.2.1 v3query\n' "$good" |
		expect_error unknown-rule 6 'expect: unknown rule "v3_tll"'
	printf '%s\ncapture e2\nnote n\nframe expect=v3_ttl,v3_ttl src=192.0.2.1 v3query\n' "$good" |
		expect_error rule-twice 6 'expect: v3_ttl given twice'
}

test_deterministic() {
	mkdir "$tmp/a" "$tmp/b"
	"$gen" -o "$tmp/a" "$@" || fail "first run"
	"$gen" -o "$tmp/b" "$@" || fail "second run"
	n=$("$gen" --list "$@" | wc -l)
	[ "$n" -gt 0 ] || fail "no captures listed"
	for name in $("$gen" --list "$@"); do
		cmp -s "$tmp/a/$name.pcap" "$tmp/b/$name.pcap" || fail "$name.pcap differs between runs"
	done
	[ "$(ls "$tmp/a" | wc -l)" -eq "$n" ] || fail "expected $n files, got $(ls "$tmp/a")"
}

case $mode in
errors) test_errors ;;
deterministic) test_deterministic "$@" ;;
*) echo "usage: $0 errors|deterministic GENERATOR [DESC...]"; exit 2 ;;
esac
[ "$fails" -eq 0 ] && echo "PASS: $mode" || exit 1
