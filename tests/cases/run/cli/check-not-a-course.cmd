2
check nowhere
