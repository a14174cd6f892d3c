/*
 * schedule.h - schedules over the IR. For now the default schedule: loop
 * kinds chosen from the dependence analysis. Primitives, traces and the
 * search build on this layer.
 */
#ifndef MS_SCHEDULE_H
#define MS_SCHEDULE_H

#include "ir/ir.h"

/* Marks the outermost dependence-free loop of each nest parallel and the
 * innermost dependence-free (or scalar-reduction) loop SIMD. Changes only
 * loop kinds and annotations, never the blocks. */
void ms_sched_default(ms_func *f);

#endif
