1
eval '[1..1e9]' --format json
