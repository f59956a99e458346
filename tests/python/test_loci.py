"""Tests of the Python module (bindings/python/loci) over the freshly built
build/libloci.so.0: `make embed-tests` runs them with LOCI_LIBRARY and
PYTHONPATH pointing into the tree, under Debian's /usr/bin/python3."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import loci

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "corpus")


def header_define(name):
    with open(os.path.join(ROOT, "include", "loci.h")) as f:
        return re.search(r"^#define %s (\S+)" % name, f.read(), re.M).group(1)


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loci-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp)


class TestLibrary(unittest.TestCase):
    def test_uses_the_library_asked_for(self):
        self.assertEqual(loci._capi.path, os.environ["LOCI_LIBRARY"])

    def test_version(self):
        major, minor, patch = (int(header_define("LOCI_VERSION_" + p))
                               for p in ("MAJOR", "MINOR", "PATCH"))
        self.assertEqual(loci.version_info(), (major, minor, patch))
        self.assertIn(header_define("LOCI_VERSION").strip('"'), loci.version())

    def test_stem_languages(self):
        langs = loci.stem_languages()
        self.assertIn("english", langs)
        self.assertIn("german", langs)

    def test_stopword_languages(self):
        langs = loci.stopword_languages()
        self.assertIn("english", langs)
        self.assertNotIn("tamil", langs)  # a stemmer without a list

    def test_public_names_have_docstrings(self):
        for name in loci.__all__:
            obj = getattr(loci, name)
            self.assertTrue(obj.__doc__ and obj.__doc__.strip(), name)
            for attr, member in vars(obj).items() if isinstance(obj, type) else ():
                if callable(member) and not attr.startswith("_"):
                    self.assertTrue(member.__doc__, "%s.%s" % (name, attr))


class TestSearch(Tmp):
    def setUp(self):
        super().setUp()
        self.idx = os.path.join(self.tmp, "idx")
        self.stats = loci.build(self.idx, [CORPUS], threads=1)

    def loci_search_json(self, *args):
        out = subprocess.run([os.path.join(ROOT, "bin", "loci-search"), "-i", self.idx, "--json"]
                             + list(args), stdout=subprocess.PIPE, check=True).stdout
        return [json.loads(line) for line in out.splitlines()]

    def test_build_stats(self):
        self.assertEqual(self.stats["documents"], 2)
        self.assertGreater(self.stats["passages"], 10)
        self.assertEqual(self.stats["committed"], 1)

    def test_hits_as_loci_search_gives_them(self):
        for q in ("cybersecurity CCDCOE", '"Cyber Defence" -Korea', "sanction*", "Japan"):
            want = self.loci_search_json("-k", "5", q)
            with loci.Index(self.idx) as idx:
                got = idx.search(q, k=5)
            self.assertEqual(len(got), len(want), q)
            for g, w in zip(got, want):
                for key in ("rank", "doc", "doc_id", "passage", "ordinal", "line", "byte_start",
                            "byte_end", "text"):
                    self.assertEqual(getattr(g, key), w[key], (q, key))
                # loci-search prints as many decimals as tell scores apart
                self.assertAlmostEqual(g.score, w["score"], delta=1e-5 * abs(w["score"]))
                self.assertEqual([list(s) for s in g.byte_highlights], w["highlights"], q)

    def test_hit_text_location_highlights(self):
        with loci.Index(self.idx) as idx:
            hit = idx.search("cybersecurity CCDCOE", k=1)[0]
        self.assertTrue(hit.doc.endswith("nato-rok-ap4-indo-pacific.txt"))
        self.assertEqual(hit.line, 23)
        self.assertIn("CCDCOE", hit.text)
        marked = sorted({hit.text[s:e].lower() for s, e in hit.highlights})
        self.assertEqual(marked, ["ccdcoe", "cybersecurity"])
        json.dumps(hit.to_dict())  # plain values only

    def test_paging_group_count(self):
        with loci.Index(self.idx) as idx:
            ten = idx.search("NATO", k=10)
            page = idx.search("NATO", k=5, offset=5)
            self.assertEqual([h.passage for h in page], [h.passage for h in ten[5:]])
            self.assertEqual([h.rank for h in page], [6, 7, 8, 9, 10])
            docs = idx.search("NATO", k=10, group="doc")
            self.assertEqual(len({h.doc for h in docs}), len(docs))
            self.assertEqual(idx.count("NATO"), len(self.loci_search_json("-k", "1000", "NATO")))
            self.assertEqual(idx.search("NATO", k=3, plain=True, exhaustive=True, k1=1.2, b=0.5)[0].rank, 1)
            # the proximity bonus: the same hits as loci-search --proximity=1
            near = idx.search("NATO Korea", k=5, proximity=1.0)
            cli = self.loci_search_json("-k", "5", "--proximity=1", "NATO Korea")
            self.assertEqual([h.passage for h in near], [h["passage"] for h in cli])
            st = idx.stats()
            self.assertEqual(st["documents"], 2)
            self.assertEqual(st["stem_language"], "english")
            self.assertEqual(st["passage_mode"], "paragraph")
            self.assertIn("postings", " ".join(st["files"]))
            idx.check()

    def test_stopwords(self):
        with loci.Index(self.idx) as idx:
            sw = [h.passage for h in idx.search("what is the cyber defence of NATO", k=5)]
            self.assertEqual(sw, [h.passage for h in idx.search("cyber defence NATO", k=5)])
            none = idx.search("what is the cyber defence of NATO", k=5, stopwords="none")
            self.assertEqual([h.passage for h in none],
                             [h["passage"] for h in self.loci_search_json(
                                 "-k", "5", "--stopwords", "none",
                                 "what is the cyber defence of NATO")])
            self.assertEqual(idx.search("the", k=1, stopwords="english")[0].rank, 1)  # only stopwords: kept
            with self.assertRaises(loci.Error) as cm:
                idx.search("NATO", stopwords="klingon")
            self.assertEqual(cm.exception.code, loci.EINVAL)
    def test_expand_as_loci_search_gives_it(self):
        with loci.Index(self.idx) as idx:
            for expand, flag in ((True, "--expand"), ((3,), "--expand=3"),
                                 ((3, 5, 0.7), "--expand=3,5,0.7")):
                got = idx.search("NATO cyber", k=10, expand=expand)
                want = self.loci_search_json("-k", "10", flag, "NATO cyber")
                self.assertEqual([h.passage for h in got], [h["passage"] for h in want])
            self.assertNotEqual([h.score for h in idx.search("NATO cyber", expand=True)],
                                [h.score for h in idx.search("NATO cyber")])
            with self.assertRaises(loci.Error):
                idx.search("NATO", expand=(3, 5, 0))

    def test_errors_carry_loci_messages(self):
        with self.assertRaises(loci.Error) as cm:
            loci.Index(os.path.join(self.tmp, "missing"))
        self.assertEqual(cm.exception.code, loci.ENOTFOUND)
        self.assertIn("missing", str(cm.exception))
        self.assertEqual(cm.exception.reason, "not found")
        with loci.Index(self.idx) as idx:
            with self.assertRaises(loci.Error) as cm:
                idx.search("(NATO")
            self.assertEqual(cm.exception.code, loci.EINVAL)
            self.assertRegex(str(cm.exception), r"^query: column \d+: ")
            with self.assertRaises(loci.Error) as cm:
                idx.search("...")
            self.assertEqual(cm.exception.code, loci.EEMPTY)
            with self.assertRaises(loci.Error) as cm:
                idx.search(b"\xff\xfe")
            self.assertEqual(cm.exception.code, loci.EUTF8)
            with self.assertRaises(ValueError):
                idx.search("NATO", group="chapter")

    def test_context_manager_closes(self):
        with loci.Index(self.idx) as idx:
            self.assertTrue(idx.search("NATO"))
        with self.assertRaises(ValueError):
            idx.search("NATO")
        idx.close()  # twice is fine


class TestBuild(Tmp):
    def test_documents_in_memory_unicode(self):
        idx = os.path.join(self.tmp, "idx")
        with loci.Builder(idx, stem="none", threads=1) as b:
            b.add_document("café.txt", "Le café à Paris.\n\nUn résumé naïve du CAFÉ.", title="Tïtle")
            b.add_document("other", "nothing here")
        self.assertEqual(b.stats["documents"], 2)
        with loci.Index(idx) as ix:
            hits = ix.search("cafe")
        self.assertEqual([h.doc for h in hits], ["café.txt", "café.txt"])
        for h in hits:
            words = [h.text[s:e] for s, e in h.highlights]
            self.assertTrue(words and all(w.lower() == "café" for w in words), words)
            for (s, e), (bs, be) in zip(h.highlights, h.byte_highlights):
                self.assertEqual(h.text[s:e].encode(), h.text.encode()[bs:be])

    def test_failed_build_leaves_nothing(self):
        idx = os.path.join(self.tmp, "idx")
        with self.assertRaises(RuntimeError):
            with loci.Builder(idx) as b:
                b.add_document("a", "some text")
                raise RuntimeError("stop")
        self.assertEqual(os.listdir(self.tmp), [])
        with self.assertRaises(ValueError):
            b.add_document("b", "closed")
        with self.assertRaises(loci.Error) as cm:
            loci.build(idx, [os.path.join(self.tmp, "no-such-file")], strict=True)
        self.assertIn("no-such-file", str(cm.exception))
        with self.assertRaises(loci.Error) as cm:
            loci.Builder(idx, stem="klingon")
        self.assertEqual(cm.exception.code, loci.EINVAL)
        self.assertIn("klingon", str(cm.exception))
        self.assertEqual(os.listdir(self.tmp), [])

    def test_add_delete_merge_warnings(self):
        idx = os.path.join(self.tmp, "idx")
        loci.build(idx, [CORPUS])
        with loci.Builder(idx, mode="add") as b:
            b.add_document("notes.txt", "The Locked Shields exercise.")
        self.assertEqual(b.stats["added"], 1)
        with loci.Index(idx) as ix:
            self.assertEqual(ix.search("Locked Shields")[0].doc, "notes.txt")
        with loci.Builder(idx, mode="add") as b:
            b.delete("notes.txt")
        with loci.Index(idx) as ix:
            self.assertNotIn("notes.txt", [h.doc for h in ix.search("Locked Shields")])
        self.assertEqual(loci.merge(idx)["segments"], 1)
        binary = os.path.join(self.tmp, "blob.bin")
        with open(binary, "wb") as f:
            f.write(b"\0\1\2binary")
        seen = []
        with loci.Builder(os.path.join(self.tmp, "idx2"), warn=seen.append) as b:
            b.add_path(binary)
            b.add_document("d", "text")
        self.assertEqual(len(b.warnings), 1)
        self.assertIn("blob.bin", b.warnings[0])
        self.assertEqual(seen, b.warnings)

    def test_jsonl(self):
        src = os.path.join(self.tmp, "r.jsonl")
        with open(src, "w") as f:
            f.write('{"key": "r1", "body": "alpha beta"}\n{"key": "r2", "body": "gamma"}\n')
        idx = os.path.join(self.tmp, "idx")
        loci.build(idx, src, jsonl=True, id_field="key", text_field="body")
        with loci.Index(idx) as ix:
            self.assertEqual([h.doc for h in ix.search("gamma")], ["r2"])

    def test_title_weight(self):
        # "apple" twice in a's text, once in b's title: b wins from weight 2
        src = os.path.join(self.tmp, "t.jsonl")
        with open(src, "w") as f:
            f.write('{"id": "a", "title": "zebra crossing", "text": "an apple and another apple here"}\n'
                    '{"id": "b", "title": "apple orchards", "text": "zebra herds graze here today"}\n'
                    '{"id": "c", "text": "no title at all but apple"}\n')
        idx = os.path.join(self.tmp, "idx")
        loci.build(idx, src, jsonl=True, stem="none")
        with loci.Index(idx) as ix:
            self.assertEqual([h.doc for h in ix.search("apple")][0], "a")
            self.assertEqual([h.doc for h in ix.search("apple", title_weight=2)][0], "b")
            with self.assertRaises(loci.Error):
                ix.search("apple", title_weight=0)


if __name__ == "__main__":
    unittest.main()
