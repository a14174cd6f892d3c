/*
 * region.c - what part of an array a block touches in one iteration of a
 * loop around it: a box per dimension, [lo, hi] in the loops outside and
 * the parameters, from the ranges of the loops inside. cache_read and
 * compute_at size their copies and recomputations with it.
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>

bool prim_access_box(ms_func *f, ms_stmt *const *path, int n, int at, int nidx, ms_expr *const *idx,
                     ms_poly *lo, ms_poly *hi)
{
    for (int d = 0; d < nidx; d++) {
        if (!ms_expr_range(f, ms_simplify(f, idx[d]), n - at - 1, path + at + 1, &lo[d], &hi[d])) {
            for (int e = 0; e < d; e++) {
                ms_poly_free(&lo[e]);
                ms_poly_free(&hi[e]);
            }
            return false;
        }
    }
    return true;
}

/* a - b when it is a constant */
static bool const_diff(const ms_poly *a, const ms_poly *b, int64_t *out)
{
    ms_poly d = {0};
    ms_poly_add(&d, a, 1);
    ms_poly_add(&d, b, -1);
    bool ok = ms_poly_is_const(&d, out);
    ms_poly_free(&d);
    return ok;
}

bool prim_box_union(int nidx, ms_poly *lo, ms_poly *hi, ms_poly *lo2, ms_poly *hi2)
{
    for (int d = 0; d < nidx; d++) {
        int64_t dl, dh;
        if (!const_diff(&lo2[d], &lo[d], &dl) || !const_diff(&hi2[d], &hi[d], &dh))
            return false;
    }
    for (int d = 0; d < nidx; d++) {
        int64_t dl, dh;
        const_diff(&lo2[d], &lo[d], &dl);
        const_diff(&hi2[d], &hi[d], &dh);
        if (dl < 0) {
            ms_poly_free(&lo[d]);
            lo[d] = lo2[d];
            lo2[d] = (ms_poly){0};
        }
        if (dh > 0) {
            ms_poly_free(&hi[d]);
            hi[d] = hi2[d];
            hi2[d] = (ms_poly){0};
        }
    }
    return true;
}

bool prim_box_extent(const ms_poly *lo, const ms_poly *hi, int64_t *ext)
{
    int64_t d;
    if (!const_diff(hi, lo, &d) || d < 0)
        return false;
    *ext = d + 1;
    return true;
}

void prim_box_free(int nidx, ms_poly *lo, ms_poly *hi)
{
    for (int d = 0; d < nidx; d++) {
        ms_poly_free(&lo[d]);
        ms_poly_free(&hi[d]);
    }
}

bool prim_unit_stride_split(ms_func *f, ms_stmt *const *path, int n, int at, ms_expr *idx,
                            ms_expr **base, ms_stmt **loop)
{
    ms_poly p, b = {0};
    *loop = NULL;
    if (!ms_poly_from_expr(ms_simplify(f, idx), &p))
        return false;
    bool ok = true;
    for (int t = 0; t < p.n && ok; t++) {
        ms_term *term = &p.terms[t];
        int inner = -1;
        for (int l = at + 1; l < n; l++)
            for (int k = 0; k < term->nvars; k++)
                if (term->vars[k] == path[l]->loop.var)
                    inner = l;
        if (inner < 0) {
            ms_poly one = {.n = 1, .terms = term};
            ms_poly_add(&b, &one, 1);
            continue;
        }
        /* one inner counter, alone, with coefficient 1 */
        ok = term->nvars == 1 && term->coef == 1 && !*loop;
        *loop = path[inner];
    }
    ms_poly_free(&p);
    *base = ok ? ms_poly_to_expr(f, &b) : NULL;
    if (!ok)
        *loop = NULL;
    ms_poly_free(&b);
    return ok;
}
