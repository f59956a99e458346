"""loci: full-text passage search, from Python.

A thin layer over libloci (the shared library of the loci search engine,
through ctypes): build an index of text files or of documents given in
memory, open it, and search it.

    import loci
    loci.build("idx", ["corpus/"])              # index a folder
    with loci.Index("idx") as idx:
        for hit in idx.search("cybersecurity CCDCOE", k=3):
            print(hit.score, hit.doc, hit.line, hit.text)

Queries use loci-search's query language ("exact phrase", +required,
-excluded, AND/OR/NOT, prefix*, doc:GLOB) unless plain=True. Failures
raise loci.Error with libloci's one-line message. Handles are closed by
`with`, by close(), or when they are garbage-collected.
"""
import ctypes
import dataclasses
import os

from . import _capi
from ._capi import lib

__all__ = ["Error", "Hit", "Index", "Builder", "build", "merge", "stem_languages",
           "stopword_languages",
           "version", "version_info"]

# status codes (include/loci.h)
OK, ENOMEM, EIO, ECORRUPT, EVERSION, EINVAL, ENOTFOUND, EUTF8, EEMPTY, EFORMAT, ECANCELED = \
    0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10


class Error(Exception):
    """A libloci call failed. str(e) is libloci's one-line message (what,
    where, why); e.code is the LOCI_E* status (loci.ENOTFOUND, ...) and
    e.reason its name ("not found")."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = lib.loci_strerror(code).decode()


def _raise_if(rc, err):
    if rc < 0:
        msg = err.message.decode("utf-8", "replace") or lib.loci_strerror(rc).decode()
        raise Error(rc, msg)
    return rc


def _path(p):
    return os.fsencode(p)


def _utf8(s):
    return s if isinstance(s, bytes) else s.encode("utf-8")


def version():
    """The library's version string: "loci 0.2.0 (utf8proc ..., zlib ...)"."""
    return lib.loci_version_string().decode()


