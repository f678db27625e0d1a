2
check . --format xml
