"""The ctypes structs of bindings/python/loci/_capi.py against the C
compiler's layout of include/loci.h: every field's offset and every
struct's size, so a field added to loci.h without the binding fails here."""
import ctypes
import os
import subprocess
import tempfile
import unittest

from loci import _capi

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class TestLayout(unittest.TestCase):
    def test_structs_match_loci_h(self):
        lines, want = [], []
        for cname, cls in sorted(_capi.STRUCTS.items()):
            lines.append('printf("%s %%zu\\n", sizeof(%s));' % (cname, cname))
            want.append("%s %d" % (cname, ctypes.sizeof(cls)))
            for field, _ in cls._fields_:
                lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                             % (cname, field, cname, field))
                want.append("%s.%s %d" % (cname, field, getattr(cls, field).offset))
        src = ("#include <stddef.h>\n#include <stdio.h>\n#include <loci.h>\n"
               "int main(void) {\n%s\nreturn 0;\n}\n" % "\n".join(lines))
        with tempfile.TemporaryDirectory(prefix="loci-layout-") as d:
            with open(os.path.join(d, "layout.c"), "w") as f:
                f.write(src)
            exe = os.path.join(d, "layout")
            subprocess.run([os.environ.get("CC", "cc"), "-I", os.path.join(ROOT, "include"),
                            "-o", exe, os.path.join(d, "layout.c")], check=True)
            got = subprocess.run([exe], stdout=subprocess.PIPE, check=True,
                                 universal_newlines=True).stdout.split("\n")[:-1]
        self.assertEqual(got, want)

    def test_every_struct_of_loci_h_is_bound(self):
        with open(os.path.join(ROOT, "include", "loci.h")) as f:
            text = f.read()
        import re
        declared = set(re.findall(r"^typedef struct (loci_\w+) \{", text, re.M))
        self.assertEqual(declared, set(_capi.STRUCTS))


if __name__ == "__main__":
    unittest.main()
