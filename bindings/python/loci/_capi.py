"""The C API of libloci (include/loci.h) through ctypes: the library, its
structs and its function prototypes. Nothing here is meant for users; the
`loci` package wraps it (loci/__init__.py).

The library is the first of: $LOCI_LIBRARY, the one `make install` wrote
into _library.py (that of the module's own prefix), ctypes.util.find_library
("loci"), libloci.so.0. The struct layouts are those of libloci's major
version 0; tests/python/test_layout.py compares them with the C compiler's.
"""
import ctypes
import ctypes.util
import os

from . import _library

MAJOR = 0  # the libloci major version these layouts are for

c_uint = ctypes.c_uint
c_int = ctypes.c_int
u32 = ctypes.c_uint32
u64 = ctypes.c_uint64
c_double = ctypes.c_double
c_size_t = ctypes.c_size_t
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER

WARN_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p)
ERRMSG_MAX = 512


class Error_t(ctypes.Structure):
    _fields_ = [("code", c_int), ("message", ctypes.c_char * ERRMSG_MAX)]


class BuildStats(ctypes.Structure):
    _fields_ = [(name, u64) for name in (
        "documents", "passages", "terms", "tokens", "input_bytes", "index_bytes",
        "skipped_files", "runs", "invalid_utf8", "added", "replaced", "deleted",
        "unchanged", "segments", "live_documents", "deleted_documents")] + [("committed", c_int)] + [
        ("symlinks_skipped", u64), ("duplicates", u64)]


class BuildOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("stem_language", c_char_p),
        ("passage_mode", c_int),
        ("passage_tokens", c_uint),
        ("passage_stride", c_uint),
        ("input_format", c_int),
        ("id_field", c_char_p),
        ("title_field", c_char_p),
        ("text_field", c_char_p),
        ("replace_invalid_utf8", c_int),
        ("strict", c_int),
        ("memory", u64),
        ("threads", c_uint),
        ("warn", WARN_FN),
        ("warn_ctx", c_void_p),
        ("progress", c_void_p),
        ("progress_ctx", c_void_p),
        ("mode", c_int),
        ("no_merge", c_int),
        ("first_document", u64),
        ("end_document", u64),
        ("doc_format", c_int),
        ("follow_symlinks", c_int),
    ]


class IndexFile(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 16), ("bytes", u64)]


class IndexStats(ctypes.Structure):
    _fields_ = [
        ("documents", u64), ("passages", u64), ("terms", u64), ("tokens", u64),
        ("avg_passage_tokens", c_double),
        ("stem_language", ctypes.c_char * 32),
        ("passage_mode", c_int),
        ("passage_tokens", c_uint),
        ("passage_stride", c_uint),
        ("format_major", c_uint),
        ("format_minor", c_uint),
        ("built", ctypes.c_int64),
        ("index_bytes", u64),
        ("nfiles", c_size_t),
        ("files", IndexFile * 9),
        ("segments", c_uint),
        ("deleted_documents", u64),
    ]


class SearchOptions(ctypes.Structure):
    _fields_ = [
        ("size", c_size_t),
        ("k", c_uint),
        ("k1", c_double),
        ("b", c_double),
        ("group", c_int),
        ("exhaustive", c_int),
        ("offset", c_uint),
        ("count", c_int),
        ("plain", c_int),
        ("stopwords", c_char_p),
        ("expand_docs", c_uint),
        ("expand_terms", c_uint),
        ("expand_weight", c_double),
        ("title_weight", c_double),
        ("proximity", c_double),
    ]


class Hit_t(ctypes.Structure):
    _fields_ = [("passage", u32), ("doc", u32), ("score", c_double)]


class Span(ctypes.Structure):
    _fields_ = [("start", u32), ("end", u32)]


class Passage(ctypes.Structure):
    _fields_ = [
        ("id", u32), ("doc", u32), ("ordinal", u32), ("line", u32),
        ("byte_start", u64), ("byte_end", u64),
        ("doc_name", c_void_p), ("doc_name_len", c_size_t),
        ("text", c_void_p), ("text_len", c_size_t),
    ]


class ExplainClause(ctypes.Structure):
    _fields_ = [("clause", c_char_p), ("tf", u32), ("idf", c_double), ("norm", c_double),
                ("contribution", c_double)]


