/*
 * features.c - what the cost model sees of a scheduled candidate: one
 * fixed-length vector of numbers, read off the IR after the
 * postprocessors (MetaSchedule's per-store features, condensed). Every
 * feature is described once, in the table below: a few for the whole
 * function, then the same block of per-store features for the heaviest
 * stores (by arithmetic executed; zeros when there are fewer). Counts,
 * sizes and extents enter as log2(1 + x), as MetaSchedule does, so that a
 * tree model splits on orders of magnitude. The layout's version goes with
 * every saved model: a model of another layout is retrained, never read.
 */
#include "schedule/schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 32, MAX_READS = 32, MAX_STORES = 64 };

/* ---- the table ---- */

typedef struct feature_doc {
    const char *name, *meaning;
} feature_doc;

/* Features of the whole function. */
static const feature_doc global_docs[] = {
    {"stores", "stores in the function (log)"},
    {"flops", "arithmetic operations per call at the tuning sizes (log)"},
    {"local_bytes", "bytes of local arrays and scalars: caches, partials, accumulators (log)"},
    {"packed_bytes", "bytes of packed copies of inputs (transform_layout) (log)"},
    {"thread_teams", "parallel loops started per call: each costs a fork and a join (log)"},
    {"threads", "threads the code is tuned for"},
};

/* Features of one store; an access block follows for its write and for
 * its two largest reads. */
static const feature_doc store_docs[] = {
    {"execs", "times the store runs per call: the product of its loops' trip counts (log)"},
    {"float_addsub", "float additions and subtractions executed (log)"},
    {"float_mul", "float multiplications executed (log)"},
    {"float_div", "float divisions executed (log)"},
    {"math_calls", "math library calls executed: expf, sqrtf, fmaxf... (log)"},
    {"int_arith", "integer additions, subtractions, multiplications in values (log)"},
    {"int_divmod", "integer divisions and remainders in values and subscripts (log)"},
    {"compare_select", "comparisons and selects executed (log)"},
    {"loops", "loops around the store"},
    {"inner_extent", "trip count of the innermost loop (log)"},
    {"vector_lanes", "product of the trip counts of SIMD loops around it (log)"},
    {"vector_inner", "1 if the innermost loop is the SIMD loop"},
    {"vector_reduces", "1 if a SIMD loop around it carries a reduction"},
    {"unrolled", "product of the trip counts of unrolled loops (log)"},
    {"parallel_jobs", "product of the trip counts of parallel loops (log)"},
    {"jobs_per_thread", "parallel jobs per thread (0: serial)"},
    {"balance", "share of the threads' time spent working when jobs split evenly (1: serial)"},
    {"intensity", "arithmetic per byte the store's accesses touch over the whole nest (log)"},
    {"guarded", "1 if the store runs under a predicate (a split remainder)"},
};

/* Features of one access of a store (its write, then its reads). */
static const feature_doc access_docs[] = {
    {"stride", "elements between consecutive iterations of the innermost loop (log; 32: "
               "not affine)"},
    {"contiguous", "1 if that stride is 1"},
    {"invariant", "1 if the innermost loop does not move it (reused in a register)"},
    {"bytes_inner", "bytes it touches over the innermost loop (log)"},
    {"bytes_inner3", "bytes it touches over the three innermost loops (log)"},
    {"bytes_nest", "bytes it touches over the whole nest (log)"},
    {"lines_nest", "64-byte lines it touches over the whole nest (log)"},
    {"reuse", "times each element is touched over the whole nest (log)"},
};

enum {
    NG = sizeof global_docs / sizeof global_docs[0],
    NS = sizeof store_docs / sizeof store_docs[0],
    NA = sizeof access_docs / sizeof access_docs[0],
    ACCESSES = 3,                  /* the write and the two largest reads */
    PER_STORE = NS + ACCESSES * NA /* one store's block */
};

int ms_feature_count(void)
{
    return NG + MS_FEATURE_STORES * PER_STORE;
}

void ms_feature_doc(int i, char *name, size_t name_size, const char **meaning)
{
    static const char *const role[ACCESSES] = {"write", "read1", "read2"};
    if (i < NG) {
        snprintf(name, name_size, "%s", global_docs[i].name);
        *meaning = global_docs[i].meaning;
        return;
    }
    int s = (i - NG) / PER_STORE, k = (i - NG) % PER_STORE;
    if (k < NS) {
        snprintf(name, name_size, "s%d.%s", s, store_docs[k].name);
        *meaning = store_docs[k].meaning;
    } else {
        int a = (k - NS) / NA;
        snprintf(name, name_size, "s%d.%s.%s", s, role[a], access_docs[(k - NS) % NA].name);
        *meaning = access_docs[(k - NS) % NA].meaning;
    }
}

/* ---- reading the IR ---- */

