0
eval '$x & " " & $uppercase($y)' --bindings '{"x": "hello", "y": "world"}'
