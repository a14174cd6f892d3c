/*
 * sizes.c - a kernel's tuning sizes: the pragma's sizes(), overridden by
 * --sizes; for an integer parameter that has neither, the largest value
 * that the constant extents of the arrays it bounds allow (ni running over
 * "double C[1000][1100]": 1000), else 64 with a warning. That largest
 * value is also each size's ceiling, so that checks at other sizes never
 * run the original kernel past the end of its arrays.
 */
#include "frontend/lower_ctx.h"

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_SIZE = 64 };

typedef struct ceiling_ctx {
    ms_func *f;
    int64_t *ceiling; /* per parameter; 0: none found */
} ceiling_ctx;

/* The integer parameter named so, or NULL. */
static const ms_var *size_param(const ms_func *f, const char *name)
{
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].var && !strcmp(f->params[i].var->name, name))
            return f->params[i].var;
    return NULL;
}

static int param_index(const ms_func *f, const ms_var *v)
{
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].var == v)
            return i;
    return -1;
}

/* Subscript d of an access reaches at most a * p + c (p a parameter, a > 0)
 * within a dimension of constant extent: p <= (extent - 1 - c) / a. */
static void bound_by_access(void *ctx, const ms_access_site *s)
{
    ceiling_ctx *cc = ctx;
    for (int d = 0; d < *s->nidx && d < s->buf->ndim; d++) {
        const ms_expr *extent = s->buf->shape[d];
        if (!extent || extent->kind != MS_EXPR_INT)
            continue;
        ms_expr *ix = ms_site_realize(cc->f, s, (*s->idx)[d]);
        ms_poly lo, hi;
        if (!ms_expr_range(cc->f, ix, s->depth, s->loops, &lo, &hi))
            continue;
        int p = -1;
        int64_t a = 0, c = 0;
        bool simple = true;
        for (int t = 0; t < hi.n && simple; t++) {
            const ms_term *term = &hi.terms[t];
            if (term->nvars == 0) {
                c = term->coef;
            } else if (term->nvars == 1 && p < 0 && term->coef > 0 &&
                       term->vars[0]->kind == MS_VAR_PARAM) {
                p = param_index(cc->f, term->vars[0]);
                a = term->coef;
            } else {
                simple = false;
            }
        }
        int64_t room = extent->i.value - 1 - c;
        if (simple && p >= 0 && room >= a) {
            int64_t most = room / a;
            if (!cc->ceiling[p] || most < cc->ceiling[p])
                cc->ceiling[p] = most;
        }
        ms_poly_free(&lo);
        ms_poly_free(&hi);
    }
}

static void add_hint(ms_func *f, const char *name, int64_t value)
{
    ms_size_hint *h = ms_arena_alloc(f->arena, sizeof *h * (size_t)(f->nhints + 1));
    if (f->nhints)
        memcpy(h, f->hints, sizeof *h * (size_t)f->nhints);
    h[f->nhints++] = (ms_size_hint){ms_arena_strdup(f->arena, name), value, 0};
    f->hints = h;
}

/* Sizes given outside the pragma replace its values or add to them. */
static void override(ms_func *f, int n, const ms_size_hint *sizes)
{
    for (int i = 0; i < n; i++) {
        ms_size_hint *h = ms_func_hint(f, sizes[i].name);
        if (h)
            h->value = sizes[i].value;
        else if (size_param(f, sizes[i].name))
            add_hint(f, sizes[i].name, sizes[i].value);
    }
}

void lower_sizes(ms_func *f, int npragma, const ms_size_hint *pragma, const ms_frontend_opts *o,
                 ms_loc at, ms_diags *diags)
{
    f->nhints = 0;
    f->hints = NULL;
    for (int i = 0; i < npragma; i++) {
        add_hint(f, pragma[i].name, pragma[i].value);
        if (!size_param(f, pragma[i].name))
            ms_diags_add(diags, MS_DIAG_WARNING, at,
                         "kernel '%s': 'sizes' names '%s', which is not an integer parameter",
                         f->name, pragma[i].name);
    }
    override(f, o->nsizes, o->sizes);
    for (int k = 0; k < o->nkernel_sizes; k++) {
        const ms_kernel_sizes *ks = &o->kernel_sizes[k];
        if (strcmp(ks->kernel, f->name))
            continue;
        override(f, ks->nsizes, ks->sizes);
        for (int i = 0; i < ks->nsizes; i++)
            if (!size_param(f, ks->sizes[i].name))
                ms_diags_add(diags, MS_DIAG_WARNING, at,
                             "kernel '%s': the sizes file names '%s', which is not an integer "
                             "parameter",
                             f->name, ks->sizes[i].name);
    }
    ceiling_ctx cc = {f, ms_xcalloc((size_t)(f->nparams ? f->nparams : 1), sizeof(int64_t))};
    static const ms_walk_fns fns = {bound_by_access, NULL, NULL};
    ms_walk(f->body, &fns, &cc);
    for (int p = 0; p < f->nparams; p++) {
        const ms_var *v = f->params[p].var;
        if (!v || ms_dtype_is_float(v->dtype))
            continue;
        ms_size_hint *h = ms_func_hint(f, v->name);
        if (!h && cc.ceiling[p]) {
            add_hint(f, v->name, cc.ceiling[p]);
        } else if (!h && ms_stmt_uses_var(f->body, v)) {
            ms_diags_add(diags, MS_DIAG_WARNING, at,
                         "kernel '%s': no tuning size for '%s' (no sizes() clause, no --sizes, no "
                         "array of constant extent that it bounds); using %d",
                         f->name, v->name, DEFAULT_SIZE);
            add_hint(f, v->name, DEFAULT_SIZE);
        }
        if ((h = ms_func_hint(f, v->name)))
            h->max = cc.ceiling[p];
    }
    free(cc.ceiling);
}
