2
run
