#!/usr/bin/env bash
# The documentation's references, as make lint checks them
# (scripts/lint/docs.py): every relative Markdown link resolves inside the
# repository (a #fragment to a heading of its page), every `make TARGET`
# the docs name exists, and no file points outside the repository. The
# checker is first run on a small tree that breaks each rule, so that a
# checker that stopped seeing a breach cannot pass.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/tests/support/assert.sh"
WORK=$(mktemp -d /tmp/docs-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/docs"
printf 'build:\n\ttrue\n' >"$WORK/Makefile"
cat >"$WORK/README.md" <<'MD'
# A page

## A heading

[fine](docs/page.md#there) [here](#a-heading) [web](https://example.org)
[gone](docs/gone.md) [wrong](docs/page.md#nowhere) [out](../elsewhere.md)

`make build` is fine, `make nope` is not.

```sh
make VARIANT=release missing
libotel/   what each make target builds (prose in a block: not a command)
```
MD
printf '# Page\n\n## There\n\nAs ../%s/notes says.\n' shared >"$WORK/docs/page.md"
out=$(python3 "$TOP/scripts/lint/docs.py" "$WORK")
check checker_fails_on_a_broken_tree test $? -eq 1
check sees_a_missing_file grep -qx 'README.md:6: docs/gone.md: no such file' <<<"$out"
check sees_a_missing_heading grep -qx 'README.md:6: docs/page.md#nowhere: no such heading' <<<"$out"
check sees_a_link_outside grep -qx 'README.md:6: ../elsewhere.md: outside the repository' <<<"$out"
check sees_a_missing_target grep -qx 'README.md:8: make nope: no such target' <<<"$out"
check sees_a_missing_target_in_code grep -qx 'README.md:11: make missing: no such target' <<<"$out"
check sees_a_pointer_outside grep -qx 'docs/page.md:5: points outside the repository' <<<"$out"
check lets_the_rest_be eq "$(wc -l <<<"$out")" 6
check repository_docs_hold python3 "$TOP/scripts/lint/docs.py" "$TOP"
finish docs
