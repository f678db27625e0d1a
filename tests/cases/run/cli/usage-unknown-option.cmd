2
run retry.asl.json --inptu {}
