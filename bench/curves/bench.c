/*
 * bench.c - one operator timed in one run: the naive kernel (bench/curves/
 * ops/OP.c as written), the same kernel tuned by mscc (tuned/OP.c, found
 * on the include path), and
 * the libraries that have the operator: OpenBLAS (gemm, dot) and oneDNN
 * (gemm, convolutions, softmax), all with the thread count given. Prints one line:
 *   OP FLOPS naive_s tuned_s max_rel_err LIB seconds [LIB seconds]
 * Median seconds per call; mscc and oneDNN (both OpenMP) timed in turns, so that
 * the machine's drift falls on them alike. Built by run.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <dnnl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define sgemm sgemm_naive
#define conv3x3 conv3x3_naive
#define conv7x7s2 conv7x7s2_naive
#define dwconv dwconv_naive
#define softmax softmax_naive
#define sdot sdot_naive
#include "ops/conv3x3.c"
#include "ops/conv7x7s2.c"
#include "ops/dot.c"
#include "ops/dwconv.c"
#include "ops/gemm.c"
#include "ops/softmax.c"
#undef sgemm
#undef conv3x3
#undef conv7x7s2
#undef dwconv
#undef softmax
#undef sdot
#define sgemm sgemm_tuned
#define conv3x3 conv3x3_tuned
#define conv7x7s2 conv7x7s2_tuned
#define dwconv dwconv_tuned
#define softmax softmax_tuned
#define sdot sdot_tuned
#include "tuned/conv3x3.c"
#include "tuned/conv7x7s2.c"
#include "tuned/dot.c"
#include "tuned/dwconv.c"
#include "tuned/gemm.c"
#include "tuned/softmax.c"
#undef sgemm
#undef conv3x3
#undef conv7x7s2
#undef dwconv
#undef softmax
#undef sdot

void openblas_set_num_threads(int);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One way to compute the operator: run(ctx) once. */
typedef struct way {
    void (*run)(void *ctx);
    void *ctx;
} way;

/* Median seconds per call: one warm-up, then repeats for at least 0.5 s
 * (at least 3, at most 200). For the naive kernel, timed alone. */
static double timeit(way w)
{
    double t[200];
    int n = 0;
    w.run(w.ctx);
    double start = now();
    while (n < 200 && (n < 3 || now() - start < 0.5)) {
        double t0 = now();
        w.run(w.ctx);
        t[n++] = now() - t0;
    }
    qsort(t, (size_t)n, sizeof t[0], by_value);
    return t[n / 2];
}

enum { ROUNDS = 24, MAX_PER_ROUND = 4096, MAX_WAYS = 2 };

/* Median seconds per call of each way, timed in turns: ROUNDS rounds, each
 * running every way for at least 0.08 s, so that the machine's drift (the
 * libraries moved by 20% between runs here) falls on all of them alike.
 * About 2 s a way: at 8 rounds of at most 64 calls (20 ms of depthwise),
 * seven runs of one tuned depthwise gave 1.13x to 1.29x oneDNN.
 * Each way first runs for 0.1 s: oneDNN takes about 100 calls of gemm to
 * reach its speed. */
static void time_in_turns(const way *w, int n, double *median)
{
    static double t[MAX_WAYS][ROUNDS * MAX_PER_ROUND];
    int count[MAX_WAYS] = {0};
    for (int i = 0; i < n; i++) {
        double start = now();
        do
            w[i].run(w[i].ctx);
        while (now() - start < 0.1);
    }
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < n; i++) {
            double start = now();
            for (int k = 0; k < MAX_PER_ROUND && (k == 0 || now() - start < 0.08); k++) {
                double t0 = now();
                w[i].run(w[i].ctx);
                t[i][count[i]++] = now() - t0;
            }
        }
    for (int i = 0; i < n; i++) {
        qsort(t[i], (size_t)count[i], sizeof t[i][0], by_value);
        median[i] = t[i][count[i] / 2];
    }
}

