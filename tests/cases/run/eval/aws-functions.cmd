0
eval '{"chunks": $partition($range(1, 7, 2), 2), "md5": $hash("abc", "MD5"), "seeded": $random(42)}' --format json
