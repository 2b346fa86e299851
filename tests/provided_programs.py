#!/usr/bin/env python3
"""Every program the test command's scripts call comes from a package a fresh
Debian 12 machine gets: the packages scripts/setup.sh installs (with what they
depend on), git, or Debian's essential and required packages.

Reads the shell scripts under tests/, scripts/ and bench/, finds the words in
command position, resolves each on the system PATH (not a user's own PATH:
/usr/local, pyenv and cargo are not a fresh machine's) and asks dpkg which
package owns it. Also checks the modules the Python scripts import.

A program is optional, and may be missing, where the script probes for it
with `command -v NAME` first or installs its package itself (apt-get install
in the same script); a Python module is optional where a script probes for it
(`python3 -c 'import NAME'`). Exit 0 when all are provided, 1 with one line per call
that is not.
Usage: provided_programs.py REPO_ROOT
"""
import functools
import os
import re
import shlex
import subprocess
import sys

SYSTEM_PATH = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
PREFIXES = {"sudo", "env", "exec", "nice", "nohup", "time", "!", "then", "do", "else",
            "elif", "if", "while", "until", "{", "(", "|", "||", "&&", ";", "&", ";;", "|&"}
SEPARATORS = {"|", "||", "&&", ";", "&", ";;", "(", ")", "{", "}", "|&", "\n"}
ENDS_ARGS = {"timeout": 1}  # prefix commands and how many arguments they take before the command


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def shell_names(kind):
    return set(run(["bash", "-c", f"compgen -{kind}"]).stdout.split())


def dependency_closure(packages):
    """The installed packages apt installs for PACKAGES without recommends."""
    out = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
               "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages]).stdout
    names = set(packages)
    for line in out.splitlines():
        line = line.strip().lstrip("|")
        if ":" in line:
            line = line.split(":", 1)[1].strip()
        name = line.strip("<>").split(":")[0]
        if name:
            names.add(name)
    return names


def allowed_packages(root):
    listed = run([os.path.join(root, "scripts/setup.sh"), "--list-packages"]).stdout.split()
    if not listed:
        sys.exit("provided_programs: scripts/setup.sh --list-packages printed no packages")
    base = run(["dpkg-query", "-W", "-f", "${Package} ${Essential} ${Priority}\n"]).stdout
    required = [l.split()[0] for l in base.splitlines()
                if len(l.split()) == 3 and (l.split()[1] == "yes" or l.split()[2] == "required")]
    return dependency_closure(listed + required + ["git", "ca-certificates"]), set(listed)


@functools.lru_cache(maxsize=None)
def owner(path):
    real = os.path.realpath(path)
    for candidate in (path, real, real.replace("/usr/bin/", "/bin/"), real.replace("/bin/", "/usr/bin/")):
        out = run(["dpkg", "-S", candidate]).stdout
        if out:
            return out.split(":")[0].split(",")[0].strip()
    return None


@functools.lru_cache(maxsize=None)
def resolve(word):
    if word.startswith("/"):
        return word if os.path.exists(word) else None
    for d in SYSTEM_PATH:
        p = os.path.join(d, word)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def balanced(line):
    try:
        shlex.split(line, comments=True)
        return True
    except ValueError:
        return False


def logical_lines(text):
    """(line number, text) with continuations joined and here-document bodies left out."""
    lines = text.split("\n")
    i, heredoc = 0, None
    while i < len(lines):
        start, line = i + 1, lines[i]
        i += 1
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        while (line.endswith("\\") or not balanced(line)) and i < len(lines):
            line = (line[:-1] if line.endswith("\\") else line + "\n") + lines[i]
            i += 1
        m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        if m:
            heredoc = m.group(1)
        yield start, line


def skip_quoted(text, i):
    """The index after the quoted segment that starts at text[i]."""
    quote, i = text[i], i + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" and quote == '"' else 1
    return i + 1


def substitutions(line):
    """LINE with each $(...) and `...` replaced by $SUB, and the command lines inside them."""
    kept, found, i, in_double = [], [], 0, False
    while i < len(line):
        c = line[i]
        if c == "'" and not in_double:
            j = skip_quoted(line, i)
            kept.append(line[i:j])
            i = j
        elif c == '"':
            in_double = not in_double
            kept.append(c)
            i += 1
        elif c == "\\":
            kept.append(line[i:i + 2])
            i += 2
        elif line.startswith("$(", i):
            arithmetic = line.startswith("$((", i)
            depth, j = 1, i + 2
            while j < len(line) and depth:
                if line[j] in "'\"":
                    j = skip_quoted(line, j)
                    continue
                depth += {"(": 1, ")": -1}.get(line[j], 0)
                j += 1
            if not arithmetic:
                found.append(line[i + 2:j - 1])
            kept.append("$SUB")
            i = j
        elif c == "`":
            j = line.find("`", i + 1)
            j = len(line) if j < 0 else j
            found.append(line[i + 1:j])
            kept.append("$SUB")
            i = j + 1
        else:
            kept.append(c)
            i += 1
    return "".join(kept), found


def tokens(line):
    line = re.sub(r"\d*(?:[<>]&(?:\d+|-)|&>>?)", " ", line)  # 2>&1, >&2, &>
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        words = list(lexer)
    except ValueError:
        words = line.split()
    for k, w in enumerate(words):
        if w.startswith("#"):
            return words[:k]
    return words


