#!/bin/sh
# Exits with an error and says which.
cat > /dev/null
echo '{"Error":"OutOfStock","Cause":"qty too large"}'
exit 3
