#!/bin/bash
# Functions that invite overflows or silent parse errors are not used in our
# code: strcpy/strcat/sprintf/vsprintf/gets (unbounded), atoi/atol (no error
# reporting), strtok (hidden state, not thread safe).
src=${AWP_SOURCE_DIR:?}
pattern='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok)[[:space:]]*\('
hits=$(grep -rnE "$pattern" "$src/src" "$src/include" "$src/tests/unit" "$src/tests/fuzz" --include='*.c' --include='*.h' || true)
if [ -n "$hits" ]; then
	echo "$hits"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
