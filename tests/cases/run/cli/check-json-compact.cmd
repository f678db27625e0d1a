0
check ../../check/throttle --format json --compact
