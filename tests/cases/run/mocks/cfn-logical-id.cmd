0
run template.yml --mock-config mocks.json --test-case T --format json
