1
run no-s3-dir.asl.json --input {}