static double lg(double x)
{
    return log2(1 + (x > 0 ? x : 0));
}

/* Operations of one kind in a store (its value; subscripts: / and %). */
typedef struct arith {
    double fadd, fmul, fdiv, calls, iarith, idivmod, cmpsel;
} arith;

/* One access: where, and its footprint per loop level. */
typedef struct access {
    const ms_buffer *buf;
    bool affine;
    int64_t coef[MAX_DEPTH]; /* element stride of each loop's counter */
    bool moves[MAX_DEPTH];   /* does loop l move it (not affine: any use) */
} access;

typedef struct store_rec {
    int depth;
    ms_stmt *loops[MAX_DEPTH];
    bool skip[MAX_DEPTH]; /* a reduction loop around an init: runs it once */
    const ms_stmt *store;
    bool guarded;
    access write;
    int nreads;
    access reads[MAX_READS];
    arith c;
    double execs, ops; /* ops: of every kind but / and % on integers */
} store_rec;

typedef struct extract {
    ms_func *f;
    const ms_arch *arch;
    store_rec *stores; /* grown as stores are met, up to MAX_STORES */
    int nstores, capstores;
    access pending[MAX_READS]; /* reads met before their store */
    int npending;
    double local_bytes, packed_bytes, teams;
    const ms_stmt *team_loops[MAX_STORES]; /* parallel loops counted in teams */
    int nteams;
} extract;

static int64_t extent_of(const ms_func *f, const ms_stmt *loop)
{
    int64_t e;
    return ms_expr_eval_hints(f, loop->loop.extent, &e) && e > 0 ? e : 1;
}

/* The element stride of every loop counter in the access's linear index. */
static void locate(extract *x, const ms_access_site *s, access *a)
{
    memset(a, 0, sizeof *a);
    a->buf = s->buf;
    a->affine = true;
    int64_t stride = 1;
    for (int d = *s->nidx - 1; d >= 0; d--) {
        ms_expr *idx = ms_site_realize(x->f, s, (*s->idx)[d]);
        ms_poly p;
        bool poly = ms_poly_from_expr(idx, &p);
        for (int l = 0; l < s->depth && l < MAX_DEPTH; l++) {
            const ms_var *v = s->loops[l]->loop.var;
            bool used = ms_expr_uses_var(idx, v);
            a->moves[l] = a->moves[l] || used;
            for (int t = 0; poly && used && t < p.n; t++)
                if (p.terms[t].nvars == 1 && p.terms[t].vars[0] == v)
                    a->coef[l] += p.terms[t].coef * stride;
            a->affine = a->affine && (poly || !used);
        }
        if (poly)
            ms_poly_free(&p);
        int64_t ext = 0;
        if (d > 0 && !(s->buf->shape[d] && ms_expr_eval_hints(x->f, s->buf->shape[d], &ext)))
            a->affine = false; /* the row length has no value: strides unknown */
        stride *= ext > 0 ? ext : 1;
    }
}

/* Trips of the store's loop l (1 where it does not repeat the store). */
static double trips(const extract *x, const store_rec *r, int l)
{
    return r->skip[l] ? 1.0 : (double)extent_of(x->f, r->loops[l]);
}

/* Elements an access touches over loops from..depth-1 (an upper bound:
 * the product of the trip counts of the loops that move it). */
static double footprint(const extract *x, const store_rec *r, const access *a, int from)
{
    double n = 1;
    for (int l = from < 0 ? 0 : from; l < r->depth; l++)
        if (a->moves[l])
            n *= trips(x, r, l);
    return n;
}

/* Operations of e by kind; subscripts count their / and % only. */
static void count_ops(const ms_expr *e, bool in_index, arith *c)
{
    switch (e->kind) {
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
    case MS_EXPR_VAR:
        return;
    case MS_EXPR_BINARY: {
        ms_binop op = e->bin.op;
        bool fl = ms_dtype_is_float(e->dtype) && !in_index;
        if (op == MS_BIN_DIV || op == MS_BIN_MOD)
            *(fl ? &c->fdiv : &c->idivmod) += 1;
        else if (in_index)
            ;
        else if (op == MS_BIN_ADD || op == MS_BIN_SUB)
            *(fl ? &c->fadd : &c->iarith) += 1;
        else if (op == MS_BIN_MUL)
            *(fl ? &c->fmul : &c->iarith) += 1;
        else if (op == MS_BIN_LT || op == MS_BIN_LE || op == MS_BIN_GT || op == MS_BIN_GE ||
                 op == MS_BIN_EQ || op == MS_BIN_NE)
            c->cmpsel += 1;
        count_ops(e->bin.a, in_index, c);
        count_ops(e->bin.b, in_index, c);
        return;
    }
    case MS_EXPR_UNARY:
        count_ops(e->un.a, in_index, c);
        return;
    case MS_EXPR_SELECT:
        c->cmpsel += !in_index;
        count_ops(e->sel.cond, in_index, c);
        count_ops(e->sel.a, in_index, c);
        count_ops(e->sel.b, in_index, c);
        return;
    case MS_EXPR_CAST:
        count_ops(e->cast.a, in_index, c);
        return;
    case MS_EXPR_CALL:
        c->calls += !in_index;
        for (int i = 0; i < e->call.nargs; i++)
            count_ops(e->call.args[i], in_index, c);
        return;
    case MS_EXPR_LOAD:
        for (int i = 0; i < e->load.nidx; i++)
            count_ops(e->load.idx[i], true, c);
        return;
    }
    ms_unreachable();
}

