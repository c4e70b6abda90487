#!/bin/bash
# lint-man.sh - every man page must be clean under mandoc -Tlint (style notes allowed)
rc=0
for f in "$@"; do
        out=$(mandoc -Tlint -W warning "$f" 2>&1)
        if [ -n "$out" ]; then
                echo "$out"
                rc=1
        fi
done
exit $rc
