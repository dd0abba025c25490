#!/usr/bin/env python3
"""Writes the man page and the bash completion of the casreport tool from its own --help.

    cli_docs.py CLI --man casreport.1 --completion casreport.bash

Both come from one parse of the help text, so neither can disagree with it, and a new option
needs no edit here. The help is laid out like a man page, and the parse relies on that layout:

    SECTION               a line at column 0 in capitals: .SH
      Subheading          at column 2: .SS
    --option ARG  text    an entry at column 4: a term (an option, or one word such as an exit
                          status), two or more spaces, its text, continued on deeper lines: .TP
    prose                 other lines at column 4, joined into paragraphs: .PP
        verbatim          deeper lines outside an entry (lists, commands): kept as they are

In the completion, an option's argument is a file when it names one (FILE, PATH, DIR,
REPORT.json), one of its words when it lists them (json|text|md), and typed freely otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

BASE = 4  # the column of entries and prose
SECTION = re.compile(r"^[A-Z][A-Z ]*[A-Z]$")
# A term, then two or more spaces, then its text. The term is an option ("-o, --output FILE")
# or a single word ("0" of EXIT STATUS); prose is neither.
ENTRY = re.compile(r"^(-\S.*?|[^\s-]\S*)(?: {2,}(\S.*))?$")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


@dataclass
class Entry:
    term: str
    text: List[str] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # "subheading", "paragraph", "entry", "verbatim"
    lines: List[str] = field(default_factory=list)
    entry: Optional[Entry] = None


@dataclass
class Section:
    title: str
    blocks: List[Block] = field(default_factory=list)


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def text_column(lines: List[str]) -> Optional[int]:
    """The column where the text of option entries starts (the most common one)."""
    columns: dict = {}
    for line in lines:
        m = re.match(r"^( {%d}-\S.*?  +)\S" % BASE, line)
        if m:
            columns[len(m.group(1))] = columns.get(len(m.group(1)), 0) + 1
    return max(columns, key=columns.get) if columns else None


def split_entry(line: str, column: Optional[int]) -> Optional[Tuple[str, Optional[str]]]:
    """(term, text) of an entry line at the base column, or None for prose."""
    text = line.strip()
    m = ENTRY.match(text)
    if m and (m.group(2) or text.startswith("-")):
        if not m.group(2) and column and len(line) > column and line[column - 1] == " " \
                and line[column] != " " and " " in line[column:]:
            # A term that fills the space before the text column leaves one space, not two:
            # "--company-min-users N distinct users ...". A single word there is the
            # option's argument, not text.
            return line[:column].strip(), line[column:]
        return m.group(1), m.group(2)
    return None


def parse(help_text: str) -> List[Section]:
    sections: List[Section] = []
    current: Optional[Block] = None
    lines = help_text.expandtabs().splitlines()
    column = text_column(lines)
    for raw in lines:
        line = raw.rstrip()
        if not line:
            current = None
            continue
        if SECTION.match(line):
            sections.append(Section(line))
            current = None
            continue
        if not sections:
            raise SystemExit(f"cli_docs: text before the first section: {line!r}")
        blocks = sections[-1].blocks
        indent, text = indent_of(line), line.strip()
        if indent < BASE:
            blocks.append(Block("subheading", [text]))
            current = None
        elif indent == BASE:
            entry = split_entry(line, column)
            if entry:
                current = Block("entry", entry=Entry(entry[0]))
                if entry[1]:
                    current.entry.text.append(entry[1])
                blocks.append(current)
            elif current is not None and current.kind == "paragraph":
                current.lines.append(text)
            else:
                current = Block("paragraph", [text])
                blocks.append(current)
        elif current is not None and current.kind == "entry":
            current.entry.text.append(text)
        elif current is not None and current.kind == "verbatim":
            current.lines.append(line)
        else:
            current = Block("verbatim", [line])
            blocks.append(current)
    return sections


# ---- the man page ----

def roff_text(s: str) -> str:
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s[:1] in (".", "'") else s


def roff_arg(s: str) -> str:
    return '"' + roff_text(s).replace('"', '\\(dq') + '"'


def roff_term(term: str) -> str:
    """Options in bold, their arguments in italics: \\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIFILE\\fR;
    any other term (an exit status) in bold."""
    if not term.startswith("-"):
        return f"\\fB{roff_text(term)}\\fR"
    words = []
    for word in term.split(" "):
        comma = word.endswith(",")
        core = word[:-1] if comma else word
        style = "B" if core.startswith("-") else "I"
        words.append(f"\\f{style}{roff_text(core)}\\fR" + ("," if comma else ""))
    return " ".join(words)


def man_page(sections: List[Section], version: str, date: str) -> str:
    out = [
        '.\\" Generated by cmake/cli_docs.py from `casreport --help`; edit the help, not this.',
        f".TH CASREPORT 1 {roff_arg(date)} {roff_arg('casreport ' + version)} "
        f"{roff_arg('User Commands')}",
        ".nh",    # option names and paths are not to be hyphenated
        ".ad l",  # nor spread to the right margin
    ]
    for section in sections:
        out.append(f".SH {roff_arg(section.title)}")
        for i, block in enumerate(section.blocks):
            if block.kind == "subheading":
                out.append(f".SS {roff_arg(block.lines[0])}")
            elif block.kind == "paragraph":
                if i > 0:
                    out.append(".PP")
                lines = [roff_text(s) for s in block.lines]
                if section.title == "SYNOPSIS":  # the command name in bold
                    lines = [re.sub(r"^casreport\b", r"\\fBcasreport\\fR", s) for s in lines]
                out += lines
            elif block.kind == "entry":
                out += [".TP", roff_term(block.entry.term)]
                out += [roff_text(s) for s in block.entry.text]
            else:
                margin = min(indent_of(s) for s in block.lines)
                out += [".PP", ".RS", ".nf"]
                out += [roff_text(s[margin:]) for s in block.lines]
                out += [".fi", ".RE"]
    return "\n".join(out) + "\n"


# ---- the bash completion ----

def options_of(sections: List[Section]) -> List[Tuple[List[str], Optional[str]]]:
    """(names, argument) of each entry of OPTIONS: (["-o", "--output"], "FILE")."""
    found = []
    for section in sections:
        if section.title != "OPTIONS":
            continue
        for block in section.blocks:
            if block.kind != "entry" or not block.entry.term.startswith("-"):
                continue
            names, argument = [], None
            for part in block.entry.term.split(", "):
                name, _, arg = part.partition(" ")
                names.append(name)
                argument = arg or argument
            found.append((names, argument))
    return found


def completion(sections: List[Section], version: str) -> str:
    options = options_of(sections)
    if not options:
        raise SystemExit("cli_docs: no OPTIONS entries in the help")
    every = " ".join(n for names, _ in options for n in names)
    files, free, choices = [], [], []
    for names, argument in options:
        if argument is None:
            continue
        pattern = "|".join(names)
        if "|" in argument:
            choices.append(f"        {pattern})\n"
                           f"            COMPREPLY=($(compgen -W '{' '.join(argument.split('|'))}'"
                           f' -- "$cur"))\n            return ;;')
        elif any(w in argument for w in ("FILE", "PATH", "DIR", ".", "/")):
            files += names
        else:
            free += names
    cases = list(choices)
    if files:
        cases.append(f"        {'|'.join(files)})\n"
                     "            _casreport_files\n            return ;;")
    if free:
        cases.append(f"        {'|'.join(free)})\n            return ;;  # a value to type")
    return f"""\
