/*
 * specialize.c - a copy of a function for one set of sizes: size
 * parameters become constants, integer expressions fold, and guards that
 * the loop ranges prove true disappear (the remainder checks of splits
 * whose factors divide the tuning sizes), and loops that never run. The
 * emitter puts this copy on the path taken when a kernel is called with
 * exactly its tuning sizes.
 */
#include "ir/ir.h"

#include <stdlib.h>

typedef struct pruner {
    ms_func *f;
    MS_VEC(ms_stmt *) loops;
} pruner;

/* a < b (or a <= b) for every iteration of the loops around it? */
static bool always_true(pruner *p, const ms_expr *c)
{
    if (c->kind != MS_EXPR_BINARY)
        return false;
    if (c->bin.op == MS_BIN_LAND)
        return always_true(p, c->bin.a) && always_true(p, c->bin.b);
    if (c->bin.op != MS_BIN_LT && c->bin.op != MS_BIN_LE)
        return false;
    /* unsigned, a < b is also a >= 0: a below 0 wraps past b (cache_read
     * bounds its copies so); that half must hold too */
    int64_t alo, ahi;
    if (!ms_dtype_is_float(c->bin.a->dtype) && !ms_dtype_is_signed(c->bin.a->dtype) &&
        !(ms_expr_const_range(c->bin.a, p->loops.len, p->loops.data, &alo, &ahi) && alo >= 0))
        return false;
    ms_expr *d = ms_binary(p->f, MS_BIN_SUB, c->bin.a, c->bin.b);
    int64_t clo, chi;
    if (ms_expr_const_range(d, p->loops.len, p->loops.data, &clo, &chi))
        return c->bin.op == MS_BIN_LT ? chi < 0 : chi <= 0;
    ms_poly lo, hi;
    if (!ms_expr_range(p->f, d, p->loops.len, p->loops.data, &lo, &hi))
        return false;
    int64_t v;
    bool yes = ms_poly_is_const(&hi, &v) && (c->bin.op == MS_BIN_LT ? v < 0 : v <= 0);
    ms_poly_free(&lo);
    ms_poly_free(&hi);
    return yes;
}

/* The conjuncts of a predicate that are not proven true; NULL when none. */
static ms_expr *prune(pruner *p, ms_expr *c)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        ms_expr *a = prune(p, c->bin.a), *b = prune(p, c->bin.b);
        return !a ? b : !b ? a : ms_binary(p->f, MS_BIN_LAND, a, b);
    }
    return always_true(p, c) ? NULL : c;
}

static ms_stmt *fold_stmt(pruner *p, ms_stmt *s)
{
    ms_func *f = p->f;
    switch (s->kind) {
    case MS_STMT_FOR:
        s->loop.min = ms_simplify(f, s->loop.min);
        s->loop.extent = ms_simplify(f, s->loop.extent);
        /* a loop that never runs goes, with what its body would divide by
         * (a loop fused with an empty one: v / 0) */
        int64_t extent;
        if (ms_expr_eval_hints(f, s->loop.extent, &extent) && extent <= 0)
            return ms_seq(f, 0, NULL);
        MS_VEC_PUSH(p->loops, s);
        s->loop.body = fold_stmt(p, s->loop.body);
        p->loops.len--;
        return s;
    case MS_STMT_IF:
        s->if_.cond = ms_simplify(f, s->if_.cond);
        if (s->if_.cond->kind == MS_EXPR_INT) /* "k < 1 && k >= 2" */
            return fold_stmt(p, s->if_.cond->i.value ? s->if_.then_s
                                : s->if_.else_s      ? s->if_.else_s
                                                     : ms_seq(f, 0, NULL));
        s->if_.then_s = fold_stmt(p, s->if_.then_s);
        if (s->if_.else_s)
            s->if_.else_s = fold_stmt(p, s->if_.else_s);
        return always_true(p, s->if_.cond) ? s->if_.then_s : s;
    case MS_STMT_BLOCK:
        for (int i = 0; i < s->block.niter; i++)
            s->block.iters[i].binding = ms_simplify(f, s->block.iters[i].binding);
        if (s->block.predicate)
            s->block.predicate = prune(p, ms_simplify(f, s->block.predicate));
        s->block.body = fold_stmt(p, s->block.body);
        if (s->block.init)
            s->block.init = fold_stmt(p, s->block.init);
        return s;
    case MS_STMT_STORE:
        for (int i = 0; i < s->store.nidx; i++)
            s->store.idx[i] = ms_simplify(f, s->store.idx[i]);
        return s;
    default: {
        ms_stmt **child;
        for (int i = 0; (child = ms_stmt_child(s, i)); i++)
            *child = fold_stmt(p, *child);
        return s;
    }
    }
}

ms_func *ms_func_specialize(const ms_func *f)
{
    ms_func *c = ms_func_clone(f);
    ms_var *vars[64];
    ms_expr *vals[64];
    int n = 0;
    for (int i = 0; i < c->nparams && n < 64; i++) {
        ms_var *v = c->params[i].var;
        int64_t val;
        if (v && !ms_dtype_is_float(v->dtype) && ms_expr_eval_hints(c, ms_var_ref(c, v), &val)) {
            vars[n] = v;
            vals[n++] = ms_int(c, val);
        }
    }
    ms_stmt_subst_inplace(c, c->body, n, vars, vals);
    for (int i = 0; i < c->nparams; i++)
        if (c->params[i].buf)
            for (int d = 0; d < c->params[i].buf->ndim; d++)
                if (c->params[i].buf->shape[d])
                    c->params[i].buf->shape[d] =
                        ms_simplify(c, ms_expr_subst(c, c->params[i].buf->shape[d], n, vars, vals));
    pruner p = {c, {0}};
    c->body = fold_stmt(&p, c->body);
    free(p.loops.data);
    return c;
}
