0
eval '[$eval("1 + 1"), $exists($partition)]' --no-aws --format json
