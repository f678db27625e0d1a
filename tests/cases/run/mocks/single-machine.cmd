0
run price.asl.json --mock-config single.json --test-case T --format json
