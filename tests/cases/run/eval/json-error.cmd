1
eval '"s" + 1' --format json
