/*
 * build.c - the system compiler, run through the shell (so that CC and
 * CFLAGS may hold several words) in parallel jobs with a time limit, the
 * next job started as soon as one ends.
 */
#include "runtime/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { BUILD_TIMEOUT_S = 300 };

static void build_one(const ms_target *t, ms_build_job *j)
{
    ms_str cmd = {0};
    ms_str_addf(&cmd, "%s %s %s%s -o '%s' '%s'%s%s%s", t->cc, t->cflags,
                j->extra_flags ? j->extra_flags : "", j->object ? " -c" : "", j->exe, j->src,
                j->object || !t->ldflags ? "" : " ", j->object || !t->ldflags ? "" : t->ldflags,
                j->object ? "" : " -lm");
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
    /* a child process per job, the next started as soon as one ends: one
     * slow unit (a 256-statement unrolled body takes 2-3 s) then holds one
     * slot, not the share of jobs that was dealt to it */
    pid_t *pids = ms_xcalloc((size_t)parallel, sizeof(pid_t));
    int next = 0, running = 0;
    while (next < n || running > 0) {
        if (next < n && running < parallel) {
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                build_one(t, &jobs[next]);
                _exit(0);
            }
            if (pid < 0) { /* no process to spare: this one builds in mscc itself */
                build_one(t, &jobs[next++]);
                continue;
            }
            for (int s = 0; s < parallel; s++)
                if (pids[s] == 0) {
                    pids[s] = pid;
                    break;
                }
            next++;
            running++;
            continue;
        }
        /* our own children by pid, never waitpid(-1): in a library caller's
         * process another thread's children are not ours to reap */
        bool reaped = false;
        for (int s = 0; s < parallel; s++) {
            if (pids[s] == 0)
                continue;
            pid_t w = waitpid(pids[s], NULL, WNOHANG);
            if (w == pids[s] || (w < 0 && errno != EINTR)) {
                pids[s] = 0;
                running--;
                reaped = true;
            }
        }
        if (!reaped) {
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    free(pids);
    /* the children's verdicts do not cross fork(): an executable is the proof */
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(jobs[i].exe, "rb");
        jobs[i].ok = f != NULL;
        if (f)
            fclose(f);
    }
}
