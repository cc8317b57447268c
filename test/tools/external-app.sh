#!/bin/sh
# An app outside the repository builds and runs like the in-tree ones, a
# file added later is picked up, and a broken one fails with the compiler's
# message without breaking other apps; -e and the default environment
# reach getenv(). Uses its own build folder, beside the worlds' in build/
# so that ccache finds their objects (see amphi's use_ccache).
#   external-app.sh SOURCE_ROOT
set -eu
top=$1
work=$(mktemp -d)
mkdir -p "$top/build"
build=$(mktemp -d "$top/build/external-app.XXXXXX")
trap 'rm -rf "$work" "$build"' EXIT
amphi="$top/amphi --build-dir $build"
app=$work/my-app
mkdir -p "$app"

fail() { echo "FAIL: $*"; exit 1; }

cat > "$app/main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int twice(int x);
int main(int argc, char *argv[])
{
	printf("my-app: %d args, first=%s, twice=%d\n", argc - 1,
	       argc > 1 ? argv[1] : "-", twice(21));
	return argc > 1 ? atoi(argv[1]) : 0;
}
C
echo 'int twice(int x) { return 2 * x; }' > "$app/twice.c"

out=$($amphi run -q "$app" -- 5 "two words") && rc=0 || rc=$?
echo "$out"
[ "$rc" = 5 ] || fail "exit status $rc, expected 5"
echo "$out" | grep -qx 'my-app: 2 args, first=5, twice=42' || fail "output"

# A new file in the folder is seen without any manual step.
cat > "$app/extra.c" <<'C'
#include <stdio.h>
static void __attribute__((used)) unused_helper(void) { puts("x"); }
C
sed -i 's/return 2 \* x;/return 3 * x;/' "$app/twice.c"
out=$($amphi run -q "$app") || fail "second run failed"
echo "$out" | grep -qx 'my-app: 0 args, first=-, twice=63' || fail "rebuild"

# A broken app reports the compiler's error and exits non-zero...
bad=$work/bad-app
mkdir -p "$bad"
echo 'int main(void) { return no_such_function(); }' > "$bad/main.c"
if $amphi run "$bad" > "$work/bad.log" 2>&1; then
	fail "a broken app built"
fi
grep -q "no_such_function" "$work/bad.log" || fail "no compiler message"
# ...and does not break the others.
$amphi run -q hello > /dev/null || fail "hello broken by a bad app"
# The environment: defaults, the host's TERM, -e (the last one wins).
envapp=$work/env-app
mkdir -p "$envapp"
cat > "$envapp/main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
static void show(const char *name)
{
	const char *v = getenv(name);
	printf("%s=%s\n", name, v ? v : "(unset)");
}
int main(void)
{
	show("HOME");
	show("PATH");
	show("TERM");
	show("GREETING");
	return 0;
}
C
out=$(TERM=vt100 $amphi run -q "$envapp" -e GREETING=hi=there \
	--env HOME=/root -e "GREETING=it's  \"x\"") || fail "env app failed"
echo "$out"
[ "$out" = "$(printf 'HOME=/root\nPATH=/bin\nTERM=vt100\nGREETING=%s' \
	"it's  \"x\"")" ] || fail "environment"
out=$(env -u TERM $amphi run -q "$envapp" -e TERM=dumb) || fail "env app"
echo "$out" | grep -qx 'TERM=dumb' || fail "-e TERM over no TERM"
echo "$out" | grep -qx 'HOME=/' || fail "default HOME"
out=$(env -u TERM $amphi run -q "$envapp") || fail "env app"
echo "$out" | grep -qx 'TERM=(unset)' || fail "TERM without a host TERM"
if $amphi run -q "$envapp" -e NOEQUALS > "$work/env.log" 2>&1; then
	fail "-e without = accepted"
fi
grep -q "give NAME=VALUE" "$work/env.log" || fail "no message for a bad -e"
echo "external apps: ok"
