#!/bin/sh
# course_test_state.sh - the `stepbook test-state` requests and responses
# that course/101/07-debugging.md shows are what stepbook reads and prints.
# `stepbook check` cannot run them (stepbook is no command of a course, so
# the blocks are marked skip): this does, from the page's folder, as the
# reader would.  Usage: sh tests/course_test_state.sh [STEPBOOK]
page=07-debugging.md
bin=$(cd "$(dirname "${1:-./stepbook}")" && pwd)/$(basename "${1:-./stepbook}")
cd course/101 || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The Nth ```json skip block of the page.
block() {
	awk -v n="$1" '/^```json skip$/ { k++; if (k == n) { on = 1; next } }
		on && /^```$/ { exit } on { print }' "$page"
}
status=0
same() { # what, expected file, actual file
	if ! diff -u "$2" "$3"; then
		echo "course_test_state: $1 differs from what the page shows" >&2
		status=1
	fi
}
block 1 > "$tmp/request.json"
same "requests/quote-shipping.json" "$tmp/request.json" requests/quote-shipping.json
block 2 > "$tmp/want1.json"
"$bin" test-state --request requests/quote-shipping.json > "$tmp/got1.json"
same "test-state --request" "$tmp/want1.json" "$tmp/got1.json"
block 3 > "$tmp/want2.json"
"$bin" test-state saved-steps/07-debugging.yml --machine ShippingMachine --state ChargeCard \
  --input '{"order": {"id": "1001"}, "customer": {"email": "ada@example.org"}}' \
  --mock-error CardDeclined --mock-cause 'Card ending 4242 has expired' \
  --inspection-level DEBUG > "$tmp/got2.json"
same "test-state --state ChargeCard" "$tmp/want2.json" "$tmp/got2.json"
[ "$status" = 0 ] && echo "course test-state: ok (2 responses as the page shows them)"
exit "$status"
