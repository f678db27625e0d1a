2
eval
