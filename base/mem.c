/*
 * mem.c - checked allocation and the arena: a chain of chunks, bump
 * allocation, freed all at once. IR nodes are never freed one by one.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void ms_die_at(const char *file, int line, const char *what)
{
    fprintf(stderr, "mscc: internal error at %s:%d: %s\n", file, line, what);
    abort();
}

void *ms_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ms_die_at(__FILE__, __LINE__, "out of memory");
    return p;
}

void *ms_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        ms_die_at(__FILE__, __LINE__, "out of memory");
    return p;
}

void *ms_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        ms_die_at(__FILE__, __LINE__, "out of memory");
    return p;
}

char *ms_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ms_xmalloc(n), s, n);
}

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} chunk;

struct ms_arena {
    chunk *head;
};

enum { CHUNK_SIZE = 64 * 1024 };

ms_arena *ms_arena_new(void)
{
    return ms_xcalloc(1, sizeof(ms_arena));
}

void ms_arena_free(ms_arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void *ms_arena_alloc(ms_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = a->head;
    if (!c || c->used + n > c->size) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = ms_xmalloc(sizeof(chunk) + size);
        c->used = 0;
        c->size = size;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return memset(p, 0, n);
}

char *ms_arena_strndup(ms_arena *a, const char *s, size_t n)
{
    char *p = ms_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ms_arena_strdup(ms_arena *a, const char *s)
{
    return ms_arena_strndup(a, s, strlen(s));
}