static float *rand_array(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(3);
    }
    unsigned s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        p[i] = (float)((s >> 9) & 0xffff) / 32768.0f - 1.0f;
    }
    return p;
}

static double max_rel_err(const float *ref, const float *got, size_t n)
{
    double mean = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        mean += fabs(ref[i]);
    mean = n ? mean / (double)n : 1;
    for (size_t i = 0; i < n; i++) {
        double scale = fabs(ref[i]) > mean ? fabs(ref[i]) : mean;
        double e = fabs((double)ref[i] - got[i]) / (scale > 0 ? scale : 1);
        worst = e > worst ? e : worst;
    }
    return worst;
}

static void check(dnnl_status_t st, const char *what)
{
    if (st != dnnl_success) {
        fprintf(stderr, "oneDNN: %s failed (status %d)\n", what, (int)st);
        exit(4);
    }
}

/* ---- oneDNN: a primitive over src, optional weights, dst ---- */

typedef struct onednn {
    dnnl_engine_t eng;
    dnnl_stream_t stream;
    dnnl_primitive_t prim;
    dnnl_exec_arg_t args[3];
    int nargs;
} onednn;

static void onednn_run(void *ctx)
{
    onednn *d = ctx;
    check(dnnl_primitive_execute(d->prim, d->stream, d->nargs, d->args), "execute");
    check(dnnl_stream_wait(d->stream), "stream wait");
}

/* The primitive of op_desc, its memories allocated in the layouts it
 * prefers for weights (a framework reorders weights once, untimed); src
 * and dst in the user's layout, filled with data. */
static void onednn_make(onednn *d, const_dnnl_op_desc_t op, bool weights)
{
    dnnl_primitive_desc_t pd;
    check(dnnl_primitive_desc_create(&pd, op, NULL, d->eng, NULL), "primitive desc");
    check(dnnl_primitive_create(&d->prim, pd), "primitive");
    static const struct {
        int arg;
        dnnl_query_t q;
    } mems[3] = {{DNNL_ARG_SRC, dnnl_query_src_md},
                 {DNNL_ARG_WEIGHTS, dnnl_query_weights_md},
                 {DNNL_ARG_DST, dnnl_query_dst_md}};
    d->nargs = 0;
    for (int i = 0; i < 3; i++) {
        if (i == 1 && !weights)
            continue;
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, mems[i].q, 0);
        dnnl_memory_t m;
        check(dnnl_memory_create(&m, md, d->eng, DNNL_MEMORY_ALLOCATE), "memory");
        void *h;
        check(dnnl_memory_get_data_handle(m, &h), "data handle");
        size_t bytes = dnnl_memory_desc_get_size(md);
        float *src = rand_array(bytes / sizeof(float));
        memcpy(h, src, bytes);
        free(src);
        d->args[d->nargs++] = (dnnl_exec_arg_t){mems[i].arg, m};
    }
    check(dnnl_primitive_desc_destroy(pd), "destroy");
}

static void onednn_init(onednn *d)
{
    check(dnnl_engine_create(&d->eng, dnnl_cpu, 0), "engine");
    check(dnnl_stream_create(&d->stream, d->eng, dnnl_stream_default_flags), "stream");
}

/* A direct convolution, NHWC source and destination, weights as oneDNN
 * likes them; groups > 1: depthwise (one channel per group). */
static void onednn_conv(onednn *d, int ih, int iw, int ci, int oh, int ow, int co, int k,
                        int stride, int pad, int groups)
{
    onednn_init(d);
    dnnl_memory_desc_t src, wt, dst;
    dnnl_dims_t sd = {1, ci, ih, iw}, dd = {1, co, oh, ow};
    check(dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_nhwc), "src md");
    check(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_nhwc), "dst md");
    if (groups > 1) {
        dnnl_dims_t wd = {groups, co / groups, ci / groups, k, k};
        check(dnnl_memory_desc_init_by_tag(&wt, 5, wd, dnnl_f32, dnnl_format_tag_any), "wt md");
    } else {
        dnnl_dims_t wd = {co, ci, k, k};
        check(dnnl_memory_desc_init_by_tag(&wt, 4, wd, dnnl_f32, dnnl_format_tag_any), "wt md");
    }
    dnnl_dims_t strides = {stride, stride}, padding = {pad, pad};
    dnnl_convolution_desc_t cd;
    check(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                             &src, &wt, NULL, &dst, strides, padding, padding),
          "convolution desc");
    onednn_make(d, &cd, true);
}

