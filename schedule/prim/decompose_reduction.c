/*
 * decompose_reduction.c - decompose_reduction: a reduction block's init
 * moves out into a nest of its own, placed just before the given loop,
 * over copies of the spatial loops from that loop down (so that the update
 * nest below is free to be tiled, cached or vectorised on its own).
 */
#include "schedule/prim/prim.h"

ms_status ms_sched_decompose_reduction(ms_sched *s, int block, int loop, int *out)
{
    ms_stmt *B = prim_get(s, block, MS_RV_BLOCK);
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!B || !L)
        return prim_fail(s, MS_ERR_INPUT, "decompose_reduction: want a block and a loop");
    if (!B->block.init)
        return prim_fail(s, MS_ERR_ILLEGAL, "decompose_reduction: block '%s' has no init",
                         B->block.name);
    /* ms_decompose_reduction checks everything before it changes anything */
    const char *why = NULL;
    ms_stmt *init = ms_decompose_reduction(s->f, B, L, &why);
    if (!init)
        return prim_fail(s, MS_ERR_ILLEGAL, "decompose_reduction: %s", why);
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, init, 0);
    return MS_OK;
}
