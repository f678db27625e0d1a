1
run nomock.asl.json