static void onednn_softmax(onednn *d, int m, int n)
{
    onednn_init(d);
    dnnl_memory_desc_t md;
    dnnl_dims_t dims = {m, n};
    check(dnnl_memory_desc_init_by_tag(&md, 2, dims, dnnl_f32, dnnl_ab), "md");
    dnnl_softmax_desc_t sd;
    check(dnnl_softmax_forward_desc_init(&sd, dnnl_forward_inference, &md, 1), "softmax desc");
    onednn_make(d, &sd, false);
}

/* ---- the operators: the naive and tuned kernels on the same arrays ---- */

typedef struct args {
    int tuned;
    int a, b, c, d; /* sizes */
    float *x, *w, *out;
} args;

static void run_gemm(void *p)
{
    args *g = p;
    int n = g->a;
    (g->tuned ? sgemm_tuned : sgemm_naive)(n, n, n, (const float(*)[n])g->x,
                                           (const float(*)[n])g->w, (float(*)[n])g->out);
}
static void run_conv3x3(void *p)
{
    args *g = p;
    int H = g->a, W = g->b, CI = g->c, CO = g->d;
    (g->tuned ? conv3x3_tuned : conv3x3_naive)(H, W, CI, CO, (const float(*)[W + 2][CI]) g->x,
                                               (const float(*)[3][CI][CO])g->w,
                                               (float(*)[W][CO])g->out);
}
static void run_conv7x7s2(void *p)
{
    args *g = p;
    int OH = g->a, OW = g->b, CI = g->c, CO = g->d;
    (g->tuned ? conv7x7s2_tuned
              : conv7x7s2_naive)(OH, OW, CI, CO, (const float(*)[2 * OW + 6][CI]) g->x,
                                 (const float(*)[7][CI][CO])g->w, (float(*)[OW][CO])g->out);
}
static void run_dwconv(void *p)
{
    args *g = p;
    int H = g->a, W = g->b, C = g->c;
    (g->tuned ? dwconv_tuned : dwconv_naive)(H, W, C, (const float(*)[W + 2][C]) g->x,
                                             (const float(*)[3][C])g->w, (float(*)[W][C])g->out);
}
static void run_softmax(void *p)
{
    args *g = p;
    int M = g->a, N = g->b;
    (g->tuned ? softmax_tuned : softmax_naive)(M, N, (const float(*)[N])g->x, (float(*)[N])g->out);
}

static void run_dot(void *p)
{
    args *g = p;
    int N = g->a;
    (g->tuned ? sdot_tuned : sdot_naive)(N, g->x, g->w, g->out);
}

static void run_blas_dot(void *p)
{
    args *g = p;
    g->out[0] = cblas_sdot(g->a, g->x, 1, g->w, 1);
}

static void run_blas(void *p)
{
    args *g = p;
    int n = g->a;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, g->x, n, g->w, n, 0.0f,
                g->out, n);
}
static void run_dnnl_sgemm(void *p)
{
    args *g = p;
    int n = g->a;
    check(dnnl_sgemm('N', 'N', n, n, n, 1.0f, g->x, n, g->w, n, 0.0f, g->out, n), "sgemm");
}

static void lib_conv3x3(onednn *d)
{
    onednn_conv(d, 56, 56, 64, 56, 56, 64, 3, 1, 1, 1);
}
static void lib_conv7x7s2(onednn *d)
{
    onednn_conv(d, 224, 224, 3, 112, 112, 64, 7, 2, 3, 1);
}
static void lib_dwconv(onednn *d)
{
    onednn_conv(d, 112, 112, 32, 112, 112, 32, 3, 1, 1, 32);
}
static void lib_softmax(onednn *d)
{
    onednn_softmax(d, 1024, 1024);
}

