/* m7_posix.c - see m7_posix.h: clock_gettime from the C clock
 * (semihosting's SYS_CLOCK), posix_memalign from memalign (newlib's
 * aligned_alloc calls it), fprintf with "%zu". */
#include "m7_posix.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <string.h>

int clock_gettime(clockid_t id, struct timespec *ts)
{
    (void)id;
    clock_t c = clock();
    ts->tv_sec = c / CLOCKS_PER_SEC;
    ts->tv_nsec = (long)(c % CLOCKS_PER_SEC) * (1000000000L / CLOCKS_PER_SEC);
    return 0;
}

int posix_memalign(void **p, size_t align, size_t size)
{
    *p = memalign(align, size);
    return *p ? 0 : ENOMEM;
}

/* size_t is unsigned int on this target */
int m7_fprintf(FILE *f, const char *fmt, ...)
{
    char plain[512];
    size_t n = 0;
    for (const char *c = fmt; *c && n + 2 < sizeof plain; c++)
        if (c[0] == '%' && c[1] == 'z' && c[2] == 'u') {
            plain[n++] = '%';
            plain[n++] = 'u';
            c += 2;
        } else {
            plain[n++] = *c;
        }
    plain[n] = '\0';
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, plain, ap);
    va_end(ap);
    return r;
}
