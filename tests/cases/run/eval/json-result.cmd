0
eval '[1..3].($ * 2)' --format json
