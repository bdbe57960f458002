#!/usr/bin/env python3
"""Fails when libotel's modules depend on each other in a circle.

A module is a .c file and its .h (span.c and span.h are the module span).
Module A depends on module B in two ways, and both are checked:
  - includes: a file of A includes B's header with #include "...";
  - calls: A's object file uses a symbol that B's defines (read with nm),
    which also sees the calls that go through the public headers.
The dependencies must point one way: every strongly connected component of
either graph has one module. Each circle found is printed with the edges
that close it.

    scripts/lint/module-cycles.py SOURCE_DIR OBJECT_DIR
    (make lint: libotel/src and build/release/libotel/src)
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)\.h"', re.M)


def includes(root):
    """{module: set of the modules it includes}, modules named by path."""
    graph = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            module = os.path.relpath(path, root)[:-2]
            with open(path, encoding="utf-8") as f:
                text = f.read()
            deps = graph.setdefault(module, set())
            for inc in INCLUDE.findall(text):
                # Relative to the including file, else to the source root.
                local = os.path.normpath(os.path.join(os.path.relpath(folder, root), inc))
                deps.add(local if os.path.exists(os.path.join(root, local + ".h")) else inc)
    for module, deps in graph.items():
        deps.discard(module)
        deps.intersection_update(graph)
    return graph


def components(graph):
    """Strongly connected components (Tarjan), iteratively."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def calls(objects, source):
    """{module: set of the modules whose symbols its object file uses}; only
    the objects whose source is still there (a removed file's object may be
    left in the build)."""
    defined, used = {}, {}
    for folder, _, files in os.walk(objects):
        for name in files:
            if not name.endswith(".o"):
                continue
            path = os.path.join(folder, name)
            module = os.path.relpath(path, objects)[:-2]
            if not os.path.exists(os.path.join(source, module + ".c")):
                continue
            used.setdefault(module, set())
            out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[1] in "TDBRC":
                    defined[fields[2]] = module
                elif len(fields) == 2 and fields[0] == "U":
                    used[module].add(fields[1])
    return {m: {defined[s] for s in syms if s in defined and defined[s] != m} for m, syms in used.items()}


def report(kind, where, graph):
    circles = [c for c in components(graph) if len(c) > 1]
    for circle in circles:
        print(f"module-cycles: {len(circle)} modules of {where} depend on each other ({kind}):")
        for module in circle:
            inside = sorted(d for d in graph[module] if d in circle)
            print(f"  {module} -> {', '.join(inside)}")
    return len(circles)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, objects = sys.argv[1], sys.argv[2]
    found = report("includes", source, includes(source))
    found += report("calls", objects, calls(objects, source))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
