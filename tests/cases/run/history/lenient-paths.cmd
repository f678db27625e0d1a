0
run lenient-paths.asl.json --input '{"Snapshots":[{"State":"done"},{"State":"pending"}],"Units":[{"OU":0},{"OU":3}],"Files":[{"bucket":"b","key":"k","size":1}],"Rows":[[1,2],[3]]}'
