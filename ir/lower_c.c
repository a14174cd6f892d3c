/*
 * lower_c.c - the last decisions before C text, taken in the IR so that
 * the emitter prints what the IR says and guesses nothing: the update of
 * a register tile becomes an fma call, and each unrolled loop gets the
 * factor its pragma gives. Runs on the flattened copy that is printed.
 */
#include "ir/ir.h"

/* x = x + a * b into a local tile (a cache_write): fma(a, b, x), because
 * -std=c11 stops GCC from contracting it and the tile is the hot loop.
 * Not under --fp-model=strict: the original rounds the product. */
static void contract_fma(ms_func *f, ms_stmt *st)
{
    const ms_buffer *b = st->store.buf;
    const char *fn = b->dtype == MS_DT_F32 ? "fmaf" : b->dtype == MS_DT_F64 ? "fma" : NULL;
    if (!fn || f->fp_strict || b->scope != MS_SCOPE_LOCAL || b->ndim == 0)
        return;
    ms_expr *prod = ms_store_update_operand(st, MS_BIN_ADD);
    if (!prod || prod->kind != MS_EXPR_BINARY || prod->bin.op != MS_BIN_MUL ||
        prod->dtype != b->dtype || prod->bin.a->dtype != b->dtype || prod->bin.b->dtype != b->dtype)
        return;
    ms_expr *v = st->store.value, *acc = v->bin.a == prod ? v->bin.b : v->bin.a;
    ms_expr *args[3] = {prod->bin.a, prod->bin.b, acc};
    st->store.value = ms_call(f, fn, b->dtype, 3, args);
}

/* A hint only: each compiler spells it its own way; GCC refuses it (a
 * warning) on a loop whose condition branches, as a bound of a split that
 * does not divide can. */
static int unroll_factor(const ms_stmt *loop)
{
    if (ms_expr_branches(loop->loop.extent))
        return 0;
    int64_t c;
    if (ms_expr_const_int(loop->loop.extent, &c) && c > 0 && c < 64)
        return (int)c;
    return 16;
}

static bool lower(void *ctx, ms_stmt *s)
{
    if (s->kind == MS_STMT_STORE)
        contract_fma(ctx, s);
    if (s->kind == MS_STMT_FOR)
        s->loop.unroll = s->loop.kind == MS_LOOP_UNROLLED ? unroll_factor(s) : 0;
    return true;
}

void ms_func_lower_for_c(ms_func *f)
{
    ms_stmt_visit(f->body, lower, f);
}
