/*
 * auto_inline.c - the auto-inline rule: a block that computes a local
 * intermediate element by element disappears into its readers
 * (compute_inline), and a block that only post-processes one (an
 * epilogue) moves into its producer (reverse_compute_inline), and the copy
 * of a scalar accumulator into an output element merges the accumulation
 * into that element (merge_accumulator), which tiling can then work on. Always
 * taken where legal: an intermediate array costs memory traffic and
 * inlining an injective producer recomputes nothing.
 */
#include "schedule/rules/rules.h"

int ms_rule_auto_inline(const ms_arch *arch, ms_tracer *tr, const char *block, ms_tracer **out)
{
    (void)arch;
    const ms_stmt *b = rule_find_block(tr->s->f, block);
    if (!b)
        return 0;
    /* a reduction is not injective: inlining it would recompute the sum per read */
    if (b->block.init)
        return 0;
    ms_tracer *t = ms_tracer_fork(tr);
    int rv = ms_t_get_block(t, block);
    ms_t_compute_inline(t, rv);
    if (ms_tracer_recover(t) != MS_OK)
        ms_t_reverse_compute_inline(t, rv);
    /* a scalar accumulator's copy: the reduction then works in the output */
    if (ms_tracer_recover(t) != MS_OK)
        ms_t_merge_accumulator(t, rv);
    if (ms_tracer_recover(t) != MS_OK) {
        ms_tracer_free(t);
        return 0;
    }
    out[0] = t;
    return 1;
}
