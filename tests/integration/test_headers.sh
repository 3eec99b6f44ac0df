#!/bin/bash
# Every public header compiles alone, in strict C17, with both compilers.
src=${AWP_SOURCE_DIR:?}
pass=0 fail=0
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	for h in "$src"/include/awp/*.h "$src"/include/awp/sys/*.h; do
		rel=${h#"$src"/include/}
		if echo "#include <$rel>" | $cc -std=c17 -pedantic -Wall -Wextra -Werror -fsyntax-only -I "$src/include" -x c - 2>/tmp/awp-hdr.$$; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1)); echo "FAIL $cc $rel"; cat /tmp/awp-hdr.$$
		fi
	done
done
rm -f /tmp/awp-hdr.$$
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
