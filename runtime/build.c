/*
 * build.c - the system compiler, run through the shell (so that CC and
 * CFLAGS may hold several words) in parallel jobs with a time limit.
 */
#include "runtime/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BUILD_TIMEOUT_S = 300 };

static void build_one(const ms_target *t, ms_build_job *j)
{
    ms_str cmd = {0};
    ms_str_addf(&cmd, "%s %s %s -o '%s' '%s' -lm", t->cc, t->cflags,
                j->extra_flags ? j->extra_flags : "", j->exe, j->src);
    char *argv[] = {"/bin/sh", "-c", (char *)ms_str_cstr(&cmd), NULL};
    ms_proc_result r;
    j->ok = ms_proc_run(argv, j->log, j->log, BUILD_TIMEOUT_S, &r) == 0 && !r.timed_out &&
            r.signal == 0 && r.exit_code == 0;
    ms_str_free(&cmd);
}

void ms_build_all(const ms_target *t, ms_build_job *jobs, int n, int parallel)
{
    if (parallel < 1)
        parallel = 1;
    /* a child process per compiler run; each slot builds every parallel-th job */
    pid_t *pids = ms_xcalloc((size_t)(parallel), sizeof(pid_t));
    for (int slot = 0; slot < parallel && slot < n; slot++) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            for (int i = slot; i < n; i += parallel)
                build_one(t, &jobs[i]);
            _exit(0);
        }
        pids[slot] = pid;
    }
    for (int slot = 0; slot < parallel && slot < n; slot++)
        if (pids[slot] > 0)
            waitpid(pids[slot], NULL, 0);
    free(pids);
    /* the children's verdicts do not cross fork(): an executable is the proof */
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(jobs[i].exe, "rb");
        jobs[i].ok = f != NULL;
        if (f)
            fclose(f);
    }
}
