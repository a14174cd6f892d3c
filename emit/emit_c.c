/*
 * emit_c.c - prints scheduled statements as C11: loops with their OpenMP
 * pragmas (guarded by _OPENMP, so the code stays correct without OpenMP)
 * and unroll pragmas, locals, stores (as compound assignments where they
 * read so), ifs, calls. The emitter prints what the IR says (the schedule
 * and ms_func_lower_for_c decided); it decides nothing.
 */
#include "emit/emit.h"

#include <string.h>

static const char *const red_spelling[] = {"+", "*", "max", "min"};

static void emit_pragma(const ms_stmt *s, int indent, ms_str *out)
{
    const char *head = NULL;
    switch (s->loop.kind) {
    case MS_LOOP_SERIAL:
        return;
    case MS_LOOP_UNROLLED: {
        int n = s->loop.unroll;
        if (!n)
            return;
        ms_str_add(out, "#if defined(__clang__)\n");
        ms_str_indent(out, indent);
        ms_str_addf(out, "#pragma unroll %d\n#elif defined(__GNUC__)\n", n);
        ms_str_indent(out, indent);
        ms_str_addf(out, "#pragma GCC unroll %d\n#endif\n", n);
        return;
    }
    case MS_LOOP_PARALLEL:
        if (s->loop.collapsed)
            return;
        head = s->loop.parallel_simd ? "omp parallel for simd" : "omp parallel for";
        break;
    case MS_LOOP_VECTORIZED:
        head = "omp simd";
        break;
    }
    /* '#' lines start at column 0 so that the guard reads as one unit */
    ms_str_addf(out, "#if defined(_OPENMP)\n");
    ms_str_indent(out, indent);
    ms_str_addf(out, "#pragma %s", head);
    /* called from the user's own parallel region: no nested team */
    if (s->loop.kind == MS_LOOP_PARALLEL)
        ms_str_add(out, " if(!omp_in_parallel())");
    if (s->loop.collapse > 1)
        ms_str_addf(out, " collapse(%d)", s->loop.collapse);
    for (int i = 0; i < s->loop.nred; i++)
        ms_str_addf(out, " reduction(%s:%s)", red_spelling[s->loop.red[i].op],
                    s->loop.red[i].buf->name);
    ms_str_add(out, "\n#endif\n");
}

static void emit_store(const ms_stmt *st, int indent, ms_str *out)
{
    ms_str_indent(out, indent);
    ms_print_access(st->store.buf, st->store.nidx, st->store.idx, out);
    const ms_expr *v = st->store.value;
    if (v->kind == MS_EXPR_BINARY && v->bin.op <= MS_BIN_SHR &&
        ms_load_is_store_target(v->bin.a, st)) {
        /* x = x op y  ->  x op= y: identical meaning, as the user wrote it */
        ms_str_addf(out, " %s= ", ms_binop_spelling(v->bin.op));
        ms_expr_print(v->bin.b, out);
    } else {
        ms_str_add(out, " = ");
        ms_expr_print(v, out);
    }
    ms_str_add(out, ";\n");
}

static void emit_decl(const ms_buffer *b, ms_str *out)
{
    /* arrays on a cache line: vector code may assume it (GCC 12 does at -O1 with
     * OpenMP simd, and faults without it), and it is faster anyway */
    if (b->ndim > 0)
        ms_str_add(out, "_Alignas(64) ");
    ms_str_addf(out, "%s %s", b->elem_ctype, b->name);
    for (int i = 0; i < b->ndim; i++) {
        ms_str_add(out, "[");
        ms_expr_print(b->shape[i], out);
        ms_str_add(out, "]");
    }
}

/* A block that initialises a scalar just allocated: printed as one line. */
static const ms_stmt *init_of(ms_func *f, const ms_stmt *alloc, const ms_stmt *next)
{
    /* a guarded initialisation cannot become an unconditional initialiser */
    if (!next || next->kind != MS_STMT_BLOCK || alloc->alloc.buf->ndim != 0 ||
        next->block.predicate)
        return NULL;
    const ms_stmt *st = ms_block_realize(f, next);
    return st->store.buf == alloc->alloc.buf ? st : NULL;
}

