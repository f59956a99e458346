/*
 * LuceneRun.java — the Lucene peer for the loci benchmarks (Debian's
 * liblucene8-java, 8.8). The bench scripts compile it with javac against
 * /usr/share/java/lucene-{core,analyzers-common,queryparser}-*.jar
 * (bench/peers.sh, lucene_setup) into build/lucene/.
 *
 *   index  CORPUS.jsonl DIR          index {id,title,text} records: one
 *                                    TextField "body" (title, a newline, text;
 *                                    not stored) analyzed by EnglishAnalyzer,
 *                                    and the id as a StoredField; IndexWriter
 *                                    defaults, one commit at the end (close)
 *   search DIR QUERIES.tsv K TAG     print a TREC run: QueryParser on "body"
 *                                    with EnglishAnalyzer (default operator OR),
 *                                    IndexSearcher with BM25Similarity()
 *                                    (k1 = 1.2, b = 0.75), top K
 *   time   DIR QUERIES.tsv K [WARM]  per-query latency in microseconds, one
 *                                    per line, in a warmed-up JVM: the whole
 *                                    query file runs untimed, in whole passes,
 *                                    until at least WARM queries (default
 *                                    10000) have run, then once timed (JIT
 *                                    compilation, measured on Cranfield, needs
 *                                    thousands of queries: median 1.1 ms after
 *                                    1,125, 0.23 ms after 6,750); the time of a
 *                                    query is QueryParser.parse, then
 *                                    IndexSearcher.search(query, K), then
 *                                    reading each hit's stored id
 *                                    (IndexSearcher.doc(doc, {"id"})). JVM
 *                                    start and index open are not counted
 *                                    (the open goes to stderr as "open_us N").
 *
 * A query line is "qid<TAB>text" (a line without a tab is its own text, its
 * line number the qid, as bench/benchlib.py reads them). The text is lower-
 * cased (so AND/OR/NOT are words, not operators; the analyzer lower-cases
 * anyway) and every syntax character escaped: a query is a bag of words, as
 * for the other peers. A query that analyzes to nothing (only stopwords)
 * returns no hits.
 *
 * JSON Lines are read with the small parser below: Java has no JSON reader
 * of its own, and the records are flat objects of strings and numbers.
 */
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public final class LuceneRun {
    static final String BODY = "body", ID = "id";
    static final Set<String> ID_ONLY = Set.of(ID);

    public static void main(String[] args) throws Exception {
        String cmd = args.length > 0 ? args[0] : "";
        if (cmd.equals("index") && args.length == 3) {
            index(args[1], args[2]);
        } else if (cmd.equals("search") && args.length == 5) {
            search(args[1], args[2], Integer.parseInt(args[3]), args[4]);
        } else if (cmd.equals("time") && (args.length == 4 || args.length == 5)) {
            time(args[1], args[2], Integer.parseInt(args[3]),
                 args.length == 5 ? Integer.parseInt(args[4]) : 10000);
        } else {
            System.err.println("usage: LuceneRun index CORPUS.jsonl DIR | search DIR QUERIES.tsv K TAG"
                               + " | time DIR QUERIES.tsv K [WARM]");
            System.exit(2);
        }
    }

    static void index(String corpus, String dir) throws IOException {
        IndexWriterConfig cfg = new IndexWriterConfig(new EnglishAnalyzer());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        cfg.setSimilarity(new BM25Similarity()); // the norms it encodes
        try (IndexWriter w = new IndexWriter(FSDirectory.open(Paths.get(dir)), cfg);
             BufferedReader in = Files.newBufferedReader(Paths.get(corpus), StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank())
                    continue;
                Map<String, String> r;
                try {
                    r = Json.object(line);
                } catch (IllegalArgumentException e) {
                    throw new IOException(corpus + ":" + n + ": " + e.getMessage());
                }
                if (r.get(ID) == null)
                    throw new IOException(corpus + ":" + n + ": no \"id\"");
                Document d = new Document();
                d.add(new StoredField(ID, r.get(ID)));
                d.add(new TextField(BODY, r.getOrDefault("title", "") + "\n" + r.getOrDefault("text", ""),
                                    Field.Store.NO));
                w.addDocument(d);
            }
        }
    }

    /* One query of a queries file. */
    static final class Q {
        final String qid, text;
        Q(String qid, String text) { this.qid = qid; this.text = text; }
    }

    static List<Q> queries(String path) throws IOException {
        List<Q> qs = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
            n++;
            if (line.isEmpty())
                continue;
            int tab = line.indexOf('\t');
            qs.add(tab >= 0 ? new Q(line.substring(0, tab), line.substring(tab + 1))
                            : new Q(Integer.toString(n), line));
        }
        return qs;
    }

    static IndexSearcher searcher(String dir) throws IOException {
        IndexSearcher s = new IndexSearcher(DirectoryReader.open(FSDirectory.open(Paths.get(dir))));
        s.setSimilarity(new BM25Similarity());
        return s;
    }

    static Query parse(QueryParser qp, String text) {
        String t = QueryParser.escape(text.toLowerCase(Locale.ROOT)).strip();
        if (t.isEmpty())
            return new MatchNoDocsQuery();
        try {
            Query q = qp.parse(t);
            return q != null ? q : new MatchNoDocsQuery();
        } catch (ParseException e) {
            // escaped text still fails when it has no term at all
            return new MatchNoDocsQuery();
        }
    }

    static QueryParser parser() {
        QueryParser qp = new QueryParser(BODY, new EnglishAnalyzer());
        qp.setDefaultOperator(QueryParser.Operator.OR);
        return qp;
    }

    static void search(String dir, String qfile, int k, String tag) throws IOException {
        IndexSearcher s = searcher(dir);
        QueryParser qp = parser();
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        for (Q q : queries(qfile)) {
            TopDocs top = s.search(parse(qp, q.text), k);
            int rank = 0;
            for (ScoreDoc sd : top.scoreDocs) {
                out.write(q.qid + " Q0 " + s.doc(sd.doc, ID_ONLY).get(ID) + " " + ++rank + " "
                          + String.format(Locale.ROOT, "%.6f", sd.score) + " " + tag + "\n");
            }
        }
        out.flush();
    }

    /* One query as timed: parse, search, read the hits' ids. Returns a
     * value derived from the ids, so that the JIT cannot drop the reads. */
    static int once(IndexSearcher s, QueryParser qp, String text, int k) throws IOException {
        TopDocs top = s.search(parse(qp, text), k);
        int h = 0;
        for (ScoreDoc sd : top.scoreDocs)
            h += s.doc(sd.doc, ID_ONLY).get(ID).length();
        return h;
    }

    static void time(String dir, String qfile, int k, int warm) throws IOException {
        long t0 = System.nanoTime();
        IndexSearcher s = searcher(dir);
        System.err.println("open_us " + (System.nanoTime() - t0) / 1000);
        QueryParser qp = parser();
        List<Q> qs = queries(qfile);
        long sink = 0;
        for (long done = 0; done < warm && !qs.isEmpty(); done += qs.size())
            for (Q q : qs)
                sink += once(s, qp, q.text, k);
        long[] us = new long[qs.size()];
        for (int i = 0; i < us.length; i++) {
            long a = System.nanoTime();
            sink += once(s, qp, qs.get(i).text, k);
            us[i] = (System.nanoTime() - a) / 1000;
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (long u : us)
            out.println(u);
        out.flush();
        if (sink == 42) // never in practice; keeps sink alive
            System.err.println();
    }

    /* Just enough JSON for flat records: an object whose string and number
     * members are returned as strings (numbers as written); other values are
     * skipped. Malformed input raises IllegalArgumentException. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        static Map<String, String> object(String line) {
            Json j = new Json(line);
            Map<String, String> m = new HashMap<>();
            j.ws();
            j.expect('{');
            j.ws();
            if (j.peek() == '}') {
                j.i++;
            } else {
                for (;;) {
                    j.ws();
                    String key = j.string();
                    j.ws();
                    j.expect(':');
                    j.ws();
                    String v = j.value();
                    if (v != null)
                        m.put(key, v);
                    j.ws();
                    char c = j.next();
                    if (c == '}')
                        break;
                    if (c != ',')
                        throw j.bad("expected , or }");
                }
            }
            j.ws();
            if (j.i != line.length())
                throw j.bad("text after the object");
            return m;
        }

        private IllegalArgumentException bad(String why) {
            return new IllegalArgumentException("JSON: " + why + " at column " + (i + 1));
        }

        private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

        private char next() {
            if (i >= s.length())
                throw bad("unexpected end");
            return s.charAt(i++);
        }

        private void expect(char c) {
            if (next() != c)
                throw bad("expected " + c);
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0)
                i++;
        }

        /* A string or number as a string; null for anything else (skipped). */
        private String value() {
            char c = peek();
            if (c == '"')
                return string();
            if (c == '-' || (c >= '0' && c <= '9')) {
                int a = i;
                while (i < s.length() && "+-.eE0123456789".indexOf(s.charAt(i)) >= 0)
                    i++;
                return s.substring(a, i);
            }
            skip();
            return null;
        }

        private void skip() {
            char c = peek();
            if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                i++;
                ws();
                if (peek() == close) {
                    i++;
                    return;
                }
                for (;;) {
                    ws();
                    if (c == '{') {
                        string();
                        ws();
                        expect(':');
                        ws();
                    }
                    value();
                    ws();
                    char d = next();
                    if (d == close)
                        return;
                    if (d != ',')
                        throw bad("expected , or " + close);
                }
            }
            for (String w : new String[] {"true", "false", "null"}) {
                if (s.startsWith(w, i)) {
                    i += w.length();
                    return;
                }
            }
            throw bad("unexpected character");
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (;;) {
                char c = next();
                if (c == '"')
                    return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                case '"': case '\\': case '/': b.append(e); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'u':
                    if (i + 4 > s.length())
                        throw bad("short \\u escape");
                    try {
                        // UTF-16 units: a surrogate pair is two escapes, as in Java
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw bad("bad \\u escape");
                    }
                    i += 4;
                    break;
                default: throw bad("bad escape");
                }
            }
        }
    }
}
