/*
 * delinearize.c - recovering multi-dimensional accesses from linearised
 * pointer subscripts: P[(n*H + h)*W + w] becomes P[n][h][w] over the shape
 * [?][H][W] when every access of P splits along the same chain of strides
 * and every inner index provably stays inside its dimension. The address
 * is unchanged (the printer linearises again); what is gained is that the
 * dependence analysis and later layout primitives see the dimensions.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DIMS = 8 };

typedef struct site {
    ms_expr ***idx; /* the access's subscript array and count, to replace */
    int *nidx;
    ms_expr *realized; /* the subscript in loop variables */
    int depth;
    ms_stmt **loops;
} site;

typedef struct finder {
    ms_func *f;
    ms_buffer *buf;
    MS_VEC(site) sites;
} finder;

static void on_access(void *ctx, const ms_access_site *a)
{
    finder *fd = ctx;
    if (a->buf != fd->buf || *a->nidx != 1)
        return; /* another buffer, or a shared node already seen */
    site s = {a->idx, a->nidx, ms_site_realize(fd->f, a, (*a->idx)[0]), a->depth, NULL};
    s.loops = ms_xmalloc(sizeof(ms_stmt *) * (size_t)(a->depth ? a->depth : 1));
    if (a->depth)
        memcpy(s.loops, a->loops, sizeof(ms_stmt *) * (size_t)a->depth);
    MS_VEC_PUSH(fd->sites, s);
}

static const ms_walk_fns find_fns = {on_access, NULL, NULL};

static bool is_counter(const ms_var *v)
{
    return v->kind != MS_VAR_PARAM;
}

/* The stride of a term: the term without its loop/block variables. */
static ms_term stride_of(const ms_term *t)
{
    ms_term s = {t->coef < 0 ? -t->coef : t->coef, 0, {0}};
    for (int k = 0; k < t->nvars; k++)
        if (!is_counter(t->vars[k]))
            s.vars[s.nvars++] = t->vars[k];
    return s;
}

static bool has_counter(const ms_term *t)
{
    for (int k = 0; k < t->nvars; k++)
        if (is_counter(t->vars[k]))
            return true;
    return false;
}

/* a = b * r for a monomial r (positive coefficient); r returned. */
static bool divides(const ms_term *b, const ms_term *a, ms_term *r)
{
    if (b->coef == 0 || a->coef % b->coef != 0)
        return false;
    *r = (ms_term){a->coef / b->coef, 0, {0}};
    bool used[MS_POLY_MAXVARS] = {false};
    for (int k = 0; k < a->nvars; k++) {
        int m = -1;
        for (int q = 0; q < b->nvars && m < 0; q++)
            if (!used[q] && b->vars[q] == a->vars[k])
                m = q;
        if (m >= 0)
            used[m] = true;
        else
            r->vars[r->nvars++] = a->vars[k];
    }
    for (int q = 0; q < b->nvars; q++)
        if (!used[q])
            return false;
    return true;
}

static bool same_term(const ms_term *a, const ms_term *b)
{
    if (a->coef != b->coef || a->nvars != b->nvars)
        return false;
    for (int k = 0; k < a->nvars; k++)
        if (a->vars[k] != b->vars[k])
            return false;
    return true;
}

/* Strides of all accesses as a chain 1 = s0 | s1 | ... (each step one
 * monomial factor); false when they do not form one. */
static int stride_chain(finder *fd, ms_term *chain)
{
    int n = 1;
    chain[0] = (ms_term){1, 0, {0}};
    for (int i = 0; i < fd->sites.len; i++) {
        ms_poly p;
        if (!ms_poly_from_expr((*fd->sites.data[i].idx)[0], &p))
            return 0;
        for (int t = 0; t < p.n; t++) {
            if (!has_counter(&p.terms[t]))
                continue;
            ms_term s = stride_of(&p.terms[t]);
            bool seen = false;
            for (int c = 0; c < n && !seen; c++)
                seen = same_term(&chain[c], &s);
            if (seen)
                continue;
            if (n == MAX_DIMS) {
                ms_poly_free(&p);
                return 0;
            }
            /* insert, ordered by divisibility */
            int at = n;
            ms_term r;
            while (at > 0 && !divides(&chain[at - 1], &s, &r))
                at--;
            memmove(&chain[at + 1], &chain[at], sizeof(ms_term) * (size_t)(n - at));
            chain[at] = s;
            n++;
        }
        ms_poly_free(&p);
    }
    for (int c = 1; c < n; c++) {
        ms_term r;
        if (!divides(&chain[c - 1], &chain[c], &r) || (r.nvars == 0 && r.coef <= 1))
            return 0;
    }
    return n;
}

