0
diagram retry.asl.json -T pdf -o "$OUT/d.pdf" && head -c 5 "$OUT/d.pdf" && echo
