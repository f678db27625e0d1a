0
eval 'missing' --format json
