"""Turns a callgrind profile of eni-config-agent into image/hot-functions.txt, the ordering
of function names image/build links with (docs/benchmarks.md, "The code layout").

Usage: python3 hot_functions.py LINK_MAP CALLGRIND_OUT BINARY_NAME FUNCTIONS_OUT

Works from executed *addresses* (callgrind --dump-instr=yes --compress-pos=no), maps them to
the linker's input sections through the link map (lld -Map --no-demangle), and writes an lld
--symbol-ordering-file: for each executed section, a symbol that names it and nothing else.
lld orders sections by the symbols they define, and names are not unique: Swift emits local
value witnesses, outlined copies and merged functions (`$sSqwxx`, `objectdestroyTm`, ...)
under the same name in many objects, and the toolchain's static libraries keep most code in
one plain `.text` per object (the whole standard library is one 1.6 MB section). A name
defined anywhere that did not run would drag that code along, so such names are not used.
The executed sections no unique name reaches are mostly the compiler's unnamed helpers, which
image/helpers-first.ld places by pattern instead.
"""
import bisect
import re
import sys
from collections import defaultdict

SECTION = re.compile(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ {9}(\S.*):\((\S+)\)$")
SYMBOL = re.compile(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+ {17}(\S+)$")
OUTPUT = re.compile(r"\s*[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+ (\S+)$")


class Section:
    def __init__(self, start, size, file, name):
        self.start, self.size, self.file, self.name, self.symbols = start, size, file, name, []


def text_sections(map_path):
    """Input sections of the output .text, sorted by address."""
    sections, in_text = [], False
    with open(map_path, errors="replace") as lines:
        for line in lines:
            if match := OUTPUT.match(line):
                in_text = match.group(1) == ".text"
            elif not in_text:
                continue
            elif match := SECTION.match(line):
                sections.append(Section(int(match.group(1), 16), int(match.group(2), 16), match.group(3), match.group(4)))
            elif (match := SYMBOL.match(line)) and sections:
                sections[-1].symbols.append(match.group(2))
    # The map leaves out C++ functions with internal linkage, but -ffunction-sections names
    # each one's section after it, and the object's symbol table has it to order by.
    # (Private functions, `.text..L...`, have no symbol at all.)
    for section in sections:
        if not section.symbols and section.name.startswith(".text.") and not section.name.startswith(
            (".text.unlikely.", ".text.startup.", ".text..L")
        ):
            section.symbols.append(section.name[len(".text."):])
    sections.sort(key=lambda section: section.start)
    return sections


def executed_addresses(callgrind_path, binary_name):
    """Instruction addresses callgrind saw executed in the binary."""
    addresses, current_object = set(), ""
    with open(callgrind_path, errors="replace") as lines:
        for line in lines:
            if line.startswith("ob="):
                current_object = line[3:].strip()
            elif line.startswith("0x") and current_object.endswith("/" + binary_name):
                addresses.add(int(line.split(" ", 1)[0], 16))
    return addresses


def main(map_path, callgrind_path, binary_name, functions_out):
    sections = text_sections(map_path)
    starts = [section.start for section in sections]
    ran = set()
    for address in executed_addresses(callgrind_path, binary_name):
        index = bisect.bisect_right(starts, address) - 1
        if index >= 0 and address < sections[index].start + sections[index].size:
            ran.add(index)

    definitions = defaultdict(set)
    for index, section in enumerate(sections):
        for name in section.symbols:
            definitions[name].add(index)

    names, unnamed = set(), []
    for index in sorted(ran):
        exact = [name for name in sections[index].symbols if definitions[name] <= ran]
        if exact:
            names.add(min(exact))
        else:
            unnamed.append(sections[index])

    with open(functions_out, "w") as out:
        out.write("\n".join(sorted(names)) + "\n")
    ran_bytes = sum(sections[index].size for index in ran)
    print(
        f"{len(ran)} sections ran ({ran_bytes / 1e6:.2f} MB): {len(names)} ordered by name, "
        f"{len(unnamed)} ({sum(s.size for s in unnamed) / 1e3:.0f} KB) without a name of their own",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
