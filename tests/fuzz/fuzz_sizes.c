/*
 * fuzz_sizes.c - libFuzzer target: a --sizes-file (it may come from
 * another tool or machine). A file that parses must hold what the reader
 * promises (identifiers, values in range, sets numbered from 0, a pass
 * for each); each pass's sets then go to the frontend over a fixed file of
 * two kernels, whose every kernel is scheduled and emitted at those sizes
 * (the --trials 0 pipeline). A file that does not parse must say why.
 */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char kernels[] = "#pragma mscc kernel sizes(M = 8, N = 8)\n"
                              "void k(int M, int N, float A[M][N], const float *restrict b)\n"
                              "{\n"
                              "    for (int i = 0; i < M; i++)\n"
                              "        for (int j = 0; j < N; j++)\n"
                              "            A[i][j] += b[j] * 2;\n"
                              "}\n"
                              "#pragma mscc kernel\n"
                              "void g(int n, const float x[restrict n], float y[restrict n])\n"
                              "{\n"
                              "    for (int i = 0; i < n; i++)\n"
                              "        y[i] = x[i] > 0 ? x[i] : 0;\n"
                              "}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_string(data, size);
    ms_sizes_file sf;
    char why[512] = "";
    if (ms_sizes_file_parse(text, &sf, why, sizeof why) != 0) {
        if (!why[0])
            abort();
        free(text);
        return 0;
    }
    free(text);
    int npasses = 0;
    for (int i = 0; i < sf.n; i++) {
        const ms_kernel_sizes *ks = &sf.sets[i];
        if (!ms_is_identifier(ks->kernel) || ks->nsizes < 1 || sf.set_index[i] < 0 ||
            sf.set_index[i] >= ms_sizes_file_count(&sf, ks->kernel))
            abort();
        for (int j = 0; j < ks->nsizes; j++)
            if (!ms_is_identifier(ks->sizes[j].name) || ks->sizes[j].value > MS_SIZE_HINT_MAX ||
                ks->sizes[j].value < -MS_SIZE_HINT_MAX)
                abort();
        npasses = sf.set_index[i] + 1 > npasses ? sf.set_index[i] + 1 : npasses;
    }
    const char *path = fz_write("lib.c", kernels, sizeof kernels - 1);
    ms_kernel_sizes *pass = ms_xcalloc((size_t)(sf.n ? sf.n : 1), sizeof *pass);
    for (int p = 0; p < npasses && p < 3; p++) {
        int n = ms_sizes_file_pass(&sf, p, pass);
        if (n < 0 || n > sf.n)
            abort();
        ms_frontend_opts fo = {
            .path = path, .fp_strict = p == 1, .nkernel_sizes = n, .kernel_sizes = pass};
        ms_source src = {0};
        ms_diags diags = {0};
        if (ms_frontend_parse(&fo, &src, &diags) != 0)
            abort(); /* the file is valid C whatever the sizes */
        fz_schedule(&src, 0, NULL, NULL);
        ms_source_free(&src);
        ms_diags_free(&diags);
    }
    free(pass);
    ms_sizes_file_free(&sf);
    return 0;
}