void ms_emit_stmts(ms_func *f, const ms_stmt *s, int indent, ms_str *out)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++) {
            const ms_stmt *it = s->seq.items[i];
            const ms_stmt *next = i + 1 < s->seq.n ? s->seq.items[i + 1] : NULL;
            const ms_stmt *init = it->kind == MS_STMT_ALLOC ? init_of(f, it, next) : NULL;
            if (init && !ms_expr_reads_buffer(init->store.value, it->alloc.buf)) {
                ms_str_indent(out, indent);
                emit_decl(it->alloc.buf, out);
                ms_str_add(out, " = ");
                ms_expr_print(init->store.value, out);
                ms_str_add(out, ";\n");
                i++;
                continue;
            }
            ms_emit_stmts(f, it, indent, out);
        }
        return;
    case MS_STMT_FOR: {
        emit_pragma(s, indent, out);
        ms_expr *end = ms_simplify(f, ms_binary(f, MS_BIN_ADD, s->loop.min, s->loop.extent));
        const ms_expr *x = s->loop.extent;
        if (x->kind == MS_EXPR_BINARY && x->bin.op == MS_BIN_SUB &&
            ms_expr_equal(x->bin.b, s->loop.min))
            end = x->bin.a; /* min/max bounds do not simplify: undo "hi - lo" by hand */
        const char *v = s->loop.var->name;
        ms_str_indent(out, indent);
        ms_str_addf(out, "for (%s %s = ", s->loop.var->ctype, v);
        ms_expr_print(s->loop.min, out);
        ms_str_addf(out, "; %s < ", v);
        ms_expr_print_operand_of(MS_BIN_LT, end, out);
        ms_str_addf(out, "; %s++) {\n", v);
        ms_emit_stmts(f, s->loop.body, indent + 1, out);
        ms_str_indent(out, indent);
        ms_str_add(out, "}\n");
        return;
    }
    case MS_STMT_IF:
        ms_str_indent(out, indent);
        ms_str_add(out, "if (");
        ms_expr_print(s->if_.cond, out);
        ms_str_add(out, ") {\n");
        ms_emit_stmts(f, s->if_.then_s, indent + 1, out);
        ms_str_indent(out, indent);
        if (s->if_.else_s) {
            ms_str_add(out, "} else {\n");
            ms_emit_stmts(f, s->if_.else_s, indent + 1, out);
            ms_str_indent(out, indent);
        }
        ms_str_add(out, "}\n");
        return;
    case MS_STMT_BLOCK:
        if (s->block.predicate) {
            ms_str_indent(out, indent);
            ms_str_add(out, "if (");
            ms_expr_print(s->block.predicate, out);
            ms_str_add(out, ") {\n");
            emit_store(ms_block_realize(f, s), indent + 1, out);
            ms_str_indent(out, indent);
            ms_str_add(out, "}\n");
            return;
        }
        emit_store(ms_block_realize(f, s), indent, out);
        return;
    case MS_STMT_STORE:
        emit_store(s, indent, out);
        return;
    case MS_STMT_ALLOC:
        if (s->alloc.buf->scope == MS_SCOPE_PACKED)
            return; /* declared, allocated and freed by the body (body.c) */
        ms_str_indent(out, indent);
        emit_decl(s->alloc.buf, out);
        /* a scalar or a cache set under a guard: compilers cannot see that
         * every read is under the same guard, and warn; the 0 is never read
         * (and a tile's zeroing is dead code once its init runs) */
        ms_str_add(out, s->alloc.buf->ndim == 0  ? " = 0;\n"
                        : s->alloc.buf->is_cache ? " = {0};\n"
                                                 : ";\n");
        return;
    case MS_STMT_CALL:
        /* each region as a pointer to its first element, then the scalars */
        ms_str_indent(out, indent);
        ms_str_addf(out, "%s(", s->call.name);
        for (int i = 0; i < s->call.nregions; i++) {
            const ms_region *r = &s->call.regions[i];
            ms_str_add(out, i ? ", &" : "&");
            ms_print_access(r->buf, r->ndim, r->min, out);
        }
        for (int i = 0; i < s->call.nargs; i++) {
            ms_str_add(out, i || s->call.nregions ? ", " : "");
            ms_expr_print(s->call.args[i], out);
        }
        ms_str_add(out, ");\n");
        return;
    }
    ms_unreachable();
}
