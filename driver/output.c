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

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n)
{
    size_t pl = strlen(path);
    char *tmp = ms_xmalloc(pl + 16);
    snprintf(tmp, pl + 16, "%s.mscc-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, n, "cannot create a temporary file beside '%s': %s", path, strerror(errno));
        free(tmp);
        return 1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
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