class Scan:
    def __init__(self):
        self.in_case = False
        self.pattern = False

    def commands(self, line):
        """Words in command position on one logical line (state carries across lines for case)."""
        line, inner = substitutions(line)
        words = tokens(line)
        out, expect, skip, k = [], True, 0, 0
        for sub in inner:
            out += Scan().commands(sub)
        while k < len(words):
            w = words[k]
            k += 1
            if self.pattern:
                if w == ")":
                    self.pattern, expect = False, True
                continue
            if w == "esac":
                self.in_case = False
                continue
            if w == ";;" and self.in_case:
                self.pattern = True
                continue
            if skip:
                skip -= 1
                continue
            if w in SEPARATORS or w in PREFIXES:
                expect = True
                continue
            if not expect:
                continue
            expect = False
            if re.match(r"^\w+(\[[^]]*\])?\+?=", w):
                if w.endswith("=") and k < len(words) and words[k] == "(":
                    while k < len(words) and words[k] != ")":
                        k += 1
                    k += 1
                expect = True
                continue
            if w == "case":
                self.in_case, self.pattern = True, False
                while k < len(words) and words[k] != "in":
                    k += 1
                k += 1
                self.pattern = True
                continue
            if w in ("for", "select", "function"):
                while k < len(words) and words[k] not in (";", "do", "{", "("):
                    k += 1
                continue
            if w in ENDS_ARGS:
                skip = ENDS_ARGS[w]
                expect = True
                continue
            if w == "command" and k < len(words) and words[k] == "-v":
                continue
            if w == "xargs":
                while k < len(words) and words[k].startswith("-"):
                    k += 1
                expect = True
                continue
            out.append(w)
        if self.in_case and words and words[-1] == "in":
            self.pattern = True
        return out


def shell_files(root):
    for top in ("tests", "scripts", "bench"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                p = os.path.join(d, f)
                try:
                    with open(p, encoding="utf-8") as fh:
                        head = fh.readline()
                except (UnicodeDecodeError, OSError):
                    continue
                if f.endswith(".sh") or f == "check" or re.match(r"#!.*\b(ba)?sh\b", head):
                    yield p


def python_files(root):
    for top in ("tests", "scripts", "bench"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith(".py"):
                    yield os.path.join(d, f)


def check_shell(path, root, allowed, ignore, functions):
    text = open(path, encoding="utf-8").read()
    probed = set(re.findall(r"command -v ([\w.+-]+)", text))
    installs = set()
    for m in re.finditer(r"apt-get install[^\n]*", text):
        installs |= {w for w in m.group(0).split() if re.match(r"^[a-z0-9][a-z0-9.+-]+$", w)}
    scan, problems = Scan(), []
    for number, line in logical_lines(text):
        for word in scan.commands(line):
            if (word in ignore or word in functions or "$" in word or word.startswith("-")
                    or ("/" in word and not word.startswith("/")) or word.startswith("atd")
                    or not re.match(r"^[\w./+-]+$", word)):
                continue
            where = f"{os.path.relpath(path, root)}:{number}"
            found = resolve(word)
            if found is None:
                if word not in probed and not installs:
                    problems.append(f"{where}: calls {word}, which no package on this machine provides")
                continue
            package = owner(found)
            if package in allowed or package in installs or word in probed:
                continue
            problems.append(f"{where}: calls {word} ({found}, package {package}), "
                            "which scripts/setup.sh does not install")
    return problems


def check_python(path, root, allowed, probed_modules):
    """Imports of modules Debian's python3 lacks; optional where a script probes for them first."""
    text = open(path, encoding="utf-8").read()
    problems = []
    optional = set(re.findall(r"try:\s*\n\s*(?:import|from) (\w+)", text))
    imports = set(re.findall(r"^(?:import|from) (\w+)", text, re.M))
    if imports & probed_modules:
        return []  # a peer that scripts run only where its modules are present
    for number, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^(?:import|from) (\w+)", line)
        if not m or m.group(1) in optional:
            continue
        module = m.group(1)
        probe = run(["/usr/bin/python3", "-c",
                     f"import importlib.util as u; s = u.find_spec({module!r}); "
                     "print(s.origin if s else '')"])
        origin = probe.stdout.strip()
        where = f"{os.path.relpath(path, root)}:{number}"
        if not origin:
            problems.append(f"{where}: imports {module}, which Debian's python3 here cannot find")
        elif origin not in ("built-in", "frozen"):
            package = owner(origin)
            if package not in allowed:
                problems.append(f"{where}: imports {module} (package {package}), "
                                "which scripts/setup.sh does not install")
    return problems


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    allowed, listed = allowed_packages(root)
    ignore = shell_names("b") | shell_names("k") | {"[", "[[", "]]", "]", "true", "false"}
    problems, functions = [], set()
    for p in shell_files(root):  # functions of sourced libraries too
        functions |= set(re.findall(r"^\s*(?:function\s+)?([\w.-]+)\s*\(\)", open(p).read(), re.M))
    for p in sorted(shell_files(root)):
        problems += check_shell(p, root, allowed, ignore, functions)
    probed_modules = set()
    for p in shell_files(root):
        probed_modules |= set(re.findall(r"-c '?\"?import (\w+)", open(p, encoding="utf-8").read()))
    for p in sorted(python_files(root)):
        problems += check_python(p, root, allowed, probed_modules)
    for line in problems:
        print(line)
    if problems:
        print(f"FAIL: {len(problems)} calls of programs a fresh machine lacks", file=sys.stderr)
        return 1
    print(f"ok: every program called is provided ({len(listed)} packages in setup.sh's list)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
