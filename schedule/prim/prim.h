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
/* The sequence holding child as a direct item, and its position there
 * (seq NULL when child is not an item of a sequence). */
typedef struct prim_parent {
    ms_stmt *seq;
    int at;
} prim_parent;
prim_parent prim_parent_seq(ms_sched *s, const ms_stmt *child);
/* The loops around target, outermost first; returns the count (<= cap). */
int prim_enclosing_loops(ms_sched *s, const ms_stmt *target, ms_stmt **out, int cap);
/* The loops and ifs around target, outermost first; returns the count. */
int prim_enclosing_path(ms_sched *s, const ms_stmt *target, ms_stmt **out, int cap);
/* The loop that is a loop's whole body (through one-item sequences), or NULL. */
ms_stmt *prim_only_child_loop(ms_stmt *loop);
/* The statement handled by rv if it is of that kind and still valid. */
ms_stmt *prim_get(ms_sched *s, int rv, ms_rv_kind kind);
/* Sets s->why and returns st. */
ms_status prim_fail(ms_sched *s, ms_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Invalidates every handle on stmt (it was replaced). */
void prim_consume(ms_sched *s, const ms_stmt *stmt);

/* The loops inside loop, outer ones first; returns the count (<= cap). */
int prim_all_loops_under(ms_stmt *loop, ms_stmt **out, int cap);
/* The box of subscripts idx (in loop variables) over one iteration of
 * path[at], from the ranges of path[at+1..n): lo[d] <= idx[d] <= hi[d]. */
bool prim_access_box(ms_func *f, ms_stmt *const *path, int n, int at, int nidx, ms_expr *const *idx,
                     ms_poly *lo, ms_poly *hi);
/* Widens box (lo, hi) by (lo2, hi2) when they differ by constants only. */
bool prim_box_union(int nidx, ms_poly *lo, ms_poly *hi, ms_poly *lo2, ms_poly *hi2);
/* hi - lo + 1 when it is a constant. */
bool prim_box_extent(const ms_poly *lo, const ms_poly *hi, int64_t *ext);
void prim_box_free(int nidx, ms_poly *lo, ms_poly *hi);
/* Subscript idx (in loop variables) as base + v: base free of the loops
 * path[at+1..n), v the counter of one of them at unit stride (*loop; NULL
 * when none appears). False when idx has another form. */
bool prim_unit_stride_split(ms_func *f, ms_stmt *const *path, int n, int at, ms_expr *idx,
                            ms_expr **base, ms_stmt **loop);
/* The one local array block reads, at one subscript pattern. */
bool prim_single_local_read(ms_func *f, const ms_stmt *block, const ms_buffer **t,
                            const ms_expr **load);
/* The value a store puts in its buffer, converted to the element type as
 * the store converts it: what an inlined read of that element yields. */
ms_expr *prim_stored_value(ms_func *f, const ms_stmt *store);
/* Which iteration variable of b the expression is (-1: none). */
int prim_iter_index(const ms_stmt *b, const ms_expr *e);
/* The loop around b that iteration variable iter is bound to as itself. */
ms_stmt *prim_bound_loop(ms_sched *s, const ms_stmt *b, int iter);
/* Removes target, and loops left empty by it; false if it is not there. */
bool prim_remove(ms_sched *s, const ms_stmt *target);
/* The slot holding the declaration of local b, or NULL. */
ms_stmt **prim_find_alloc(ms_sched *s, const ms_buffer *b);
/* Is local b declared inside loop (one copy per iteration)? */
bool prim_allocates(ms_stmt *loop, const ms_buffer *b);

#endif
