"""Where the installed module finds libloci: `make install` writes this file
again with the shared library of its prefix. In the source tree it names
none (set LOCI_LIBRARY, or the system's libloci.so.0 is used)."""
LIBRARY = None
