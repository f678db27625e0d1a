2
validate
