#!/usr/bin/python3
# tests/man-example.py - write the files of one example of netns.conf(5) as pasted from it:
#   man-example.py SECTION-TITLE [ROOT [ROOT2...]]
# Each ".I /PATH" of the example that an .EX block follows is written to ROOT/PATH (ROOT
# default /), its directories made; troff's escapes for "-" and "'" undone. A path the example
# names again (the same file on another host) goes under ROOT2, a third time under ROOT3, and
# so on. Prints the paths; fails when the section has no such file.
import os
import re
import sys

title, roots = sys.argv[1], (sys.argv[2:] or ["/"])
man = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "man", "netns.conf.5")).read()
if ".SS " + title + "\n" not in man:
    sys.exit("man-example.py: no section '%s' in netns.conf(5)" % title)
sec = man.split(".SS " + title + "\n", 1)[1].split("\n.SS ", 1)[0]
n = 0
seen = {}
for path, body in re.findall(r"\.I (/[^\n]+)\n\.PP\n\.RS 4\n\.EX\n(.*?)\.EE\n", sec, re.S):
    k = seen[path] = seen.get(path, -1) + 1
    if k >= len(roots):
        sys.exit("man-example.py: %s is named %d times in '%s'; give a root for each" % (path, k + 1, title))
    dest = os.path.join(roots[k], path.lstrip("/"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        f.write(body.replace("\\-", "-").replace("\\(aq", "'"))
    print(path)
    n += 1
if n == 0:
    sys.exit("man-example.py: no file in the example '%s'" % title)
