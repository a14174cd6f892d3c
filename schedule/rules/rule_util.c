/*
 * rule_util.c - small queries the rules share: the blocks of a function,
 * a block by name, a loop's trip count at the tuning sizes.
 */
#include "schedule/rules/rules.h"

#include <string.h>

typedef struct names {
    const char **out;
    int n, cap;
} names;

static bool collect(void *ctx, ms_stmt *s)
{
    names *c = ctx;
    if (s->kind == MS_STMT_BLOCK && c->n < c->cap)
        c->out[c->n++] = s->block.name;
    return true;
}

int rule_block_names(const ms_func *f, const char **out, int cap)
{
    names c = {out, 0, cap};
    ms_stmt_visit(f->body, collect, &c);
    return c.n;
}

typedef struct finder {
    const char *name;
    ms_stmt *found;
} finder;

static bool find(void *ctx, ms_stmt *s)
{
    finder *q = ctx;
    if (s->kind == MS_STMT_BLOCK && !strcmp(s->block.name, q->name)) {
        q->found = s;
        return false;
    }
    return true;
}

ms_stmt *rule_find_block(const ms_func *f, const char *name)
{
    finder q = {name, NULL};
    ms_stmt_visit(f->body, find, &q);
    return q.found;
}

int64_t rule_tuning_extent(const ms_func *f, const ms_stmt *loop)
{
    int64_t v;
    return ms_expr_eval_hints(f, loop->loop.extent, &v) ? v : -1;
}
