"""Declarations of Swift source files and their access levels (a lexer, not a parser).

Used by scripts/count-access. Finds declarations at file scope and in type or extension bodies
(not locals, enum cases or protocol requirements, which take their enclosing access), with the
line and column of their access modifier. Comments and string literals (with interpolations,
multi-line and raw strings) are skipped, so braces and keywords inside them do not count.
"""
import re

DECL_KEYWORDS = {"func", "var", "let", "init", "subscript", "struct", "class", "enum", "protocol",
                 "extension", "actor", "typealias", "case", "associatedtype", "deinit"}
TYPE_KEYWORDS = {"struct", "class", "enum", "protocol", "extension", "actor"}
ACCESS = {"public", "package", "internal", "fileprivate", "private", "open"}
MODIFIERS = ACCESS | {"static", "final", "mutating", "nonmutating", "override", "lazy", "convenience",
                      "required", "indirect", "nonisolated", "dynamic", "weak", "unowned", "consuming",
                      "borrowing", "class"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokens(text):
    """(kind, value, line, col) for code tokens; kinds: id, punct, nl, str."""
    out = []
    i, n, line, col0 = 0, len(text), 1, 0
    # Stack of open string contexts: (hashes, multiline, paren depth of the interpolation or None).
    def emit(kind, value, start):
        out.append((kind, value, line, start - col0 + 1))

    def skip_string(i, hashes, multiline):
        """i is just after the opening quote(s); returns index after the closing quote(s)."""
        nonlocal line, col0
        close = ('"""' if multiline else '"') + "#" * hashes
        esc = "\\" + "#" * hashes
        while i < n:
            if text.startswith(close, i):
                return i + len(close)
            if text.startswith(esc, i):
                j = i + len(esc)
                if j < n and text[j] == "(":
                    i = skip_code_parens(j + 1)
                    continue
                if j < n and text[j] == "\n":
                    line += 1
                    col0 = j + 1
                i = j + 1
                continue
            if text[i] == "\n":
                line += 1
                col0 = i + 1
            i += 1
        return i

    def skip_code_parens(i):
        """Inside an interpolation: skips to after the matching ')'."""
        nonlocal line, col0
        depth = 1
        while i < n and depth:
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif c == "\n":
                line += 1
                col0 = i + 1
            elif c == '"' or (c == "#" and re.match(r'#+"', text[i:])):
                i = string_at(i)
                continue
            i += 1
        return i

    def string_at(i):
        m = re.match(r'(#*)("""|")', text[i:])
        hashes, q = len(m.group(1)), m.group(2)
        return skip_string(i + m.end(), hashes, q == '"""')

    while i < n:
        c = text[i]
        if c == "\n":
            emit("nl", "\n", i)
            line += 1
            col0 = i + 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    if text[i] == "\n":
                        line += 1
                        col0 = i + 1
                    i += 1
        elif c == '"' or (c == "#" and re.match(r'#+"', text[i:])):
            start = i
            i = string_at(i)
            emit("str", '""', start)
        elif c == "`":
            j = text.index("`", i + 1)
            emit("id", text[i + 1:j], i)
            i = j + 1
        elif IDENT.match(c):
            m = IDENT.match(text, i)
            emit("id", m.group(0), i)
            i = m.end()
        else:
            emit("punct", c, i)
            i += 1
    return out


class Decl:
    def __init__(self, kind, name, line, col, access, access_col, explicit, parent, path):
        self.kind, self.name, self.line, self.col = kind, name, line, col
        self.access, self.access_col, self.explicit = access, access_col, explicit
        self.parent, self.path = parent, path

    def __repr__(self):
        return f"{self.path}:{self.line}: {self.access} {self.kind} {self.parent + '.' if self.parent else ''}{self.name}"


def decls(path, text=None):
    if text is None:
        text = open(path, encoding="utf-8").read()
    toks = tokens(text)
    result = []
    # Scope stack: (kind, name, default access) where kind is a type keyword or "code".
    stack = []
    pending = None  # (keyword, name, access) of the last declaration header since a brace
    stmt_start = 0  # index of the first token of the current statement (for modifiers)
    k = 0
    while k < len(toks):
        kind, val, line, col = toks[k]
        prev = toks[k - 1] if k else None
        if kind == "punct" and val == "{":
            if pending and pending[0] in TYPE_KEYWORDS:
                stack.append(pending)
            else:
                stack.append(("code", None, None))
            pending = None
            stmt_start = k + 1
        elif kind == "punct" and val == "}":
            if stack:
                stack.pop()
            pending = None
            stmt_start = k + 1
        elif kind == "punct" and val == ";":
            stmt_start = k + 1
        elif kind == "id" and val in DECL_KEYWORDS and not (prev and prev[0] == "punct" and prev[1] in ".\\"):
            # A declaration keyword. Its modifiers are the identifiers just before it, back to the
            # previous newline or statement boundary, skipping attributes.
            j = k - 1
            mods = []
            while j >= stmt_start:
                t = toks[j]
                if t[0] == "nl":
                    # Attributes may sit on the line above; modifiers are on this line here.
                    break
                if t[0] == "id" and t[1] in MODIFIERS:
                    nxt = toks[j + 1]
                    if not (nxt[0] == "punct" and nxt[1] == "("):
                        mods.append(t)
                    j -= 1
                elif t[0] == "punct" and t[1] == ")":
                    # private(set) or an attribute's arguments: skip to the matching "(".
                    depth = 0
                    while j >= stmt_start:
                        if toks[j][0] == "punct" and toks[j][1] == ")":
                            depth += 1
                        elif toks[j][0] == "punct" and toks[j][1] == "(":
                            depth -= 1
                            if depth == 0:
                                break
                        j -= 1
                    j -= 1
                elif t[0] == "id" and j > 0 and toks[j - 1][0] == "punct" and toks[j - 1][1] == "@":
                    j -= 2
                elif t[0] == "id" and j + 1 < k and toks[j + 1][0] == "punct" and toks[j + 1][1] == "(":
                    j -= 1  # attribute name before its arguments, e.g. @inline(__always)
                else:
                    break
            is_decl = j < stmt_start or toks[j][0] == "nl" or (toks[j][0] == "punct" and toks[j][1] in "{};")
            if is_decl:
                name = val
                if val not in ("init", "deinit", "subscript"):
                    m = k + 1
                    while m < len(toks) and toks[m][0] == "nl":
                        m += 1
                    if m < len(toks) and toks[m][0] == "id":
                        name = toks[m][1]
                    elif m < len(toks):
                        name = toks[m][1]
                acc_tok = next((t for t in mods if t[1] in ACCESS), None)
                access = acc_tok[1] if acc_tok else None
                in_types = all(s[0] != "code" for s in stack)
                parent = stack[-1] if stack else None
                if in_types and val != "case" and not (parent and parent[0] == "protocol") and val != "associatedtype":
                    explicit = access is not None
                    if access is None:
                        access = parent[2] if parent and parent[0] == "extension" and parent[2] else "internal"
                    first_mod_col = min([t[3] for t in mods] + [col])
                    result.append(Decl(val, name, line, col, access, acc_tok[3] if acc_tok else first_mod_col,
                                       explicit, parent[1] if parent else None, path))
                pending = (val, name if val != "extension" else _ext_name(toks, k), access)
        elif kind == "nl":
            pass
        k += 1
    return result


def _ext_name(toks, k):
    names = []
    m = k + 1
    while m < len(toks) and (toks[m][0] == "id" or (toks[m][0] == "punct" and toks[m][1] == ".")):
        names.append(toks[m][1])
        m += 1
    return "".join(names)
