2
run retry.asl.json --test-case TwoBusy
