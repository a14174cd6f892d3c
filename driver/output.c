/*
 * output.c - writing the result atomically: a temporary file beside the
 * target, flushed, then renamed over it. A reader never sees half a file,
 * and a failure leaves the target as it was.
 */
#include "driver/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new file beside path, named path.mscc-XXXXXXXX, with the mode the
 * user's umask gives a new file: the kernel applies it to 0666, as it does
 * for the compiler's output. (mkstemp makes 0600, and reading the umask
 * means setting it, which races with the caller's other threads.) */
static int create_beside(const char *path, char **tmp_out)
{
    size_t pl = strlen(path);
    char *tmp = ms_xmalloc(pl + 32);
    uint64_t h =
        ms_hash_u64(ms_hash_u64(MS_HASH_SEED, (uint64_t)getpid()), (uint64_t)(uintptr_t)tmp);
    for (int attempt = 0; attempt < 100; attempt++) {
        h = ms_hash_u64(h, (uint64_t)(ms_now() * 1e9));
        snprintf(tmp, pl + 32, "%s.mscc-%08x", path, (unsigned)(h & 0xffffffffu));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST) {
            *tmp_out = tmp;
            return fd;
        }
    }
    *tmp_out = tmp;
    return -1;
}

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n)
{
    char *tmp;
    int fd = create_beside(path, &tmp);
    if (fd < 0) {
        snprintf(why, n, "cannot create a temporary file beside '%s': %s", path, strerror(errno));
        free(tmp);
        return 1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    bool ok = off == len && fsync(fd) == 0;
    int err = errno;
    ok = (close(fd) == 0) && ok;
    if (ok && rename(tmp, path) != 0) {
        err = errno;
        ok = false;
    }
    if (!ok) {
        snprintf(why, n, "cannot write '%s': %s", path, strerror(err));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : 1;
}

bool ms_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
