/*
 * merge_init.c - merge_init: the block that sets an output element just
 * before a nest accumulates into it (`C[i][j] *= beta; for k: C[i][j] +=
 * ...`) becomes the init of the accumulating block, so that the element's
 * loops and the reduction's form one nest that tiling can reorder. The
 * block given is the accumulating one.
 *
 * Legal when the setting block is the statement just before the nest,
 * under the same loops, writes exactly the element the update does (each
 * of its variables bound to one of those loops, as the update's spatial
 * variables are), and no other block touches the array: the init then runs
 * before the element's first update and after nothing else, as the
 * original runs it.
 */
#include "schedule/prim/prim.h"

typedef struct y_use {
    const ms_buffer *y;
    const ms_stmt *a, *b;
    int elsewhere;
} y_use;

static void on_access(void *ctx, const ms_access_site *s)
{
    y_use *u = ctx;
    if (s->buf == u->y && s->block != u->a && s->block != u->b)
        u->elsewhere++;
}

ms_status ms_sched_merge_init(ms_sched *s, int block)
{
    ms_func *f = s->f;
    ms_stmt *U = prim_get(s, block, MS_RV_BLOCK);
    if (!U)
        return prim_fail(s, MS_ERR_INPUT, "merge_init: not a block");
    if (U->block.init || U->block.predicate || U->block.body->kind != MS_STMT_STORE)
        return prim_fail(s, MS_ERR_ILLEGAL, "merge_init: '%s' has an init or a condition already",
                         U->block.name);
    /* the nest holding U alone, and the statement before it */
    ms_stmt *around[64];
    int n = prim_enclosing_loops(s, U, around, 64), top = n - 1;
    while (top > 0 && ms_loop_holds_only(around[top - 1], U))
        top--;
    prim_parent q = {NULL, -1};
    if (n > 0 && ms_loop_holds_only(around[top], U))
        q = prim_parent_seq(s, around[top]);
    ms_stmt *I = q.seq && q.at >= 1 ? q.seq->seq.items[q.at - 1] : NULL;
    const ms_stmt *ust = U->block.body;
    if (!I || I->kind != MS_STMT_BLOCK || I->block.init || I->block.predicate ||
        I->block.body->kind != MS_STMT_STORE || I->block.body->store.buf != ust->store.buf)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_init: no block sets what '%s' accumulates just before its nest",
                         U->block.name);
    y_use u = {ust->store.buf, U, I, 0};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &u);
    /* I's variables, each bound to a loop around both, become U's spatial ones */
    ms_var *from[16];
    ms_expr *to[16];
    int nmap = 0;
    bool ok = u.elsewhere == 0 && I->block.niter <= 16;
    for (int i = 0; ok && i < I->block.niter; i++) {
        const ms_expr *bi = I->block.iters[i].binding;
        int k = -1;
        for (int j = 0; j < U->block.niter && k < 0; j++)
            if (U->block.iters[j].kind == MS_ITER_SPATIAL &&
                ms_expr_equal(U->block.iters[j].binding, bi) && bi->kind == MS_EXPR_VAR)
                k = j;
        bool outer = false;
        for (int l = 0; l < top && k >= 0; l++)
            outer = outer || (bi->kind == MS_EXPR_VAR && around[l]->loop.var == bi->var);
        ok = k >= 0 && outer;
        if (ok) {
            from[nmap] = I->block.iters[i].var;
            to[nmap++] = ms_var_ref(f, U->block.iters[k].var);
        }
    }
    ms_stmt *init = ok ? ms_stmt_subst(f, I->block.body, nmap, from, to) : NULL;
    for (int d = 0; ok && d < ust->store.nidx; d++)
        ok = ms_expr_equal(init->store.idx[d], ust->store.idx[d]);
    for (int j = 0; ok && j < U->block.niter; j++)
        if (U->block.iters[j].kind == MS_ITER_SPATIAL) {
            bool set = false;
            for (int m = 0; m < nmap; m++)
                set = set || to[m]->var == U->block.iters[j].var;
            ok = set;
        }
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_init: '%s' does not set exactly the element '%s' accumulates, or "
                         "others use it",
                         I->block.name, U->block.name);
    /* all checked: I is U's init */
    U->block.init = init;
    for (int i = q.at - 1; i + 1 < q.seq->seq.n; i++)
        q.seq->seq.items[i] = q.seq->seq.items[i + 1];
    q.seq->seq.n--;
    prim_consume(s, I);
    return MS_OK;
}
