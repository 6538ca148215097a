"""Tests of hot_functions.py on a small link map and profile in the formats lld and callgrind
write (python3 -m unittest discover -s image; ci/check-image runs it)."""
import os
import tempfile
import unittest

import hot_functions

# lld -Map --no-demangle: output sections, input sections (9 spaces before the file) and
# their symbols (17 spaces). Addresses: VMA, LMA, size, alignment.
LINK_MAP = """\
             VMA              LMA     Size Align Out     In      Symbol
          200000           200000      100    16 .rodata
          200000           200000      100    16         /b/release/App.build/Main.swift.o:(.rodata)
          300000           300000     1000    16 .text.helpers
          400000           400000     2000    64 .text
          400000           400000       20    16         /b/release/App.build/Main.swift.o:(.text.$s3App4mainyyF)
          400000           400000       20     1                 $s3App4mainyyF
          400020           400020       10    16         /b/release/App.build/Main.swift.o:(.text..L__unnamed_1)
          400030           400030       10    16         /b/release/App.build/Main.swift.o:(.text.objectdestroyTm)
          400030           400030       10     1                 objectdestroyTm
          400040           400040     1000    16         /opt/lib/libswiftCore.a(Swift.o):(.text)
          400040           400040      800     1                 $ss6UniqueyyF
          400840           400840      800     1                 objectdestroyTm
          401040           401040      800    16         /b/release/Dep.build/Other.swift.o:(.text)
          401040           401040      800     1                 objectdestroyTm
          401840           401840       30    16         /opt/lib/lib_FoundationICU.a(uregex.cpp.o):(.text._ZL8internalv)
          401870           401870       40    16         /b/release/App.build/Main.swift.o:(.text.$s3App6unusedyyF)
          401870           401870       40     1                 $s3App6unusedyyF
          4018b0           4018b0       10    16         /b/release/App.build/Main.swift.o:(.text.unlikely.cold)
"""

# callgrind --dump-instr=yes --compress-pos=no --compress-strings=no
PROFILE = """\
version: 1
positions: instr line
events: Ir
ob=/lib/x86_64-linux-gnu/libc.so.6
fn=memcpy
0x401870 0 3
ob=/tmp/work/eni-config-agent
fn=$s3App4mainyyF
0x400004 0 2
calls=1 0x400030
0x400008 0 1
fn=0x0000000000400020
0x400024 0 1
fn=objectdestroyTm
0x400030 0 1
fn=$ss6UniqueyyF
0x400100 0 7
fn=_ZL8internalv
0x401850 0 4
0x4018b4 0 1
0x200010 0 1
"""


class HotFunctionsTests(unittest.TestCase):
    def layout(self):
        with tempfile.TemporaryDirectory() as directory:
            paths = [os.path.join(directory, name) for name in ("map", "profile", "functions")]
            for path, text in zip(paths, (LINK_MAP, PROFILE)):
                with open(path, "w") as file:
                    file.write(text)
            hot_functions.main(paths[0], paths[1], "eni-config-agent", paths[2])
            with open(paths[2]) as functions:
                return functions.read().split()

    def test_orders_executed_sections_by_a_name_no_unexecuted_section_shares(self):
        functions = self.layout()
        # main and the standard library's .text by their unique names; the C++ function with
        # internal linkage by the name its section carries. Not objectdestroyTm: Other.swift.o
        # defines it too and did not run. Not the function that never ran.
        self.assertEqual(functions, ["$s3App4mainyyF", "$ss6UniqueyyF", "_ZL8internalv"])

    def test_ignores_other_objects_and_addresses_outside_text(self):
        # libc's 0x401870 is the unused function's address in the agent, and 0x200010 lies in
        # .rodata: neither may count as executed.
        functions = self.layout()
        self.assertNotIn("$s3App6unusedyyF", functions)


if __name__ == "__main__":
    unittest.main()
