0
eval '[$exists($eval), $exists($uuid)]' --format json
