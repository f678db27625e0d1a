2
build -j 100
