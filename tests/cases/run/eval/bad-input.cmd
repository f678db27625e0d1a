1
eval '$' --input nowhere.json
