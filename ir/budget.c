/*
 * budget.c - what a schedule costs in memory, for the budgets of a board
 * (--no-heap, --max-stack, --workspace=static): its local arrays, on the
 * stack, and its packed copies, on the heap (emit/body.c mallocs them) or
 * in static arrays sized at the tuning sizes.
 */
#include "ir/ir.h"

typedef struct walk {
    const ms_func *f;
    ms_memory m;
} walk;

int64_t ms_buffer_bytes_at_hints(const ms_func *f, const ms_buffer *b)
{
    int64_t bytes = ms_dtype_bytes(b->dtype);
    for (int d = 0; d < b->ndim && bytes >= 0; d++) {
        int64_t n;
        if (!ms_expr_eval_hints(f, b->shape[d], &n) || n < 0 || n > INT64_MAX / 4 / bytes)
            bytes = -1;
        else
            bytes *= n;
    }
    return bytes;
}

/* total + bytes, -1 when either is unknown or the sum would be too large */
static int64_t add_bytes(int64_t total, int64_t bytes)
{
    return total < 0 || bytes < 0 || total > INT64_MAX / 4 - bytes ? -1 : total + bytes;
}

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    walk *w = ctx;
    ms_memory *m = &w->m;
    (void)depth;
    (void)loops;
    if (b->scope == MS_SCOPE_PACKED) {
        m->heap = m->heap ? m->heap : b;
        int64_t bytes = ms_buffer_bytes_at_hints(w->f, b);
        m->packed = add_bytes(m->packed, bytes < 0 ? -1 : bytes + 63);
        return;
    }
    if (b->scope == MS_SCOPE_LOCAL)
        m->stack = add_bytes(m->stack, ms_buffer_bytes_at_hints(w->f, b));
}

ms_memory ms_func_memory(const ms_func *f)
{
    walk w = {f, {0, NULL, 0}};
    static const ms_walk_fns fns = {NULL, on_alloc, NULL};
    ms_walk(f->body, &fns, &w);
    return w.m;
}