/* The chain position a term belongs to: its stride for terms with
 * counters, else the largest stride dividing it. */
static int dim_of(const ms_term *t, const ms_term *chain, int n)
{
    ms_term key = stride_of(t), r;
    for (int c = n - 1; c >= 0; c--)
        if (has_counter(t) ? same_term(&chain[c], &key) : divides(&chain[c], &key, &r))
            return c;
    return -1;
}

/* Splits a subscript along the chain, outermost dimension first. */
static bool split_index(ms_func *f, const ms_expr *e, const ms_term *chain, int n, ms_expr **out)
{
    ms_poly p, parts[MAX_DIMS] = {{0}};
    if (!ms_poly_from_expr(e, &p))
        return false;
    bool ok = true;
    for (int t = 0; t < p.n && ok; t++) {
        const ms_term *term = &p.terms[t];
        int c = dim_of(term, chain, n);
        if (c < 0) {
            ok = false;
            break;
        }
        /* term / chain[c], keeping the sign and the counters */
        ms_term q = {term->coef / chain[c].coef, 0, {0}};
        bool used[MS_POLY_MAXVARS] = {false};
        for (int k = 0; k < term->nvars; k++) {
            int m = -1;
            for (int z = 0; z < chain[c].nvars && m < 0; z++)
                if (!used[z] && chain[c].vars[z] == term->vars[k])
                    m = z;
            if (m >= 0)
                used[m] = true;
            else
                q.vars[q.nvars++] = term->vars[k];
        }
        ms_poly one = {.n = 1, .terms = &q};
        ms_poly_add(&parts[n - 1 - c], &one, 1);
    }
    for (int d = 0; d < n; d++) {
        if (ok)
            out[d] = ms_poly_to_expr(f, &parts[d]);
        ms_poly_free(&parts[d]);
    }
    ms_poly_free(&p);
    return ok;
}

static ms_expr *term_expr(ms_func *f, const ms_term *t)
{
    ms_poly p = {.n = 1, .terms = (ms_term *)t};
    return ms_poly_to_expr(f, &p);
}

/* Every inner index of every access within [0, extent). */
static bool in_bounds(finder *fd, const ms_term *chain, int n)
{
    for (int i = 0; i < fd->sites.len; i++) {
        site *s = &fd->sites.data[i];
        ms_expr *dims[MAX_DIMS];
        if (!split_index(fd->f, s->realized, chain, n, dims))
            return false;
        for (int d = 1; d < n; d++) {
            ms_term r;
            divides(&chain[n - 1 - d], &chain[n - d], &r);
            ms_poly lo, hi, ext = {0}, gap = {0};
            if (!ms_expr_range(fd->f, dims[d], s->depth, s->loops, &lo, &hi))
                return false;
            ms_poly rp = {.n = 1, .terms = &r};
            ms_poly_add(&ext, &rp, 1);
            ms_poly_add(&gap, &ext, 1);
            ms_poly_add(&gap, &hi, -1);
            int64_t c;
            /* hi <= extent - 1 and lo >= 0, provably */
            bool ok = ms_poly_is_const(&gap, &c) ? c >= 1 : false;
            ok = ok && (ms_poly_is_const(&lo, &c) ? c >= 0 : false);
            ms_poly_free(&lo);
            ms_poly_free(&hi);
            ms_poly_free(&ext);
            ms_poly_free(&gap);
            if (!ok)
                return false;
        }
    }
    return true;
}

static void delinearize_buffer(ms_func *f, ms_buffer *b)
{
    finder fd = {.f = f, .buf = b};
    ms_walk(f->body, &find_fns, &fd);
    ms_term chain[MAX_DIMS];
    int n = fd.sites.len ? stride_chain(&fd, chain) : 0;
    if (n >= 2 && in_bounds(&fd, chain, n)) {
        for (int i = 0; i < fd.sites.len; i++) {
            site *s = &fd.sites.data[i];
            ms_expr **dims = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)n);
            bool ok = split_index(f, (*s->idx)[0], chain, n, dims);
            MS_ASSERT(ok); /* in_bounds split every access already */
            *s->idx = dims;
            *s->nidx = n;
        }
        b->ndim = n;
        b->shape = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)n);
        for (int d = 1; d < n; d++) {
            ms_term r;
            divides(&chain[n - 1 - d], &chain[n - d], &r);
            b->shape[d] = term_expr(f, &r);
        }
    }
    for (int i = 0; i < fd.sites.len; i++)
        free(fd.sites.data[i].loops);
    free(fd.sites.data);
}

void ms_delinearize(ms_func *f)
{
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].buf && f->params[i].buf->is_pointer)
            delinearize_buffer(f, f->params[i].buf);
}
