0
eval "States.Format('Hi {}', \$.Account.Name)" --lang jsonpath --input input.json
