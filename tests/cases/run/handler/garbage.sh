#!/bin/sh
# Prints something that is not JSON.
cat > /dev/null
echo 'total: 42'