/* The operators: sizes as the kernels' pragmas give them, array lengths,
 * FLOPs per call, and oneDNN's primitive for it (gemm: dnnl_sgemm), and
 * OpenBLAS's. */
static const struct op {
    const char *name;
    void (*run)(void *);
    int a, b, c, d;
    size_t nx, nw, nout;
    double flops;
    void (*dnnl)(onednn *d);
    void (*blas)(void *);
} ops[] = {
    {"gemm", run_gemm, 1024, 0, 0, 0, 1024 * 1024, 1024 * 1024, 1024 * 1024,
     2.0 * 1024 * 1024 * 1024, NULL, run_blas},
    {"dot", run_dot, 4194304, 0, 0, 0, 4194304, 4194304, 1, 2.0 * 4194304, NULL, run_blas_dot},
    {"conv3x3", run_conv3x3, 56, 56, 64, 64, 58 * 58 * 64, 9 * 64 * 64, 56 * 56 * 64,
     2.0 * 56 * 56 * 64 * 64 * 9, lib_conv3x3, NULL},
    {"conv7x7s2", run_conv7x7s2, 112, 112, 3, 64, 230 * 230 * 3, 49 * 3 * 64, 112 * 112 * 64,
     2.0 * 112 * 112 * 64 * 3 * 49, lib_conv7x7s2, NULL},
    {"dwconv", run_dwconv, 112, 112, 32, 0, 114 * 114 * 32, 9 * 32, 112 * 112 * 32,
     2.0 * 112 * 112 * 32 * 9, lib_dwconv, NULL},
    {"softmax", run_softmax, 1024, 1024, 0, 0, 1024 * 1024, 1, 1024 * 1024, 5.0 * 1024 * 1024,
     lib_softmax, NULL},
};

int main(int argc, char **argv)
{
    const struct op *op = NULL;
    for (size_t i = 0; argc == 3 && i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(argv[1], ops[i].name))
            op = &ops[i];
    if (!op) {
        fprintf(stderr, "usage: %s gemm|conv3x3|conv7x7s2|dwconv|softmax|dot THREADS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[2]);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    openblas_set_num_threads(threads);
    args a = {0,
              op->a,
              op->b,
              op->c,
              op->d,
              rand_array(op->nx),
              rand_array(op->nw),
              rand_array(op->nout)};
    args t = a;
    t.tuned = 1;
    t.out = rand_array(op->nout);
    op->run(&a);
    op->run(&t);
    double err = max_rel_err(a.out, t.out, op->nout);
    double naive = timeit((way){op->run, &a});
    way ways[MAX_WAYS] = {{op->run, &t}};
    const char *names[MAX_WAYS] = {"mscc"};
    int n = 1;
    onednn d = {0};
    /* OpenBLAS alone: its own threads spin for a while after each call
     * and would slow the OpenMP ways taking turns with it (mscc 12.5 ms
     * for 8.5 here, OpenBLAS 48 to 180 ms for its usual 11) */
    double blas = op->blas ? timeit((way){op->blas, &t}) : 0;
    if (op->run == run_gemm) {
        names[n] = "oneDNN";
        ways[n++] = (way){run_dnnl_sgemm, &t};
    } else if (op->dnnl) {
        op->dnnl(&d);
        names[n] = "oneDNN";
        ways[n++] = (way){onednn_run, &d};
    }
    double median[MAX_WAYS];
    time_in_turns(ways, n, median);
    printf("%s %.6g %.6g %.6g %.3g", op->name, op->flops, naive, median[0], err);
    if (op->blas)
        printf(" OpenBLAS %.6g", blas);
    for (int i = 1; i < n; i++)
        printf(" %s %.6g", names[i], median[i]);
    printf("\n");
    /* a float sum of 4M terms moves by ~1e-3 with the order of its
     * additions (the naive one is the least accurate): a looser bound */
    return err < (op->run == run_dot ? 1e-2 : 1e-3) ? 0 : 1;
}
