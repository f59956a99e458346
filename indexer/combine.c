/*
 * combine.c — loci_indexes_merge: several indexes (shards built apart)
 * made into one, for when one machine can hold the whole. Like a merge of
 * an index's own segments (living.c), the live documents are fed through
 * the builder again from their stored text, in order, so the result is
 * the index one build of the same documents would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder_int.h"
#include "error.h"
#include "index.h"

/* Feed every live document of idx, in order, to b. */
static int feed(loci_index *idx, loci_builder *b, loci_error *err)
{
    for (size_t i = 0; i < idx->nseg; i++) {
        struct segment *seg = &idx->segs[i];
        const struct manifest_segment *ms = &idx->manifest.seg[i];
        uint32_t *target = NULL;
        int rc = reader_alias_targets(seg, &target, err);
        for (uint32_t d = 0; d < seg->documents && !rc; d++) {
            if (manifest_doc_deleted(ms, d))
                continue;
            /* a duplicate goes in with its document's text (as a merge of
             * segments feeds it: living.c), and the builder makes it a
             * duplicate again, or the text's first name */
            struct doc_info di, ti;
            const char *text;
            rc = reader_doc(seg, target && target[d] ? target[d] - 1 : d, &ti, err);
            if (!rc)
                rc = reader_doc_text(seg, &ti, &text, err);
            if (!rc)
                rc = reader_doc(seg, d, &di, err);
            di.text_off = ti.text_off;
            di.text_len = ti.text_len;
            di.title_bytes = ti.title_bytes; /* and its title */
            if (!rc)
                rc = builder_add_stored(b, &di, text, err);
        }
        free(target);
        if (rc)
            return rc;
    }
    return LOCI_OK;
}

int loci_indexes_merge(const char *const *dirs, size_t n, const char *out,
                       const loci_build_options *opt, loci_build_stats *stats, loci_error *err)
{
    if (!dirs || n == 0 || !out || !*out)
        return err_set(err, LOCI_EINVAL, "no index to merge, or no output directory");
    /* opened together: the settings are checked alike, and every input
     * keeps the snapshot it had when the merge began */
    loci_index *all;
    int rc = loci_index_open_many(dirs, n, &all, err);
    if (rc)
        return rc;
    loci_build_options o;
    if (opt)
        o = *opt;
    else
        loci_build_options_init(&o);
    o.mode = LOCI_BUILD_REPLACE;
    o.stem_language = all->stem;
    o.passage_mode = (loci_passage_mode)all->passage_mode;
    o.passage_tokens = all->passage_tokens;
    o.passage_stride = all->passage_stride;
    o.first_document = o.end_document = 0;
    o.strict = 0;                /* warned about when first indexed */
    o.replace_invalid_utf8 = 1;
    if (!all->nseg) {
        loci_index_close(all);
        return err_set(err, LOCI_EEMPTY, "the indexes to merge hold no document");
    }
    loci_builder *b;
    rc = loci_builder_new(out, &o, &b, err);
    if (!rc) {
        rc = feed(all, b, err);
        if (!rc)
            rc = loci_builder_finish(b, stats, err);
        loci_builder_free(b);
    }
    loci_index_close(all);
    return rc;
}
