/*
 * rfactor.c - rfactor: a reduction x op= e over loops k_0, k_1 keeps one
 * partial result per iteration of k_1 (x_rf[k_1] op= e), so that k_1 no
 * longer carries a dependence and can be vectorised; a new block then
 * combines the partials into x (x op= x_rf[r]), running the original
 * init first. Sums and products only: the partials start at 0 and 1.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <string.h>

enum { MAX_PARTIALS = 4096 };

typedef struct x_users {
    const ms_buffer *x;
    const ms_stmt *block;
    bool others;
} x_users;

static void on_access(void *ctx, const ms_access_site *a)
{
    x_users *u = ctx;
    u->others = u->others || (a->buf == u->x && a->block != u->block);
}

static bool binds_kind(const ms_stmt *b, ms_iter_kind kind, const ms_var *v)
{
    for (int i = 0; i < b->block.niter; i++)
        if (b->block.iters[i].kind == kind && ms_expr_uses_var(b->block.iters[i].binding, v))
            return true;
    return false;
}

static ms_expr *identity(ms_func *f, ms_binop op, ms_dtype t)
{
    bool one = op == MS_BIN_MUL;
    if (t == MS_DT_F32)
        return ms_float(f, one ? 1.0 : 0.0, t, one ? "1.0f" : "0.0f");
    if (ms_dtype_is_float(t))
        return ms_float(f, one ? 1.0 : 0.0, t, one ? "1.0" : "0.0");
    return ms_int(f, one ? 1 : 0);
}

ms_status ms_sched_rfactor(ms_sched *s, int block, int loop, int *out)
{
    ms_func *f = s->f;
    ms_stmt *B = prim_get(s, block, MS_RV_BLOCK);
    ms_stmt *RL = prim_get(s, loop, MS_RV_LOOP);
    if (!B || !RL)
        return prim_fail(s, MS_ERR_INPUT, "rfactor: want a block and a loop");
    if (f->fp_strict && ms_dtype_is_float(B->block.body->store.buf->dtype))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "rfactor: partial sums reassociate, which --fp-model=strict forbids");
    const ms_stmt *st = B->block.body;
    ms_buffer *x = st->store.buf;
    const ms_expr *v = st->store.value;
    /* x = x op e, e free of x */
    ms_binop op = v->kind == MS_EXPR_BINARY ? v->bin.op : MS_BIN_ADD;
    const ms_expr *e =
        op == MS_BIN_ADD || op == MS_BIN_MUL ? ms_store_update_operand(st, op) : NULL;
    if (!e || ms_expr_reads_buffer(e, x))
        return prim_fail(s, MS_ERR_ILLEGAL, "rfactor: '%s' is not a sum or a product into '%s'",
                         B->block.name, x->name);
    if (!binds_kind(B, MS_ITER_REDUCE, RL->loop.var) ||
        binds_kind(B, MS_ITER_SPATIAL, RL->loop.var))
        return prim_fail(s, MS_ERR_ILLEGAL, "rfactor: loop '%s' does not run the reduction only",
                         RL->loop.var->name);
    ms_poly ep;
    int64_t F = -1;
    if (ms_poly_from_expr(RL->loop.extent, &ep)) {
        if (!ms_poly_is_const(&ep, &F))
            F = -1;
        ms_poly_free(&ep);
    }
    if (F < 1 || F > MAX_PARTIALS)
        return prim_fail(s, MS_ERR_ILLEGAL, "rfactor: loop '%s' needs a constant extent up to %d",
                         RL->loop.var->name, MAX_PARTIALS);
    /* the outermost reduction loop; below it, reduction loops only */
    ms_stmt *path[64];
    int n = prim_enclosing_loops(s, B, path, 64), r0 = -1;
    for (int l = 0; l < n && r0 < 0; l++)
        if (binds_kind(B, MS_ITER_REDUCE, path[l]->loop.var))
            r0 = l;
    MS_ASSERT(r0 >= 0);
    for (int l = r0; l < n; l++)
        if (path[l]->loop.kind == MS_LOOP_PARALLEL || path[l]->loop.kind == MS_LOOP_VECTORIZED)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "rfactor: loop '%s' of the reduction is already parallel or SIMD "
                             "(its iterations would share the partials)",
                             path[l]->loop.var->name);
    for (int l = r0; l < n; l++)
        if (binds_kind(B, MS_ITER_SPATIAL, path[l]->loop.var))
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "rfactor: spatial loop '%s' runs inside the reduction",
                             path[l]->loop.var->name);
    /* the combining block runs after the reduction's loops, where an if
     * inside them no longer guards it: x[i + j - 3] would be stored at
     * the i and j the if kept out (rk4011222) */
    ms_stmt *around[128];
    int na = prim_enclosing_path(s, B, around, 128);
    bool inside = false;
    for (int a = 0; a < na; a++) {
        inside = inside || around[a] == path[r0];
        if (inside && around[a]->kind == MS_STMT_IF)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "rfactor: an if inside the reduction's loops guards '%s'",
                             B->block.name);
    }
    x_users u = {x, B, false};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(path[r0], &fns, &u);
    if (u.others)
        return prim_fail(s, MS_ERR_ILLEGAL, "rfactor: '%s' is used by other blocks in the nest",
                         x->name);
    /* the partials, declared where the reduction starts */
    char base_name[128], name[140];
    snprintf(base_name, sizeof base_name, "%s_rf", x->name);
    ms_unique_name(s->f, base_name, name, sizeof name);
    ms_buffer *rf = ms_buffer_new(f, name, x->elem_ctype, x->dtype, 1, MS_SCOPE_LOCAL);
    rf->shape[0] = ms_int(f, F);
    rf->is_cache = true;
    /* x_rf[r] = identity */
    char rn[96]; /* both loops below are siblings: one name serves */
    ms_unique_name(f, "r", rn, sizeof rn);
    ms_var *lr = ms_var_new(f, rn, "int", MS_DT_I32, MS_VAR_LOOP);
    ms_var *ir = ms_var_new(f, "r", "int", MS_DT_I32, MS_VAR_BLOCK);
    ms_iter_var iv = {ir, MS_ITER_SPATIAL, ms_var_ref(f, lr), true};
    ms_expr *ridx = ms_var_ref(f, ir);
    char bname[160];
    snprintf(bname, sizeof bname, "%s_init", name);
    ms_stmt *init =
        ms_for(f, lr, ms_int(f, 0), ms_int(f, F),
               ms_block(f, bname, 1, &iv, ms_store(f, rf, 1, &ridx, identity(f, op, x->dtype))));
    /* x op= x_rf[r], over the same spatial variables, with the original init */
    ms_var *lr2 = ms_var_new(f, rn, "int", MS_DT_I32, MS_VAR_LOOP);
    ms_iter_var iters[64];
    ms_var *old_iv[64];
    ms_expr *new_iv[64];
    int niter = 0;
    for (int i = 0; i < B->block.niter && niter < 63; i++) {
        const ms_iter_var *it = &B->block.iters[i];
        if (it->kind != MS_ITER_SPATIAL)
            continue;
        ms_var *nv = ms_var_new(f, it->var->name, it->var->ctype, it->var->dtype, MS_VAR_BLOCK);
        iters[niter] = (ms_iter_var){nv, MS_ITER_SPATIAL, it->binding, it->nonneg};
        old_iv[niter] = it->var;
        new_iv[niter++] = ms_var_ref(f, nv);
    }
    ms_var *vr = ms_var_new(f, "vr", "int", MS_DT_I32, MS_VAR_BLOCK);
    iters[niter++] = (ms_iter_var){vr, MS_ITER_REDUCE, ms_var_ref(f, lr2), true};
    ms_expr *vr_ref = ms_var_ref(f, vr);
    ms_stmt *upd = ms_stmt_subst(f, (ms_stmt *)st, niter - 1, old_iv, new_iv);
    ms_expr *cur = ms_load(f, x, upd->store.nidx, upd->store.idx);
    upd->store.value = ms_binary(f, op, cur, ms_load(f, rf, 1, &vr_ref));
    upd->store.value->dtype = v->dtype;
    snprintf(bname, sizeof bname, "%s_rf", B->block.name);
    ms_stmt *fin = ms_block(f, bname, niter, iters, upd);
    fin->loc = B->loc;
    if (B->block.init)
        fin->block.init = ms_stmt_subst(f, B->block.init, niter - 1, old_iv, new_iv);
    if (B->block.predicate) {
        /* the guards of the spatial loops (above the reduction) carry over */
        ms_var *red[64];
        int nred = 0;
        for (int l = r0; l < n; l++)
            red[nred++] = path[l]->loop.var;
        fin->block.predicate = ms_conjuncts_without(f, B->block.predicate, nred, red);
    }
    ms_stmt *final_nest = ms_for(f, lr2, ms_int(f, 0), ms_int(f, F), fin);
    /* the update keeps one partial per iteration of the loop, chosen by a
     * spatial variable of its own: a block's store names only its variables */
    ms_iter_var *grown =
        ms_arena_alloc(f->arena, sizeof(ms_iter_var) * (size_t)(B->block.niter + 1));
    memcpy(grown, B->block.iters, sizeof(ms_iter_var) * (size_t)B->block.niter);
    ms_var *vp = ms_var_new(f, "vp", "int", MS_DT_I32, MS_VAR_BLOCK);
    grown[B->block.niter] = (ms_iter_var){
        vp, MS_ITER_SPATIAL,
        ms_simplify(f, ms_binary(f, MS_BIN_SUB, ms_var_ref(f, RL->loop.var), RL->loop.min)), true};
    B->block.iters = grown;
    B->block.niter++;
    ms_expr *slot_idx = ms_var_ref(f, vp);
    ms_expr *part = ms_load(f, rf, 1, &slot_idx);
    ms_expr *nv = op == MS_BIN_ADD || v->bin.a == e ? ms_binary(f, op, part, (ms_expr *)e)
                                                    : ms_binary(f, op, (ms_expr *)e, part);
    nv->dtype = v->dtype;
    B->block.body = ms_store(f, rf, 1, &slot_idx, nv);
    B->block.init = NULL;
    ms_stmt **slot = prim_slot(s, path[r0]);
    MS_ASSERT(slot);
    ms_stmt *items[4] = {ms_alloc(f, rf), init, path[r0], final_nest};
    *slot = ms_seq(f, 4, items);
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, fin, 0);
    return MS_OK;
}
