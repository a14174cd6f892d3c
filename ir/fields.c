/*
 * fields.c - the shared traversal of the IR, derived from the field lists
 * of stmt.def and expr.def: every walk, copy, substitution and comparison
 * that does not care what a node means goes through it, so a new node kind
 * is described once, in its .def line.
 *
 * The tags of a field list (f: a field of the node, a: an array, c: its
 * count):
 *   E(f) EOPT(f) EV(a, c)  an operand, one that may be NULL, c of them
 *   S(f) SOPT(f) SV(a, c)  a statement inside, the same
 *   I(f) D(f)              integer (enum, flag) or double data
 *   V(f) B(f) STR(f)       a variable, a buffer, a string of the node's
 *   ARR(T, a, c, inner)    an arena array of c structs T
 *   INL(T, a, c, inner)    an array of structs T inside the node
 * and, in inner, EL_E EL_EV EL_V EL_B EL_I EL_STR for each struct's fields.
 */
#include "ir/ir.h"

#include <string.h>

/* ---- the whole field list, as callbacks ---- */

#define CALL_IF(cb, ...)                                                                           \
    do {                                                                                           \
        if (fns->cb)                                                                               \
            fns->cb(ctx, __VA_ARGS__);                                                             \
    } while (0);
#define COUNT(c) CALL_IF(num, (int64_t)(c))
#define ARRAY(a, bytes)                                                                            \
    if (fns->array)                                                                                \
        a = fns->array(ctx, a, bytes);
#define E(f) CALL_IF(expr, &n->f)
#define EOPT(f)                                                                                    \
    if (n->f)                                                                                      \
    CALL_IF(expr, &n->f)
#define EV(a, c)                                                                                   \
    COUNT(n->c)                                                                                    \
    ARRAY(n->a, sizeof(ms_expr *) * (size_t)n->c)                                                  \
    for (int k_ = 0; k_ < n->c; k_++)                                                              \
    CALL_IF(expr, &n->a[k_])
#define S(f) CALL_IF(stmt, &n->f)
#define SOPT(f)                                                                                    \
    if (n->f)                                                                                      \
    CALL_IF(stmt, &n->f)
#define SV(a, c)                                                                                   \
    COUNT(n->c)                                                                                    \
    ARRAY(n->a, sizeof(ms_stmt *) * (size_t)n->c)                                                  \
    for (int k_ = 0; k_ < n->c; k_++)                                                              \
    CALL_IF(stmt, &n->a[k_])
#define I(f) CALL_IF(num, (int64_t)n->f)
#define D(f)                                                                                       \
    {                                                                                              \
        double d_ = n->f;                                                                          \
        int64_t bits_;                                                                             \
        memcpy(&bits_, &d_, sizeof bits_);                                                         \
        CALL_IF(num, bits_)                                                                        \
    }
#define V(f) CALL_IF(var, &n->f)
#define B(f) CALL_IF(buf, &n->f)
#define STR(f) CALL_IF(str, &n->f)
#define ARR(T, a, c, inner)                                                                        \
    COUNT(n->c)                                                                                    \
    ARRAY(n->a, sizeof(T) * (size_t)n->c)                                                          \
    for (int k_ = 0; k_ < n->c; k_++) {                                                            \
        T *el = &n->a[k_];                                                                         \
        inner                                                                                      \
    }
#define INL(T, a, c, inner)                                                                        \
    COUNT(n->c)                                                                                    \
    for (int k_ = 0; k_ < n->c; k_++) {                                                            \
        T *el = &n->a[k_];                                                                         \
        inner                                                                                      \
    }
#define EL_E(f) CALL_IF(expr, &el->f)
#define EL_V(f) CALL_IF(var, &el->f)
#define EL_B(f) CALL_IF(buf, &el->f)
#define EL_I(f) CALL_IF(num, (int64_t)el->f)
#define EL_STR(f) CALL_IF(str, &el->f)
#define EL_EV(a, c)                                                                                \
    COUNT(el->c)                                                                                   \
    ARRAY(el->a, sizeof(ms_expr *) * (size_t)el->c)                                                \
    for (int j_ = 0; j_ < el->c; j_++)                                                             \
    CALL_IF(expr, &el->a[j_])

void ms_stmt_fields(ms_stmt *n, const ms_field_fns *fns, void *ctx)
{
    switch (n->kind) {
#define X(k, name, fields)                                                                         \
    case MS_STMT_##k:                                                                              \
        fields return;
#include "ir/stmt.def"
#undef X
    }
    ms_unreachable();
}

void ms_expr_fields(ms_expr *n, const ms_field_fns *fns, void *ctx)
{
    switch (n->kind) {
#define X(k, name, fields)                                                                         \
    case MS_EXPR_##k:                                                                              \
        fields return;
#include "ir/expr.def"
#undef X
    }
    ms_unreachable();
}

#undef E
#undef EOPT
#undef EV
#undef S
#undef SOPT
#undef SV
#undef I
#undef D
#undef V
#undef B
#undef STR
#undef ARR
#undef INL
#undef EL_E
#undef EL_V
#undef EL_B
#undef EL_I
#undef EL_STR
#undef EL_EV

/* ---- the statements inside, and the operands, by position ---- */

/* Only the tags of one class count; the others expand to nothing. */
#define NONE(...)
#define E NONE
#define EOPT NONE
#define EV NONE
#define I NONE
#define D NONE
#define V NONE
#define B NONE
#define STR NONE
#define ARR NONE
#define INL NONE
#define S(f)                                                                                       \
    if (i-- == 0)                                                                                  \
        return &n->f;