# C struct name -> ctypes class, for the layout test
STRUCTS = {
    "loci_error": Error_t, "loci_build_stats": BuildStats, "loci_build_options": BuildOptions,
    "loci_index_stats": IndexStats, "loci_search_options": SearchOptions, "loci_hit": Hit_t,
    "loci_span": Span, "loci_passage": Passage, "loci_explain_clause": ExplainClause,
}

PE = P(Error_t)
_PROTOTYPES = {
    "loci_strerror": (c_char_p, [c_int]),
    "loci_version": (c_int, []),
    "loci_version_string": (c_char_p, []),
    "loci_build_options_init": (None, [P(BuildOptions)]),
    "loci_stem_languages": (P(c_char_p), []),
    "loci_stopword_languages": (P(c_char_p), []),
    "loci_builder_new": (c_int, [c_char_p, P(BuildOptions), P(c_void_p), PE]),
    "loci_builder_add_path": (c_int, [c_void_p, c_char_p, PE]),
    "loci_builder_add_document": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                          c_uint, PE]),
    "loci_builder_finish": (c_int, [c_void_p, P(BuildStats), PE]),
    "loci_builder_delete": (c_int, [c_void_p, c_char_p, PE]),
    "loci_index_merge": (c_int, [c_char_p, P(BuildOptions), P(BuildStats), PE]),
    "loci_builder_cancel": (None, [c_void_p]),
    "loci_builder_free": (None, [c_void_p]),
    "loci_index_open": (c_int, [c_char_p, P(c_void_p), PE]),
    "loci_index_close": (None, [c_void_p]),
    "loci_index_check": (c_int, [c_void_p, PE]),
    "loci_index_stats_get": (None, [c_void_p, P(IndexStats)]),
    "loci_search_options_init": (None, [P(SearchOptions)]),
    "loci_search": (c_int, [c_void_p, c_char_p, P(SearchOptions), P(c_void_p), PE]),
    "loci_results_count": (c_size_t, [c_void_p]),
    "loci_results_warning": (c_char_p, [c_void_p]),
    "loci_results_total": (ctypes.c_int64, [c_void_p]),
    "loci_results_hit": (P(Hit_t), [c_void_p, c_size_t]),
    "loci_results_free": (None, [c_void_p]),
    "loci_results_explain": (c_int, [c_void_p, c_void_p, c_size_t, P(P(ExplainClause)),
                                     P(c_size_t), PE]),
    "loci_passage_get": (c_int, [c_void_p, u32, P(Passage), PE]),
    "loci_passage_locate": (c_int, [c_void_p, u32, P(Passage), PE]),
    "loci_results_highlight": (c_int, [c_void_p, c_char_p, c_size_t, P(P(Span)), P(c_size_t),
                                       PE]),
    "loci_snippet": (None, [c_char_p, c_size_t, P(Span), c_size_t, c_size_t, P(c_size_t),
                            P(c_size_t)]),
}


def _candidates():
    env = os.environ.get("LOCI_LIBRARY")
    if env:
        return [env]  # asked for: that one or an error, never another
    names = []
    if _library.LIBRARY:
        names.append(_library.LIBRARY)
    found = ctypes.util.find_library("loci")
    if found:
        names.append(found)
    names.append("libloci.so.%d" % MAJOR)
    return names


def _load():
    tried = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name), name
        except OSError as e:
            tried.append("%s (%s)" % (name, e))
    raise ImportError("loci: cannot load libloci: tried " + "; ".join(tried) +
                      "; set LOCI_LIBRARY to the path of libloci.so.%d" % MAJOR)


lib, path = _load()
for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

# The library frees nothing it hands over with malloc: libc's free does.
free = ctypes.CDLL(None).free
free.restype = None
free.argtypes = [c_void_p]


def _check_layout():
    """Refuse a libloci whose major version or option structs differ from
    these: its init functions write the size of their own structs, into a
    buffer large enough for any."""
    v = lib.loci_version()
    if v // 10000 != MAJOR:
        raise ImportError("loci: %s is libloci %d.%d.%d; this module needs major version %d"
                          % (path, v // 10000, v // 100 % 100, v % 100, MAJOR))
    for cls, init in ((BuildOptions, lib.loci_build_options_init),
                      (SearchOptions, lib.loci_search_options_init)):
        buf = ctypes.create_string_buffer(4096)
        init(ctypes.cast(buf, P(cls)))
        size = c_size_t.from_buffer(buf).value
        if size != ctypes.sizeof(cls):
            raise ImportError("loci: %s: %s is %d bytes in the library, %d in this module"
                              % (path, cls.__name__, size, ctypes.sizeof(cls)))


_check_layout()
