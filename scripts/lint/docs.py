#!/usr/bin/env python3
"""The documentation's references hold (make lint):
  - every relative link of a Markdown file names a file or folder inside
    the repository, and a #fragment names a heading of the page it points to;
  - every `make TARGET` the Markdown files name, in code, is a target of the
    Makefile;
  - no file of the repository points outside it (../shared/, CONTRACT.md).
Prints each broken reference; exits 1 if there is any.

  scripts/lint/docs.py [TOP]
"""
import os
import re
import subprocess
import sys

SKIP_DIRS = {".git", "build", "node_modules", ".data"}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`]+)`")
MAKE = re.compile(r"(?:^|[\s(;&|])make\s+((?:-\S+\s+|[A-Z_]+=\S*\s+)*)([a-z][a-z0-9-]*)")
# In a code block, a command: make at the start of a line (after a prompt),
# or after && or ;.
MAKE_COMMAND = re.compile(r"(?:^\s*(?:\$\s+)?|&&\s*|;\s*)make\s+((?:-\S+\s+|[A-Z_]+=\S*\s+)*)([a-z][a-z0-9-]*)")
OUTSIDE = re.compile(r"\.\./shared/|\bCONTRACT\b")


def files(top, suffix=None):
    for root, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for n in names:
            if suffix is None or n.endswith(suffix):
                yield os.path.join(root, n)


def slug(heading):
    """A heading's anchor, as GitHub makes it."""
    text = re.sub(r"`|\*\*|\*", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def prose_and_code(path):
    """The file's lines outside code blocks, and the code: (prose, code)."""
    prose, code, fenced = [], [], False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            (code if fenced else prose).append((number, line.rstrip("\n")))
    return prose, code


def anchors(path):
    prose, _ = prose_and_code(path)
    return {slug(line.lstrip("#")) for _, line in prose if line.startswith("#")}


def targets(top):
    out = subprocess.run(["make", "-C", top, "-pRrq", ":"], capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"^([A-Za-z0-9_.%-]+):(?!=)", line)
        if m and not line.startswith("#"):
            names.add(m.group(1))
    return names


def main():
    top = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else ".")
    made = targets(top)
    problems = []
    for path in sorted(files(top, ".md")):
        shown = os.path.relpath(path, top)
        prose, code = prose_and_code(path)
        for number, line in prose:
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):
                    continue  # http:, https:, mailto:
                file_part, _, fragment = target.partition("#")
                dest = os.path.realpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                if dest != top and not dest.startswith(top + os.sep):
                    problems.append(f"{shown}:{number}: {target}: outside the repository")
                elif not os.path.exists(dest):
                    problems.append(f"{shown}:{number}: {target}: no such file")
                elif fragment and dest.endswith(".md") and fragment not in anchors(dest):
                    problems.append(f"{shown}:{number}: {target}: no such heading")
        spans = [(n, s, MAKE) for n, line in prose for s in CODE_SPAN.findall(line)]
        for number, text, pattern in spans + [(n, line, MAKE_COMMAND) for n, line in code]:
            for _, target in pattern.findall(text):
                if target not in made:
                    problems.append(f"{shown}:{number}: make {target}: no such target")
    for path in sorted(files(top)):
        if path.endswith(os.path.join("lint", "docs.py")):
            continue  # this file names what it looks for
        try:
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    if OUTSIDE.search(line):
                        problems.append(f"{os.path.relpath(path, top)}:{number}: points outside the repository")
        except (UnicodeDecodeError, OSError):
            continue
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
