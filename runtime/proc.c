/*
 * proc.c - running a program in its own process group with a timeout, so a
 * crash or a hang is a recorded result and never takes mscc down, its
 * OpenMP threads pinned; and the private temporary folders builds run in.
 */
#define _XOPEN_SOURCE 700
#include "runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void redirect(int fd, const char *path)
{
    int f = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f >= 0) {
        dup2(f, fd);
        close(f);
    }
}

int ms_proc_run(char *const *argv, const char *out_path, const char *err_path, double timeout_s,
                ms_proc_result *res)
{
    return ms_proc_run_limited(argv, out_path, err_path, timeout_s, 0, 0, res);
}

int ms_proc_run_limited(char *const *argv, const char *out_path, const char *err_path,
                        double timeout_s, long long mem_bytes, int omp_threads, ms_proc_result *res)
{
    *res = (ms_proc_result){0};
    /* OpenMP threads stay on their cores, so a timing does not move with
     * the scheduler; the user's own settings win. The child's environment
     * only: mscc's own may be a library caller's, shared by its threads. */
    double t0 = ms_now();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        struct rlimit core = {0, 0}; /* a crashing candidate leaves no core file */
        setrlimit(RLIMIT_CORE, &core);
        /* before the memory limit: under one, an ASan build's allocator fails */
        setenv("OMP_PROC_BIND", "close", 0);
        setenv("OMP_PLACES", "cores", 0);
        if (omp_threads > 0) {
            char n[24];
            snprintf(n, sizeof n, "%d", omp_threads);
            setenv("OMP_NUM_THREADS", n, 1);
        }
        if (mem_bytes > 0) { /* a candidate that allocates without bound fails, not the machine */
            struct rlimit lim = {(rlim_t)mem_bytes, (rlim_t)mem_bytes};
            setrlimit(RLIMIT_AS, &lim);
        }
        redirect(STDOUT_FILENO, out_path);
        redirect(STDERR_FILENO, err_path);
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0) {
            dup2(in, STDIN_FILENO);
            close(in);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid); /* also here: no race with the child's own call */
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (ms_now() - t0 > timeout_s) {
            killpg(pid, SIGKILL);
            waitpid(pid, &status, 0);
            res->timed_out = true;
            break;
        }
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* whatever the child left running in its group goes too */
    killpg(pid, SIGKILL);
    res->seconds = ms_now() - t0;
    if (!res->timed_out) {
        if (WIFSIGNALED(status))
            res->signal = WTERMSIG(status);
        else
            res->exit_code = WEXITSTATUS(status);
    }
    return 0;
}

/* s with a shell's single quotes around it. */
static void add_quoted(ms_str *cmd, const char *s)
{
    ms_str_add(cmd, "'");
    for (; *s; s++)
        if (*s == '\'')
            ms_str_add(cmd, "'\\''");
        else
            ms_str_addn(cmd, s, 1);
    ms_str_add(cmd, "'");
}

int ms_target_run(const ms_target *t, char *const *argv, const char *out_path, const char *err_path,
                  double timeout_s, long long mem_bytes, ms_proc_result *res)
{
    if (!t->runner)
        return ms_proc_run_limited(argv, out_path, err_path, timeout_s, mem_bytes, t->omp_threads,
                                   res);
    ms_str cmd = {0};
    for (const char *p = t->runner; *p;) {
        if (!strncmp(p, "{exe}", 5)) {
            add_quoted(&cmd, argv[0]);
            p += 5;
        } else if (!strncmp(p, "{args}", 6)) {
            for (int i = 1; argv[i]; i++) {
                ms_str_add(&cmd, i > 1 ? " " : "");
                add_quoted(&cmd, argv[i]);
            }
            p += 6;
        } else {
            ms_str_addn(&cmd, p++, 1);
        }
    }
    char *sh[] = {"/bin/sh", "-c", (char *)ms_str_cstr(&cmd), NULL};
    int rc = ms_proc_run_limited(sh, out_path, err_path, timeout_s, 0, t->omp_threads, res);
    ms_str_free(&cmd);
    return rc;
}

char *ms_tempdir_new(void)
{
    const char *base = getenv("TMPDIR");
    ms_str s = {0};
    ms_str_addf(&s, "%s/mscc-XXXXXX", base && *base ? base : "/tmp");
    char *p = ms_str_take(&s);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void ms_tempdir_remove(const char *dir)
{
    if (dir && !getenv("MSCC_KEEP_WORK"))
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
