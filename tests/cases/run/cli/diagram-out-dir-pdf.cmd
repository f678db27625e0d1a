0
diagram retry.asl.json -T pdf --out-dir "$OUT" && ls "$OUT"