#define SOPT(f)                                                                                    \
    if (n->f && i-- == 0)                                                                          \
        return &n->f;
#define SV(a, c)                                                                                   \
    if (i < n->c)                                                                                  \
        return &n->a[i];                                                                           \
    i -= n->c;

ms_stmt **ms_stmt_child(ms_stmt *n, int i)
{
    switch (n->kind) {
#define X(k, name, fields)                                                                         \
    case MS_STMT_##k:                                                                              \
        fields return NULL;
#include "ir/stmt.def"
#undef X
    }
    ms_unreachable();
}

#undef S
#undef SOPT
#undef SV
#undef E
#undef EOPT
#undef EV
#define S NONE
#define SOPT NONE
#define SV NONE
#define E(f)                                                                                       \
    if (i-- == 0)                                                                                  \
        return &n->f;
#define EOPT(f)                                                                                    \
    if (n->f && i-- == 0)                                                                          \
        return &n->f;
#define EV(a, c)                                                                                   \
    if (i < n->c)                                                                                  \
        return &n->a[i];                                                                           \
    i -= n->c;

ms_expr **ms_expr_operand(ms_expr *n, int i)
{
    switch (n->kind) {
#define X(k, name, fields)                                                                         \
    case MS_EXPR_##k:                                                                              \
        fields return NULL;
#include "ir/expr.def"
#undef X
    }
    ms_unreachable();
}

/* ---- uses of the field list ---- */

static void *copy_array(void *ctx, void *a, size_t bytes)
{
    void *r = ms_arena_alloc(ctx, bytes ? bytes : 1);
    if (bytes)
        memcpy(r, a, bytes);
    return r;
}

ms_stmt *ms_stmt_copy_node(ms_arena *arena, const ms_stmt *s)
{
    ms_stmt *r = ms_arena_alloc(arena, sizeof *r);
    *r = *s;
    ms_stmt_fields(r, &(ms_field_fns){.array = copy_array}, arena);
    return r;
}

ms_expr *ms_expr_copy_node(ms_arena *arena, const ms_expr *e)
{
    ms_expr *r = ms_arena_alloc(arena, sizeof *r);
    *r = *e;
    ms_expr_fields(r, &(ms_field_fns){.array = copy_array}, arena);
    return r;
}

void ms_stmt_operands(ms_stmt *s, void (*fn)(void *ctx, ms_expr **slot), void *ctx)
{
    ms_stmt_fields(s, &(ms_field_fns){.expr = fn}, ctx);
}

/* The data of a node that is not an operand or a statement inside, in
 * field-list order: what equality and the hash of a new kind compare. */
typedef struct datum {
    enum { DATUM_NUM, DATUM_PTR, DATUM_STR } kind;
    int64_t num;
    const void *ptr;
} datum;

typedef struct data {
    datum items[24];
    int n;
    bool overflow;
} data;

static void put(data *d, datum x)
{
    if (d->n < 24)
        d->items[d->n++] = x;
    else
        d->overflow = true;
}
static void put_num(void *ctx, int64_t v)
{
    put(ctx, (datum){DATUM_NUM, v, NULL});
}
static void put_var(void *ctx, ms_var **v)
{
    put(ctx, (datum){DATUM_PTR, (*v)->id, *v});
}
static void put_buf(void *ctx, ms_buffer **b)
{
    put(ctx, (datum){DATUM_PTR, (*b)->id, *b});
}
static void put_str(void *ctx, const char **s)
{
    put(ctx, (datum){DATUM_STR, 0, *s});
}

static const ms_field_fns data_fns = {
    .num = put_num, .var = put_var, .buf = put_buf, .str = put_str};

static bool same_data(const data *a, const data *b)
{
    MS_ASSERT(!a->overflow && !b->overflow);
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++) {
        const datum *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind || x->num != y->num)
            return false;
        if (x->kind == DATUM_PTR && x->ptr != y->ptr)
            return false;
        if (x->kind == DATUM_STR && strcmp(x->ptr, y->ptr))
            return false;
    }
    return true;
}

bool ms_expr_equal(const ms_expr *a, const ms_expr *b)
{
    if (a == b)
        return true;
    if (a->kind != b->kind)
        return false;
    data da = {.n = 0}, db = {.n = 0};
    ms_expr_fields((ms_expr *)a, &data_fns, &da);
    ms_expr_fields((ms_expr *)b, &data_fns, &db);
    if (!same_data(&da, &db))
        return false;
    for (int i = 0;; i++) {
        ms_expr **x = ms_expr_operand((ms_expr *)a, i), **y = ms_expr_operand((ms_expr *)b, i);
        if (!x || !y)
            return !x && !y;
        if (!ms_expr_equal(*x, *y))
            return false;
    }
}

uint64_t ms_hash_node_data(uint64_t h, ms_stmt *s, ms_expr *e)
{
    data d = {.n = 0};
    if (s)
        ms_stmt_fields(s, &data_fns, &d);
    else
        ms_expr_fields(e, &data_fns, &d);
    MS_ASSERT(!d.overflow);
    for (int i = 0; i < d.n; i++)
        h = d.items[i].kind == DATUM_STR
                ? ms_hash_bytes(h, d.items[i].ptr, strlen(d.items[i].ptr) + 1)
                : ms_hash_u64(h, (uint64_t)d.items[i].num);
    return h;
}
