/*
 * rule_util.c - small queries the rules share: the blocks of a function,
 * a block by name, a rule in a list, a loop's trip count at the tuning sizes, the kind of
 * each loop of a block's nest, the loops a micro-kernel's product maps.
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

bool rule_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
            return true;
    return !list;
}

int64_t rule_tuning_extent(const ms_func *f, const ms_stmt *loop)
{
    int64_t v;
    return ms_expr_eval_hints(f, loop->loop.extent, &v) ? v : -1;
}

bool rule_classify_loops(const ms_stmt *b, ms_stmt *const *loop, int n, bool *spatial, int *iter_of)
{
    for (int i = 0; i < n; i++) {
        iter_of[i] = -1;
        for (int k = 0; k < b->block.niter; k++) {
            const ms_expr *x = b->block.iters[k].binding;
            if (!ms_expr_uses_var(x, loop[i]->loop.var))
                continue;
            if (x->kind != MS_EXPR_VAR || iter_of[i] >= 0)
                return false;
            iter_of[i] = k;
        }
        if (iter_of[i] < 0)
            return false;
        spatial[i] = b->block.iters[iter_of[i]].kind == MS_ITER_SPATIAL;
    }
    return true;
}

bool rule_product_loops(const ms_stmt *b, const bool *spatial, const int *iter_of, int n,
                        int *i_loop, int *j_loop)
{
    const ms_stmt *st = b->block.body;
    *i_loop = *j_loop = -1;
    for (int i = 0; i < n && st->kind == MS_STMT_STORE; i++)
        if (spatial[i] && st->store.nidx > 0 &&
            ms_expr_uses_var(st->store.idx[st->store.nidx - 1], b->block.iters[iter_of[i]].var))
            *j_loop = i;
    for (int i = 0; i < n; i++)
        if (spatial[i] && i != *j_loop)
            *i_loop = i;
    return *i_loop >= 0 && *j_loop >= 0;
}
