/*
 * db_merge.c - `mscc db merge A B ... -o C`: the command line of the
 * database merge (schedule/db/merge.c), for tunings run on several
 * machines or as shards of one job.
 */
#include "driver/driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "usage: mscc db merge DIR DIR... -o OUT_DIR\n";

int ms_db_merge_main(int argc, char **argv)
{
    const char *out = NULL;
    MS_VEC(const char *) in = {0};
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-') {
            fprintf(stderr,
                    "mscc: error: db merge: unknown option (or -o without a folder) '%s'\n%s",
                    argv[i], usage);
            free(in.data);
            return 1;
        } else
            MS_VEC_PUSH(in, argv[i]);
    }
    if (!out || in.len < 1) {
        fprintf(stderr, "mscc: error: db merge wants input folders and -o OUT_DIR\n%s", usage);
        free(in.data);
        return 1;
    }
    for (int i = 0; i < in.len; i++)
        if (ms_same_file(in.data[i], out)) {
            fprintf(stderr, "mscc: error: db merge: the output '%s' is an input\n%s", out, usage);
            free(in.data);
            return 1;
        }
    char why[512], **warns;
    int nw;
    int n = ms_db_merge(in.len, in.data, out, why, sizeof why, &warns, &nw);
    for (int i = 0; i < nw; i++) {
        fprintf(stderr, "mscc: warning: %s\n", warns[i]);
        free(warns[i]);
    }
    free(warns);
    if (n < 0)
        fprintf(stderr, "mscc: error: db merge: %s\n", why);
    else
        fprintf(stderr, "mscc: db merge: %d records from %d folders -> %s\n", n, in.len, out);
    free(in.data);
    return n < 0;
}