# bash completion for casreport {version}.
# Generated by cmake/cli_docs.py from `casreport --help`; edit the help, not this.

_casreport_files() {{
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
}}

_casreport() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=
    ((COMP_CWORD > 0)) && prev=${{COMP_WORDS[COMP_CWORD - 1]}}
    COMPREPLY=()
    case $prev in
{chr(10).join(cases)}
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '{every}' -- "$cur"))
        return
    fi
    _casreport_files
}}
complete -F _casreport casreport
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cli", help="the casreport executable")
    ap.add_argument("--man", help="write the man page here")
    ap.add_argument("--completion", help="write the bash completion here")
    args = ap.parse_args()

    def run(flag: str) -> str:
        return subprocess.run([args.cli, flag], check=True, stdout=subprocess.PIPE,
                              encoding="utf-8").stdout

    first = run("--version").splitlines()[0]
    version = first.split()[-1]
    sections = parse(run("--help"))
    if not sections or sections[0].title != "NAME":
        raise SystemExit("cli_docs: the help does not start with NAME")
    # Reproducible builds set SOURCE_DATE_EPOCH; otherwise the page carries today's date.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc))
    outputs = []
    if args.man:
        outputs.append((args.man, man_page(sections, version, when.strftime("%Y-%m-%d"))))
    if args.completion:
        outputs.append((args.completion, completion(sections, version)))
    for path, text in outputs:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
