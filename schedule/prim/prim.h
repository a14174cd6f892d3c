/*
 * prim.h - helpers shared by the primitives: finding where a statement
 * hangs in the tree, the loops around it, and reporting failures. Internal
 * to schedule/.
 */
#ifndef MS_SCHEDULE_PRIM_H
#define MS_SCHEDULE_PRIM_H

#include "schedule/schedule.h"

/* The field that holds target (for replacing it), or NULL. */
ms_stmt **prim_slot(ms_sched *s, const ms_stmt *target);
/* The loops around target, outermost first; returns the count (<= cap). */
int prim_enclosing_loops(ms_sched *s, const ms_stmt *target, ms_stmt **out, int cap);
/* The loop that is a loop's whole body (through one-item sequences), or NULL. */
ms_stmt *prim_only_child_loop(ms_stmt *loop);
/* The statement handled by rv if it is of that kind and still valid. */
ms_stmt *prim_get(ms_sched *s, int rv, ms_rv_kind kind);
/* Sets s->why and returns st. */
ms_status prim_fail(ms_sched *s, ms_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Invalidates every handle on stmt (it was replaced). */
void prim_consume(ms_sched *s, const ms_stmt *stmt);

/* A buffer name no parameter or local has: base, base_1, base_2... */
void prim_unique_name(ms_sched *s, const char *base, char *out, size_t size);
/* Removes target, and loops left empty by it; false if it is not there. */
bool prim_remove(ms_sched *s, const ms_stmt *target);
/* The slot holding the declaration of local b, or NULL. */
ms_stmt **prim_find_alloc(ms_sched *s, const ms_buffer *b);

#endif
