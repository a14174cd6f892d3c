/*
 * tune.c - mscc as a library: tune the kernels of a C file from a program
 * of your own. Build it against the installed library:
 *
 *     cc tune.c $(pkg-config --cflags --libs mscc) -o tune
 *     ./tune kernels.c kernels.tuned.c [TRIALS]
 */
#include <mscc.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s IN.c OUT.c [TRIALS]\n", argv[0]);
        return 1;
    }
    mscc_options o;
    mscc_options_init(&o);
    o.input = argv[1];
    o.trials = argc > 3 ? atoi(argv[3]) : 0;
    mscc_result *r;
    mscc_status s = mscc_tune(&o, &r);
    if (s == MSCC_OK)
        s = mscc_emit(r, argv[2]);
    fputs(mscc_result_diagnostics(r), stderr);
    if (s != MSCC_OK)
        fprintf(stderr, "%s: %s: %s\n", argv[0], mscc_status_string(s), mscc_result_message(r));
    for (int i = 0; i < mscc_result_kernels(r); i++)
        printf("%s: %s\n", mscc_result_kernel_name(r, i),
               mscc_result_kernel_tuned(r, i) ? "tuned" : "unchanged");
    printf("libmscc %s\n", mscc_version());
    mscc_result_free(r);
    return s == MSCC_OK ? 0 : 1;
}
