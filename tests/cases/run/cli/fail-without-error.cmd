1
run bare-fail.asl.json