static void on_access(void *ctx, const ms_access_site *s)
{
    extract *x = ctx;
    if (!s->write) {
        /* x = x + ...: the element the store writes is the write's traffic */
        bool own = s->store && s->buf == s->store->store.buf && *s->nidx == s->store->store.nidx;
        for (int d = 0; own && d < *s->nidx; d++)
            own = ms_expr_equal((*s->idx)[d], s->store->store.idx[d]);
        if (!own && x->npending < MAX_READS && s->buf->ndim > 0)
            locate(x, s, &x->pending[x->npending++]);
        return;
    }
    if (!s->store || x->nstores == MAX_STORES) {
        x->npending = 0;
        return;
    }
    if (x->nstores == x->capstores) {
        x->capstores = x->capstores ? 2 * x->capstores : 4;
        x->stores = ms_xrealloc(x->stores, sizeof(store_rec) * (size_t)x->capstores);
    }
    store_rec *r = &x->stores[x->nstores++];
    memset(r, 0, sizeof *r);
    r->depth = s->depth < MAX_DEPTH ? s->depth : MAX_DEPTH;
    for (int l = 0; l < r->depth; l++)
        r->loops[l] = s->loops[l];
    r->store = s->store;
    count_ops(s->store->store.value, false, &r->c);
    for (int i = 0; i < s->store->store.nidx; i++)
        count_ops(s->store->store.idx[i], true, &r->c);
    r->ops = r->c.fadd + r->c.fmul + r->c.fdiv + r->c.calls + r->c.iarith + r->c.cmpsel;
    r->guarded = s->block && s->block->block.predicate;
    locate(x, s, &r->write);
    r->nreads = x->npending;
    memcpy(r->reads, x->pending, sizeof(access) * (size_t)x->npending);
    x->npending = 0;
    /* a reduction's init runs once per element: not along its reduction loops */
    bool init = s->block && s->block->block.init == s->store;
    r->execs = 1;
    for (int l = 0; l < r->depth; l++) {
        for (int i = 0; init && i < s->block->block.niter; i++)
            r->skip[l] = r->skip[l] || (s->block->block.iters[i].kind == MS_ITER_REDUCE &&
                                        ms_expr_uses_var(s->block->block.iters[i].binding,
                                                         r->loops[l]->loop.var));
        r->execs *= trips(x, r, l);
    }
    /* a thread team each time its parallel loop starts */
    double starts = 1;
    for (int l = 0; l < r->depth; l++) {
        if (r->loops[l]->loop.kind != MS_LOOP_PARALLEL) {
            starts *= trips(x, r, l);
            continue;
        }
        bool seen = false;
        for (int t = 0; t < x->nteams; t++)
            seen = seen || x->team_loops[t] == r->loops[l];
        if (!seen && x->nteams < MAX_STORES) {
            x->team_loops[x->nteams++] = r->loops[l];
            x->teams += starts;
        }
        break;
    }
}

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    (void)depth;
    (void)loops;
    extract *x = ctx;
    double n = ms_dtype_bytes(b->dtype);
    for (int d = 0; d < b->ndim; d++) {
        int64_t e;
        n *= b->shape[d] && ms_expr_eval_hints(x->f, b->shape[d], &e) && e > 0 ? (double)e : 1;
    }
    *(b->scope == MS_SCOPE_PACKED ? &x->packed_bytes : &x->local_bytes) += n;
}

static int by_weight(const void *a, const void *b)
{
    const store_rec *x = a, *y = b;
    double wx = x->execs * (1 + x->ops), wy = y->execs * (1 + y->ops);
    return (wx < wy) - (wx > wy);
}

