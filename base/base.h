/*
 * base.h - the bottom layer: arena allocation, growable arrays, a string
 * builder, diagnostics (accumulated, never printed here), FNV hashing and a
 * seeded RNG. Everything above depends on this header and nothing below it.
 */
#ifndef MS_BASE_H
#define MS_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bugs, not user errors: abort with the place. */
#define ms_unreachable() ms_die_at(__FILE__, __LINE__, "unreachable")
#define MS_ASSERT(c) ((c) ? (void)0 : ms_die_at(__FILE__, __LINE__, "assertion failed: " #c))
_Noreturn void ms_die_at(const char *file, int line, const char *what);

/* ---- memory ---- */

/* Like malloc/realloc/strdup but never NULL (abort on exhaustion). */
void *ms_xmalloc(size_t n);
void *ms_xcalloc(size_t n, size_t size);
void *ms_xrealloc(void *p, size_t n);
char *ms_xstrdup(const char *s);

/* An arena owns every node of one IR instance; freed in one go. */
typedef struct ms_arena ms_arena;
ms_arena *ms_arena_new(void);
void ms_arena_free(ms_arena *a);
void *ms_arena_alloc(ms_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *ms_arena_strdup(ms_arena *a, const char *s);
char *ms_arena_strndup(ms_arena *a, const char *s, size_t n);

/* Growable array of T: `MS_VEC(T) v = {0}; MS_VEC_PUSH(v, x); free(v.data);` */
#define MS_VEC(T)                                                                                  \
    struct {                                                                                       \
        T *data;                                                                                   \
        int len, cap;                                                                              \
    }
#define MS_VEC_PUSH(v, x)                                                                          \
    do {                                                                                           \
        if ((v).len == (v).cap) {                                                                  \
            (v).cap = (v).cap ? 2 * (v).cap : 8;                                                   \
            (v).data = ms_xrealloc((v).data, (size_t)(v).cap * sizeof(*(v).data));                 \
        }                                                                                          \
        (v).data[(v).len++] = (x);                                                                 \
    } while (0)

/* ---- strings ---- */

typedef struct ms_str {
    char *buf; /* always NUL-terminated once anything was added */
    size_t len, cap;
} ms_str;

void ms_str_add(ms_str *s, const char *text);
void ms_str_addn(ms_str *s, const char *text, size_t n);
void ms_str_addf(ms_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ms_str_vaddf(ms_str *s, const char *fmt, va_list ap);
void ms_str_indent(ms_str *s, int level); /* 4 spaces a level */
const char *ms_str_cstr(ms_str *s);       /* "" when empty */
char *ms_str_take(ms_str *s);             /* caller frees; s is reset */
void ms_str_free(ms_str *s);

/* Is s a C identifier (names from files and command lines that become C)? */
bool ms_is_identifier(const char *s);

/* Whole file into a malloc'd NUL-terminated buffer; NULL on error (errno set). */
char *ms_read_file(const char *path, size_t *len);

/* d as an integer in [lo, hi]: false when d is not a whole number in range
 * (a JSON number from a file can be anything). */
bool ms_int_of_double(double d, int64_t lo, int64_t hi, int64_t *out);

/* Seconds on the monotonic clock, from an arbitrary start. */
double ms_now(void);

/* ---- diagnostics ---- */

typedef enum { MS_DIAG_NOTE, MS_DIAG_WARNING, MS_DIAG_ERROR } ms_diag_level;

typedef struct ms_loc {
    const char *file; /* not owned */
    int line, col;    /* 1-based; 0 = unknown */
} ms_loc;

typedef struct ms_diag {
    ms_diag_level level;
    ms_loc loc; /* loc.file points at file_copy */
    char *file_copy;
    char *msg;
} ms_diag;

/* Diagnostics accumulate in a list that the driver prints. */
typedef struct ms_diags {
    MS_VEC(ms_diag) items;
    int nerrors;
} ms_diags;

void ms_diags_add(ms_diags *d, ms_diag_level lv, ms_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Renders as "FILE:LINE:COL: warning: MSG" lines. */
void ms_diags_render(const ms_diags *d, ms_str *out);
void ms_diags_free(ms_diags *d);

/* ---- hashing and randomness ---- */

uint64_t ms_hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t ms_hash_u64(uint64_t h, uint64_t v);
#define MS_HASH_SEED 0xcbf29ce484222325ULL

/* Seeded, platform-independent generator (splitmix64 seeding a xorshift*). */
typedef struct ms_rng {
    uint64_t s;
} ms_rng;
void ms_rng_seed(ms_rng *r, uint64_t seed);
uint64_t ms_rng_next(ms_rng *r);
int64_t ms_rng_range(ms_rng *r, int64_t lo, int64_t hi); /* uniform in [lo, hi) */
double ms_rng_unit(ms_rng *r); /* uniform in [0, 1), 53 random bits: the same everywhere */

/* ---- the machine a schedule is for ----
 * A plain description: runtime/ fills it from hwloc and CPUID (or a
 * --target), schedule rules and the emitter read it and never probe. */
typedef struct ms_arch {
    int ncores;       /* cores the tuned code runs on (its thread count) */
    int vector_bytes; /* widest vector register: 64 AVX-512, 32 AVX2, 16 SSE/NEON */
    long l1d, l2, l3; /* cache bytes; 0 = unknown */
    /* the design-space rules for this target, comma-separated names from
     * schedule/rules/registry.c (applied in the registry's order); NULL:
     * every rule */
    const char *rules;
    /* the ISA of the intrinsics the rules may call (ir/intrin.c: "avx512",
     * "avx2", "neon"); NULL: none */
    const char *isa;
} ms_arch;

#endif
