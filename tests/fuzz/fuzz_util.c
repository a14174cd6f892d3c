/*
 * fuzz_util.c - the scratch folder and the driver's `--trials 0` pipeline
 * for the fuzz targets.
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

const char *fz_dir(void)
{
    if (dir[0])
        return dir;
    /* memory-backed where there is one: the readers under test want files */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/mscc-fuzz-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_dir);
    return dir;
}

const char *fz_write(const char *name, const void *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

char *fz_string(const uint8_t *data, size_t size)
{
    char *s = ms_xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fz_pipeline(const char *path, bool fp_strict, int ngiven, char **names, ms_trace **traces)
{
#ifdef MS_FUZZ_INCLUDE
    /* the folder of the seeds' own header (tests/realc/bench_style.h) */
    static const char *const args[] = {"-I" MS_FUZZ_INCLUDE};
    ms_frontend_opts fo = {.path = path, .nargs = 1, .args = args, .fp_strict = fp_strict};
#else
    ms_frontend_opts fo = {.path = path, .fp_strict = fp_strict};
#endif
    ms_source src;
    ms_diags diags = {0};
    int rc = ms_frontend_parse(&fo, &src, &diags);
    /* refused: the driver writes nothing, and must have said why */
    if (rc != 0 && diags.nerrors == 0)
        abort();
    /* as the driver prints them: the source line and caret, and JSON */
    ms_str shown = {0};
    ms_render_diags(&diags, false, fp_strict, &shown);
    ms_render_diags(&diags, true, false, &shown);
    ms_str_free(&shown);
    ms_diags_free(&diags);
    if (rc == 0) {
        fz_schedule(&src, ngiven, names, traces);
        ms_source_free(&src);
    }
}

void fz_schedule(const ms_source *src, int ngiven, char **names, ms_trace **traces)
{
    ms_diags diags = {0};
    int n = src->nkernels;
    char **bodies = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    size_t *begin = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    size_t *end = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    for (int i = 0; i < n; i++) {
        const ms_kernel *k = &src->kernels[i];
        begin[i] = k->body_begin;
        end[i] = k->body_end;
        if (begin[i] > end[i] || end[i] > src->len)
            abort();
        const ms_trace *given = NULL;
        for (int g = 0; g < ngiven; g++)
            if (!strcmp(names[g], k->name))
                given = traces[g];
        if (!k->func)
            continue;
        int before = diags.items.len;
        ms_trace *used = NULL;
        bodies[i] = ms_tune_kernel(src, k, given, false, &used, &diags);
        /* a kernel left unchanged is left with a warning */
        if (!bodies[i] && diags.items.len == before)
            abort();
        ms_trace_free(used);
    }
    size_t len;
    char *text = ms_emit_splice(src->text, src->len, n, begin, end, bodies, &len);
    /* the user's bytes come back, NULs included: all of them without a
     * kernel, and the text after the last kernel's body in any case */
    size_t last = 0;
    for (int i = 0; i < n; i++)
        last = end[i] > last ? end[i] : last;
    size_t tail = src->len - last;
    if (!text || len < tail || memcmp(text + len - tail, src->text + src->len - tail, tail) != 0)
        abort();
    free(text);
    for (int i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
    free(begin);
    free(end);
    ms_str shown = {0};
    ms_render_diags(&diags, false, false, &shown);
    ms_render_diags(&diags, true, true, &shown);
    ms_str_free(&shown);
    ms_diags_free(&diags);
}

/* Kernels of the shapes the rules treat differently: a gemm (tiling,
 * tensorize), a convolution, a reduction into a scalar (rfactor), a
 * producer and consumer (inlining, compute_at), a guarded update. */
static const char fixture_text[] =
    "#include <math.h>\n"
    "#pragma mscc kernel sizes(M=64, N=64, K=64)\n"
    "void gemm(int M, int N, int K, const float A[M][K], const float B[K][N], float C[M][N])\n"
    "{\n"
    "    for (int i = 0; i < M; i++)\n"
    "        for (int j = 0; j < N; j++)\n"
    "            for (int k = 0; k < K; k++)\n"
    "                C[i][j] += A[i][k] * B[k][j];\n"
    "}\n"
    "#pragma mscc kernel sizes(H=16, W=16, C=8, F=8)\n"
    "void conv(int H, int W, int C, int F, const float in[H + 2][W + 2][C],\n"
    "          const float w[3][3][C][F], float out[H][W][F])\n"
    "{\n"
    "    for (int h = 0; h < H; h++)\n"
    "        for (int x = 0; x < W; x++)\n"
    "            for (int f = 0; f < F; f++) {\n"
    "                out[h][x][f] = 0;\n"
    "                for (int r = 0; r < 3; r++)\n"
    "                    for (int s = 0; s < 3; s++)\n"
    "                        for (int c = 0; c < C; c++)\n"
    "                            out[h][x][f] += in[h + r][x + s][c] * w[r][s][c][f];\n"
    "            }\n"
    "}\n"
    "#pragma mscc kernel sizes(N=1000)\n"
    "void dot(int N, const float *x, const float *y, float *out)\n"
    "{\n"
    "    float s = 0;\n"
    "    for (int i = 0; i < N; i++)\n"
    "        s += x[i] * y[i];\n"
    "    out[0] = s;\n"
    "}\n"
    "#pragma mscc kernel sizes(N=64)\n"
    "void softmax(int N, const float x[N][N], float t[N][N], float y[N][N])\n"
    "{\n"
    "    for (int i = 0; i < N; i++)\n"
    "        for (int j = 0; j < N; j++)\n"
    "            t[i][j] = expf(x[i][j]);\n"
    "    for (int i = 0; i < N; i++) {\n"
    "        float s = 0;\n"
    "        for (int j = 0; j < N; j++)\n"
    "            s += t[i][j];\n"
    "        for (int j = 0; j < N; j++)\n"
    "            y[i][j] = t[i][j] / s;\n"
    "    }\n"
    "}\n"
    "#pragma mscc kernel sizes(N=100)\n"
    "void clamp(int N, float a[N], const int b[N])\n"
    "{\n"
    "    for (int i = N - 1; i >= 0; i--)\n"
    "        if (i % 3 == 0 && b[i] > 0)\n"
    "            a[i] = a[i] > 1 ? 1 : a[i] * 2;\n"
    "}\n";

const ms_source *fz_fixture(bool fp_strict)
{
    static ms_source src[2];
    static bool parsed[2];
    if (parsed[fp_strict])
        return &src[fp_strict];
    const char *path = fz_write(fp_strict ? "fixture_strict.c" : "fixture.c", fixture_text,
                                sizeof fixture_text - 1);
    /* the path must outlive this call: diagnostics point into it */
    ms_frontend_opts fo = {.path = ms_xstrdup(path), .fp_strict = fp_strict};
    ms_diags diags = {0};
    if (ms_frontend_parse(&fo, &src[fp_strict], &diags) != 0 || diags.items.len) {
        fprintf(stderr, "fuzz: the fixture kernels do not parse cleanly\n");
        abort();
    }
    parsed[fp_strict] = true;
    return &src[fp_strict];
}
