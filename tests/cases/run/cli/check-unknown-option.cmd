2
check . --verbos