def version_info():
    """The library's version as (major, minor, patch)."""
    v = lib.loci_version()
    return (v // 10000, v // 100 % 100, v % 100)


def _strings(p):
    out, i = [], 0
    while p[i] is not None:
        out.append(p[i].decode())
        i += 1
    return out


def stem_languages():
    """The Snowball languages a build's stem= may name (besides "none")."""
    return _strings(lib.loci_stem_languages())


def stopword_languages():
    """The languages with a built-in stopword list (search's stopwords=)."""
    return _strings(lib.loci_stopword_languages())


@dataclasses.dataclass(frozen=True)
class Hit:
    """One result of Index.search.

    text is the passage (invalid UTF-8 shown as U+FFFD); highlights are the
    (start, end) ranges of text, in characters, that match the query
    (text[start:end]), and byte_highlights the same in bytes of the UTF-8
    passage, as loci-search --json gives them. doc is the file path or
    JSON Lines id, line the 1-based line where the passage starts,
    byte_start/byte_end its byte range in the document's text."""
    rank: int
    score: float
    doc: str
    doc_id: int
    passage: int
    ordinal: int
    line: int
    byte_start: int
    byte_end: int
    text: str
    highlights: list
    byte_highlights: list

    def to_dict(self):
        """The hit as a dict of plain values (for json.dumps)."""
        return dataclasses.asdict(self)


def _char_ranges(raw, spans):
    """Byte ranges of UTF-8 `raw` -> character ranges of its decoded text.
    Spans lie on token boundaries, so each prefix decodes alone."""
    return [(len(raw[:s].decode("utf-8", "replace")), len(raw[:e].decode("utf-8", "replace")))
            for s, e in spans]


_GROUPS = {"passage": 0, "doc": 1, "document": 1}


class _Handle:
    """A libloci handle, released by the function named _FREE (once; a
    closed handle is NULL, and using it raises ValueError)."""
    _FREE = None
    _h = None

    def _release(self):
        if self._h:
            getattr(lib, self._FREE)(self._h)
            self._h = ctypes.c_void_p()

    def _handle(self):
        if not self._h:
            raise ValueError("loci.%s: it is closed" % type(self).__name__)
        return self._h

    def __enter__(self):
        return self

    def __del__(self):
        self._release()


class Index(_Handle):
    """An open loci index (a directory written by loci-index or Builder).

    Use it as a context manager or call close(); one Index is used by one
    thread at a time (open one per thread)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._h = ctypes.c_void_p()
        err = _capi.Error_t()
        _raise_if(lib.loci_index_open(_path(path), ctypes.byref(self._h), ctypes.byref(err)), err)

    _FREE = "loci_index_close"

    def close(self):
        """Close the index (again: nothing happens)."""
        self._release()

    def __exit__(self, *exc):
        self.close()

    def _run(self, query, k, offset, group, plain, exhaustive, k1, b, count, stopwords=None,
             expand=None, title_weight=None,
             proximity=0.0):
        so = _capi.SearchOptions()
        lib.loci_search_options_init(ctypes.byref(so))
        so.k, so.offset, so.plain, so.exhaustive, so.count = k, offset, plain, exhaustive, count
        so.stopwords = None if stopwords is None else _utf8(stopwords)
        so.proximity = proximity
        if expand:
            # True, or (docs[, terms[, weight]]) as loci-search --expand=D,T,W
            d, t, w = ([] if expand is True else list(expand)) + [None] * (3 - (
                0 if expand is True else len(expand)))
            so.expand_docs = 10 if d is None else d
            if t is not None:
                so.expand_terms = t
            if w is not None:
                so.expand_weight = w
        if group not in _GROUPS:
            raise ValueError("loci: group must be 'passage' or 'doc', not %r" % (group,))
        so.group = _GROUPS[group]
        if k1 is not None:
            so.k1 = k1
        if b is not None:
            so.b = b
        if title_weight is not None:
            so.title_weight = title_weight
        res, err = ctypes.c_void_p(), _capi.Error_t()
        _raise_if(lib.loci_search(self._handle(), _utf8(query), ctypes.byref(so),
                                  ctypes.byref(res), ctypes.byref(err)), err)
        return res

    def search(self, query, k=10, *, offset=0, group="passage", plain=False, exhaustive=False,
               k1=None, b=None, stopwords=None, expand=None, title_weight=None,
               proximity=0.0):
        """The k best passages for `query` (best first) as a list of Hit.

        offset skips the best ones first (paging); group="doc" gives one hit
        per document (its best passage); plain=True reads the query as words
        only; k1 and b are BM25's parameters (defaults 1.5 and 0.75);
        stopwords is "none", a language of stopword_languages(), or a list
        file's path (default: the index's stemming language's list);
        expand=True (or a tuple (docs, terms, weight), or a prefix of it)
        expands the query by pseudo-relevance feedback, as loci-search
        --expand (defaults 10, 10, 0.5; README: Query expansion);
        title_weight W counts a JSON Lines record's title W times its text's
        words (BM25F, default 1); proximity=W adds the bonus for query
        words close together (loci-search --proximity=W)."""
        res = self._run(query, k, offset, group, plain, exhaustive, k1, b, 0, stopwords, expand,
                        title_weight, proximity)
        try:
            return [self._hit(res, i, offset + i + 1) for i in range(lib.loci_results_count(res))]
        finally:
            lib.loci_results_free(res)

    def _hit(self, res, i, rank):
        h = lib.loci_results_hit(res, i).contents
        p, err = _capi.Passage(), _capi.Error_t()
        _raise_if(lib.loci_passage_get(self._handle(), h.passage, ctypes.byref(p),
                                       ctypes.byref(err)), err)
        raw = ctypes.string_at(p.text, p.text_len) if p.text_len else b""
        name = ctypes.string_at(p.doc_name, p.doc_name_len).decode("utf-8", "replace")
        spans, n = ctypes.POINTER(_capi.Span)(), ctypes.c_size_t()
        _raise_if(lib.loci_results_highlight(res, raw, len(raw), ctypes.byref(spans),
                                             ctypes.byref(n), ctypes.byref(err)), err)
        try:
            byte_spans = [(spans[j].start, spans[j].end) for j in range(n.value)]
        finally:
            _capi.free(ctypes.cast(spans, ctypes.c_void_p))
        return Hit(rank=rank, score=h.score, doc=name, doc_id=h.doc, passage=h.passage,
                   ordinal=p.ordinal, line=p.line, byte_start=p.byte_start, byte_end=p.byte_end,
                   text=raw.decode("utf-8", "replace"), highlights=_char_ranges(raw, byte_spans),
                   byte_highlights=byte_spans)

    def count(self, query, *, group="passage", plain=False, stopwords=None):
        """How many passages (documents, with group="doc") match `query`."""
        res = self._run(query, 1, 0, group, plain, False, None, None, 1, stopwords)
        try:
            return lib.loci_results_total(res)
        finally:
            lib.loci_results_free(res)

    def check(self):
        """Verify every checksum of the index; raise loci.Error if one fails."""
        err = _capi.Error_t()
        _raise_if(lib.loci_index_check(self._handle(), ctypes.byref(err)), err)

    def stats(self):
        """The index's counts and settings, as a dict (loci-search --stats)."""
        st = _capi.IndexStats()
        lib.loci_index_stats_get(self._handle(), ctypes.byref(st))
        out = {name: getattr(st, name) for name, _ in _capi.IndexStats._fields_
               if name not in ("files", "nfiles", "stem_language")}
        out["stem_language"] = st.stem_language.decode()
        out["passage_mode"] = ("paragraph", "document", "window")[st.passage_mode]
        out["files"] = {st.files[i].name.decode(): st.files[i].bytes for i in range(st.nfiles)}
        return out


_PASSAGE = {"paragraph": 0, "document": 1, "window": 2}
_MODES = {"replace": 0, "add": 1, "update": 2}


def _stats_dict(st):
    return {name: getattr(st, name) for name, _ in _capi.BuildStats._fields_}


class _Options:
    """loci_build_options filled from keyword arguments, with the strings
    and the callback kept alive as long as the options."""

    def __init__(self, stem="english", passage="paragraph", passage_limit=None, stride=None,
                 jsonl=False, id_field="id", title_field="title", text_field="text",
                 strict=False, memory=0, threads=0, mode="replace", no_merge=False, warn=None):
        o = self.c = _capi.BuildOptions()
        lib.loci_build_options_init(ctypes.byref(o))
        if passage not in _PASSAGE or mode not in _MODES:
            raise ValueError("loci: passage is one of %s and mode one of %s"
                             % (sorted(_PASSAGE), sorted(_MODES)))
        self._keep = [_utf8(s) for s in (stem, id_field, title_field, text_field)]
        o.stem_language, o.id_field, o.title_field, o.text_field = self._keep
        o.passage_mode, o.mode = _PASSAGE[passage], _MODES[mode]
        if passage_limit is not None:
            o.passage_tokens = passage_limit
        if stride is not None:
            o.passage_stride = stride
        o.input_format = 1 if jsonl else 0
        o.strict, o.memory, o.threads, o.no_merge = int(strict), memory, threads, int(no_merge)
        self.warnings = []

        def on_warn(_ctx, message):
            text = message.decode("utf-8", "replace")
            self.warnings.append(text)
            if warn:
                warn(text)
        self._warn = _capi.WARN_FN(on_warn)
        o.warn = self._warn


class Builder(_Handle):
    """Builds an index at `path`, or commits changes to one.

    Options (keywords): stem ("english", any of stem_languages(), or
    "none"), passage ("paragraph", "document", "window"), passage_limit
    (tokens; the window size with "window"), stride (window step), jsonl
    (inputs are JSON Lines; id_field, title_field, text_field name the
    fields), strict, memory (bytes; 0 = 512 MiB), threads (0 = the
    cores), mode ("replace": a new index replaces any old one whole;
    "add"; "update"), no_merge, warn (a callable given each warning;
    they are also kept in .warnings).

    Nothing at `path` changes until finish(). As a context manager the
    builder finishes when the block ends normally and is abandoned (the
    old index untouched) when it raises."""

    def __init__(self, path, **options):
        self.path = os.fspath(path)
        self._opts = _Options(**options)
        self._h = ctypes.c_void_p()
        err = _capi.Error_t()
        _raise_if(lib.loci_builder_new(_path(path), ctypes.byref(self._opts.c),
                                       ctypes.byref(self._h), ctypes.byref(err)), err)
        self.stats = None

    @property
    def warnings(self):
        """The warnings so far (binary files skipped, invalid UTF-8, ...)."""
        return self._opts.warnings

    _FREE = "loci_builder_free"

    def add_path(self, path):
        """Add a file, a directory (recursively, sorted) or "-" (stdin)."""
        err = _capi.Error_t()
        _raise_if(lib.loci_builder_add_path(self._handle(), _path(path), ctypes.byref(err)), err)

    def add_document(self, name, text, title=None, first_line=1):
        """Add one document from memory (str or UTF-8 bytes)."""
        data, err = _utf8(text), _capi.Error_t()
        _raise_if(lib.loci_builder_add_document(
            self._handle(), _utf8(name), None if title is None else _utf8(title), data,
            len(data), first_line, ctypes.byref(err)), err)

    def delete(self, name):
        """Delete the documents named `name` (mode "add" or "update")."""
        err = _capi.Error_t()
        _raise_if(lib.loci_builder_delete(self._handle(), _utf8(name), ctypes.byref(err)), err)

    def finish(self):
        """Write the index (or commit) and close the builder; returns the
        build's statistics as a dict (documents, passages, terms, ...)."""
        st, err = _capi.BuildStats(), _capi.Error_t()
        try:
            _raise_if(lib.loci_builder_finish(self._handle(), ctypes.byref(st),
                                              ctypes.byref(err)), err)
        finally:
            self.close()
        self.stats = _stats_dict(st)
        return self.stats

    def cancel(self):
        """Make the build stop at its next check point (safe from another thread)."""
        if self._h:
            lib.loci_builder_cancel(self._h)

    def close(self):
        """Abandon an unfinished build (its temporary files are removed)."""
        self._release()

    def __exit__(self, exc_type, *exc):
        if exc_type is None and self._h:
            self.finish()
        else:
            self.close()


def build(path, inputs, **options):
    """Index the files and directories `inputs` into `path` (replacing any
    index there, atomically) and return the statistics; options as Builder."""
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    with Builder(path, **options) as b:
        for p in inputs:
            b.add_path(p)
    return b.stats


def merge(path, **options):
    """Merge every segment of the index at `path` into one; returns the
    statistics. Options: memory, threads, warn."""
    opts, st, err = _Options(**options), _capi.BuildStats(), _capi.Error_t()
    _raise_if(lib.loci_index_merge(_path(path), ctypes.byref(opts.c), ctypes.byref(st),
                                   ctypes.byref(err)), err)
    return _stats_dict(st)
