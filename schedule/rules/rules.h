/*
 * rules.h - the design-space rules and postprocessors, internal to
 * schedule/. A rule looks at one block of a schedule state (or, for a
 * function rule, the whole function) and proposes the states it leads to,
 * written with the traced API so that their sampling decisions stay free.
 * The rules are listed once, in registry.c.
 */
#ifndef MS_SCHEDULE_RULES_H
#define MS_SCHEDULE_RULES_H

#include "schedule/schedule.h"

enum { MS_RULE_MAX_PROPOSALS = 12 };

typedef struct ms_rule {
    const char *name;
    bool per_block; /* false: applied once to the whole function, after the block rules */
    /* Proposals for block (NULL for a function rule) of tr's state, as new
     * tracers in out (at most MS_RULE_MAX_PROPOSALS); 0 keeps tr as it is.
     * tr itself is not changed. */
    int (*apply)(const ms_arch *arch, ms_tracer *tr, const char *block, ms_tracer **out);
} ms_rule;

extern const ms_rule ms_rules[];
extern const int ms_nrules;

int ms_rule_auto_inline(const ms_arch *arch, ms_tracer *tr, const char *block, ms_tracer **out);
int ms_rule_add_rfactor(const ms_arch *arch, ms_tracer *tr, const char *block, ms_tracer **out);
int ms_rule_multi_level_tiling(const ms_arch *arch, ms_tracer *tr, const char *block,
                               ms_tracer **out);
int ms_rule_random_compute_location(const ms_arch *arch, ms_tracer *tr, const char *block,
                                    ms_tracer **out);
int ms_rule_parallel_vectorize_unroll(const ms_arch *arch, ms_tracer *tr, const char *block,
                                      ms_tracer **out);

/* ---- helpers the rules share (rule_util.c) ---- */

/* The names of the blocks of f, in program order; returns the count. */
int rule_block_names(const ms_func *f, const char **out, int cap);
/* The statement of a block by name, or NULL. */
ms_stmt *rule_find_block(const ms_func *f, const char *name);
/* Is name in the comma-separated list (NULL: every name)? */
bool rule_listed(const char *list, const char *name);
/* The trip count of loop at the tuning sizes, or -1. */
int64_t rule_tuning_extent(const ms_func *f, const ms_stmt *loop);

/* The loop kinds of b's nest loop[0..n): spatial[i] (or reduction) and the
 * iteration variable iter_of[i] it binds, each loop bound to exactly one
 * iteration variable as itself. False when the nest has another form. */
bool rule_classify_loops(const ms_stmt *b, ms_stmt *const *loop, int n, bool *spatial,
                         int *iter_of);

/* For a micro-kernel's C[i][j] += A[i][k] * B[k][j] over b's nest
 * (classified as above): *j_loop, the spatial loop along the output's
 * rows (its last subscript), and *i_loop, the innermost other spatial
 * one. False when either is missing. */
bool rule_product_loops(const ms_stmt *b, const bool *spatial, const int *iter_of, int n,
                        int *i_loop, int *j_loop);

/* The annotation key the auto-unroll postprocessor reads. */
#define MS_ANNOT_UNROLL "unroll_max_step"

#endif
