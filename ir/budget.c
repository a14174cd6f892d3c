/*
 * budget.c - what a schedule costs in memory, for the budgets of a board
 * (--no-heap, --max-stack): its local arrays, on the stack, and its
 * packed copies, on the heap (emit/body.c mallocs them).
 */
#include "ir/ir.h"

typedef struct walk {
    const ms_func *f;
    ms_memory m;
} walk;

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    walk *w = ctx;
    ms_memory *m = &w->m;
    (void)depth;
    (void)loops;
    if (b->scope == MS_SCOPE_PACKED) {
        m->heap = m->heap ? m->heap : b;
        return;
    }
    if (b->scope != MS_SCOPE_LOCAL || m->stack < 0)
        return;
    int64_t bytes = ms_dtype_bytes(b->dtype);
    for (int d = 0; d < b->ndim && bytes >= 0; d++) {
        int64_t n;
        if (!ms_expr_eval_hints(w->f, b->shape[d], &n) || n < 0 || n > INT64_MAX / 2 / bytes)
            bytes = -1;
        else
            bytes *= n;
    }
    m->stack = bytes < 0 || m->stack > INT64_MAX / 2 - bytes ? -1 : m->stack + bytes;
}

ms_memory ms_func_memory(const ms_func *f)
{
    walk w = {f, {0, NULL}};
    static const ms_walk_fns fns = {NULL, on_alloc, NULL};
    ms_walk(f->body, &fns, &w);
    return w.m;
}