static void access_features(const extract *x, const store_rec *r, const access *a, float *out)
{
    int inner = r->depth - 1;
    /* the innermost loop that runs more than once decides the stride */
    while (inner > 0 && trips(x, r, inner) == 1)
        inner--;
    int64_t stride = inner >= 0 ? a->coef[inner] : 0;
    bool moves = inner >= 0 && a->moves[inner];
    out[0] = !moves ? 0.0f : a->affine ? (float)lg((double)llabs(stride)) : 32.0f;
    out[1] = moves && a->affine && llabs(stride) == 1;
    out[2] = !moves;
    double esz = ms_dtype_bytes(a->buf->dtype);
    out[3] = (float)lg(footprint(x, r, a, r->depth - 1) * esz);
    out[4] = (float)lg(footprint(x, r, a, r->depth - 3) * esz);
    double all = footprint(x, r, a, 0);
    out[5] = (float)lg(all * esz);
    /* contiguous along the innermost loop: lines hold 64 bytes of it */
    double line_share = out[1] ? esz / 64 : 1;
    out[6] = (float)lg(all * (line_share < 1 ? line_share : 1));
    out[7] = (float)lg(r->execs / (all > 0 ? all : 1));
}

static void store_features(const extract *x, const store_rec *r, float *out)
{
    const arith c = r->c;
    double e = r->execs;
    out[0] = (float)lg(e);
    out[1] = (float)lg(c.fadd * e);
    out[2] = (float)lg(c.fmul * e);
    out[3] = (float)lg(c.fdiv * e);
    out[4] = (float)lg(c.calls * e);
    out[5] = (float)lg(c.iarith * e);
    out[6] = (float)lg(c.idivmod * e);
    out[7] = (float)lg(c.cmpsel * e);
    out[8] = (float)r->depth;
    double lanes = 1, unrolled = 1, par = 1;
    bool reduces = false;
    for (int l = 0; l < r->depth; l++) {
        const ms_stmt *L = r->loops[l];
        double ext = trips(x, r, l);
        if (ms_loop_is_simd(L)) {
            lanes *= ext;
            reduces = reduces || L->loop.nred > 0;
        }
        if (L->loop.kind == MS_LOOP_UNROLLED)
            unrolled *= ext;
        if (L->loop.kind == MS_LOOP_PARALLEL)
            par *= ext;
    }
    const ms_stmt *in = r->depth ? r->loops[r->depth - 1] : NULL;
    out[9] = in ? (float)lg(trips(x, r, r->depth - 1)) : 0.0f;
    out[10] = (float)lg(lanes);
    out[11] = in && ms_loop_is_simd(in);
    out[12] = reduces;
    out[13] = (float)lg(unrolled);
    out[14] = (float)lg(par);
    double threads = x->arch->ncores > 0 ? x->arch->ncores : 1;
    bool parallel = par > 1;
    out[15] = parallel ? (float)(par / threads) : 0.0f;
    out[16] = parallel ? (float)(par / (ceil(par / threads) * threads)) : 1.0f;
    double bytes = footprint(x, r, &r->write, 0) * ms_dtype_bytes(r->write.buf->dtype);
    for (int i = 0; i < r->nreads; i++)
        bytes += footprint(x, r, &r->reads[i], 0) * ms_dtype_bytes(r->reads[i].buf->dtype);
    double flops = (c.fadd + c.fmul + c.fdiv + c.calls + c.iarith) * e;
    out[17] = (float)lg(flops / (bytes > 0 ? bytes : 1));
    out[18] = r->guarded;
    /* the write, then the two reads that touch the most bytes */
    access_features(x, r, &r->write, out + NS);
    int best[2] = {-1, -1};
    double size[2] = {-1, -1};
    for (int i = 0; i < r->nreads; i++) {
        double b = footprint(x, r, &r->reads[i], 0) * ms_dtype_bytes(r->reads[i].buf->dtype);
        if (b > size[0]) {
            best[1] = best[0], size[1] = size[0];
            best[0] = i, size[0] = b;
        } else if (b > size[1]) {
            best[1] = i, size[1] = b;
        }
    }
    for (int k = 0; k < 2; k++)
        if (best[k] >= 0)
            access_features(x, r, &r->reads[best[k]], out + NS + (1 + k) * NA);
}

void ms_features_of(ms_func *f, const ms_arch *arch, float *out)
{
    memset(out, 0, sizeof(float) * (size_t)ms_feature_count());
    extract x = {.f = f, .arch = arch};
    static const ms_walk_fns fns = {on_access, on_alloc, NULL};
    ms_walk(f->body, &fns, &x);
    double flops = 0;
    for (int i = 0; i < x.nstores; i++)
        flops += x.stores[i].ops * x.stores[i].execs;
    qsort(x.stores, (size_t)x.nstores, sizeof(store_rec), by_weight);
    out[0] = (float)lg(x.nstores);
    out[1] = (float)lg(flops);
    out[2] = (float)lg(x.local_bytes);
    out[3] = (float)lg(x.packed_bytes);
    out[4] = (float)lg(x.teams);
    out[5] = (float)(arch->ncores > 0 ? arch->ncores : 1);
    for (int s = 0; s < MS_FEATURE_STORES && s < x.nstores; s++)
        store_features(&x, &x.stores[s], out + NG + s * PER_STORE);
    free(x.stores);
}
