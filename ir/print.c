/*
 * print.c - C-syntax expression printing with minimal (but warning-free)
 * parentheses, the stable IR text form, structural equality and the
 * canonical hash.
 */
#include "ir/ir.h"

#include <inttypes.h>
#include <string.h>

enum { PREC_SELECT = 3, PREC_UNARY = 14, PREC_POSTFIX = 15, PREC_ATOM = 16 };

static int prec(const ms_expr *e)
{
    switch (e->kind) {
    case MS_EXPR_BINARY:
        return ms_binop_precedence(e->bin.op);
    case MS_EXPR_SELECT:
        return PREC_SELECT;
    case MS_EXPR_UNARY:
    case MS_EXPR_CAST:
        return PREC_UNARY;
    case MS_EXPR_INT:
        return e->i.value < 0 ? PREC_UNARY : PREC_ATOM;
    case MS_EXPR_FLOAT:
        return e->f.text[0] == '-' ? PREC_UNARY : PREC_ATOM;
    case MS_EXPR_CALL:
    case MS_EXPR_LOAD:
        return PREC_POSTFIX;
    case MS_EXPR_VAR:
        return PREC_ATOM;
    }
    ms_unreachable();
}

static bool is_arith(ms_binop op)
{
    return op <= MS_BIN_MOD;
}
static bool is_compare(ms_binop op)
{
    return op >= MS_BIN_LT && op <= MS_BIN_NE;
}

/* Parentheses GCC's -Wparentheses wants even where precedence is enough. */
static bool wants_parens(ms_binop parent, const ms_expr *child)
{
    if (child->kind != MS_EXPR_BINARY)
        return false;
    ms_binop c = child->bin.op;
    if (c == parent)
        return false;
    if (parent == MS_BIN_LAND || parent == MS_BIN_LOR)
        return c == MS_BIN_LAND || c == MS_BIN_LOR;
    if (is_compare(parent))
        return is_compare(c);
    return !is_arith(parent);
}

static void print_operand(const ms_expr *e, int min_prec, ms_str *out)
{
    bool p = prec(e) < min_prec;
    if (p)
        ms_str_add(out, "(");
    ms_expr_print(e, out);
    if (p)
        ms_str_add(out, ")");
}

/* A pointer parameter seen as [?][H][W] prints as P[(n * H + h) * W + w]. */
static void print_linear(const ms_buffer *b, int n, ms_expr *const *idx, ms_str *out)
{
    ms_str_add(out, "[");
    for (int d = 0; d < n - 2; d++)
        ms_str_add(out, "(");
    print_operand(idx[0], ms_binop_precedence(MS_BIN_MUL), out);
    for (int d = 1; d < n; d++) {
        ms_str_add(out, " * ");
        print_operand(b->shape[d], ms_binop_precedence(MS_BIN_MUL) + 1, out);
        ms_str_add(out, " + ");
        print_operand(idx[d], ms_binop_precedence(MS_BIN_ADD) + 1, out);
        if (d < n - 1)
            ms_str_add(out, ")");
    }
    ms_str_add(out, "]");
}

void ms_print_access(const ms_buffer *b, int n, ms_expr *const *idx, ms_str *out)
{
    ms_str_add(out, b->name);
    if (b->is_pointer && n > 1) {
        print_linear(b, n, idx, out);
        return;
    }
    for (int i = 0; i < n; i++) {
        ms_str_add(out, "[");
        ms_expr_print(idx[i], out);
        ms_str_add(out, "]");
    }
}

static const char *const unop_spelling[] = {"-", "!", "~", "+"};

void ms_expr_print(const ms_expr *e, ms_str *out)
{
    switch (e->kind) {
    case MS_EXPR_INT:
        if (e->i.value > INT32_MAX || e->i.value < INT32_MIN)
            ms_str_addf(out, "%" PRId64 "LL", e->i.value);
        else
            ms_str_addf(out, "%" PRId64, e->i.value);
        return;
    case MS_EXPR_FLOAT:
        ms_str_add(out, e->f.text);
        return;
    case MS_EXPR_VAR:
        ms_str_add(out, e->var->name);
        return;
    case MS_EXPR_BINARY: {
        int p = ms_binop_precedence(e->bin.op);
        bool pa = wants_parens(e->bin.op, e->bin.a), pb = wants_parens(e->bin.op, e->bin.b);
        if (pa)
            ms_str_add(out, "(");
        print_operand(e->bin.a, pa ? 0 : p, out);
        if (pa)
            ms_str_add(out, ")");
        ms_str_addf(out, " %s ", ms_binop_spelling(e->bin.op));
        if (pb)
            ms_str_add(out, "(");
        print_operand(e->bin.b, pb ? 0 : p + 1, out);
        if (pb)
            ms_str_add(out, ")");
        return;
    }
    case MS_EXPR_UNARY:
        ms_str_add(out, unop_spelling[e->un.op]);
        /* "- -x" and "--x" differ: keep nested signs apart */
        if ((e->un.op == MS_UN_NEG || e->un.op == MS_UN_PLUS) && prec(e->un.a) == PREC_UNARY)
            ms_str_add(out, " ");
        print_operand(e->un.a, PREC_UNARY, out);
        return;
    case MS_EXPR_SELECT:
        print_operand(e->sel.cond, PREC_SELECT + 1, out);
        ms_str_add(out, " ? ");
        print_operand(e->sel.a, PREC_SELECT + 1, out);
        ms_str_add(out, " : ");
        print_operand(e->sel.b, PREC_SELECT + 1, out);
        return;
    case MS_EXPR_CAST:
        ms_str_addf(out, "(%s)", e->cast.ctype);
        print_operand(e->cast.a, PREC_UNARY, out);
        return;
    case MS_EXPR_CALL:
        ms_str_addf(out, "%s(", e->call.name);
        for (int i = 0; i < e->call.nargs; i++) {
            if (i)
                ms_str_add(out, ", ");
            ms_expr_print(e->call.args[i], out);
        }
        ms_str_add(out, ")");
        return;
    case MS_EXPR_LOAD:
        ms_print_access(e->load.buf, e->load.nidx, e->load.idx, out);
        return;
    }
    ms_unreachable();
}

void ms_expr_print_operand_of(ms_binop op, const ms_expr *e, ms_str *out)
{
    bool p = wants_parens(op, e);
    if (p)
        ms_str_add(out, "(");
    print_operand(e, p ? 0 : ms_binop_precedence(op) + 1, out);
    if (p)
        ms_str_add(out, ")");
}

/* ---- IR text ---- */

static const char *const loop_kind_names[] = {"serial", "parallel", "vectorized", "unrolled"};
static const char *const red_names[] = {"+", "*", "max", "min"};

void ms_stmt_print(const ms_stmt *s, int indent, ms_str *out)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            ms_stmt_print(s->seq.items[i], indent, out);
        return;
    case MS_STMT_FOR:
        ms_str_indent(out, indent);
        ms_str_addf(out, "for %s: %s in [", s->loop.var->name, s->loop.var->ctype);
        ms_expr_print(s->loop.min, out);
        ms_str_add(out, ", +");
        ms_expr_print(s->loop.extent, out);
        ms_str_addf(out, ") %s", loop_kind_names[s->loop.kind]);
        if (s->loop.parallel_simd)
            ms_str_add(out, "+simd");
        if (s->loop.collapse > 1)
            ms_str_addf(out, " collapse(%d)", s->loop.collapse);
        if (s->loop.collapsed)
            ms_str_add(out, " (collapsed)");
        for (int i = 0; i < s->loop.nred; i++)
            ms_str_addf(out, " reduce(%s: %s)", red_names[s->loop.red[i].op],
                        s->loop.red[i].buf->name);
        for (int i = 0; i < s->loop.nannot; i++)
            ms_str_addf(out, " %s=%" PRId64, s->loop.annot[i].key, s->loop.annot[i].value);
        ms_str_add(out, " {\n");
        ms_stmt_print(s->loop.body, indent + 1, out);
        ms_str_indent(out, indent);
        ms_str_add(out, "}\n");
        return;
    case MS_STMT_IF:
        ms_str_indent(out, indent);
        ms_str_add(out, "if ");
        ms_expr_print(s->if_.cond, out);
        ms_str_add(out, " {\n");
        ms_stmt_print(s->if_.then_s, indent + 1, out);
        if (s->if_.else_s) {
            ms_str_indent(out, indent);
            ms_str_add(out, "} else {\n");
            ms_stmt_print(s->if_.else_s, indent + 1, out);
        }
        ms_str_indent(out, indent);
        ms_str_add(out, "}\n");
        return;
    case MS_STMT_BLOCK:
        ms_str_indent(out, indent);
        ms_str_addf(out, "block %s(", s->block.name);
        for (int i = 0; i < s->block.niter; i++) {
            const ms_iter_var *iv = &s->block.iters[i];
            ms_str_addf(out, "%s%s: %s = ", i ? ", " : "", iv->var->name,
                        iv->kind == MS_ITER_SPATIAL ? "S" : "R");
            ms_expr_print(iv->binding, out);
        }
        ms_str_add(out, ")");
        if (s->block.predicate) {
            ms_str_add(out, " where ");
            ms_expr_print(s->block.predicate, out);
        }
        ms_str_add(out, " {\n");
        if (s->block.init) {
            ms_str_indent(out, indent + 1);
            ms_str_add(out, "init:\n");
            ms_stmt_print(s->block.init, indent + 2, out);
            ms_str_indent(out, indent + 1);
            ms_str_add(out, "update:\n");
            ms_stmt_print(s->block.body, indent + 2, out);
            ms_str_indent(out, indent);
            ms_str_add(out, "}\n");
            return;
        }
        ms_stmt_print(s->block.body, indent + 1, out);
        ms_str_indent(out, indent);
        ms_str_add(out, "}\n");
        return;
    case MS_STMT_STORE:
        ms_str_indent(out, indent);
        ms_print_access(s->store.buf, s->store.nidx, s->store.idx, out);
        ms_str_add(out, " = ");
        ms_expr_print(s->store.value, out);
        ms_str_add(out, "\n");
        return;
    case MS_STMT_ALLOC: {
        const ms_buffer *b = s->alloc.buf;
        ms_str_indent(out, indent);
        ms_str_addf(out, "alloc %s: %s", b->name, b->elem_ctype);
        for (int i = 0; i < b->ndim; i++) {
            ms_str_add(out, "[");
            ms_expr_print(b->shape[i], out);
            ms_str_add(out, "]");
        }
        ms_str_add(out, "\n");
        return;
    }
    case MS_STMT_CALL:
        ms_str_indent(out, indent);
        ms_str_addf(out, "call %s(", s->call.name);
        for (int i = 0; i < s->call.nregions; i++) {
            const ms_region *r = &s->call.regions[i];
            ms_str_add(out, i ? ", " : "");
            ms_print_access(r->buf, r->ndim, r->min, out);
            ms_str_add(out, " +");
            for (int d = 0; d < r->ndim; d++) {
                ms_str_add(out, "[");
                ms_expr_print(r->extent[d], out);
                ms_str_add(out, "]");
            }
            ms_str_addf(out, " %s%s", r->read ? "r" : "", r->write ? "w" : "");
        }
        for (int i = 0; i < s->call.nargs; i++) {
            ms_str_add(out, i || s->call.nregions ? ", " : "");
            ms_expr_print(s->call.args[i], out);
        }
        ms_str_add(out, ")\n");
        return;
    }
    ms_unreachable();
}

static void print_buffer_type(const ms_buffer *b, ms_str *out)
{
    ms_str_addf(out, "%s%s", b->is_const ? "const " : "", b->elem_ctype);
    if (b->is_pointer)
        ms_str_add(out, "*");
    for (int i = 0; i < b->ndim && (!b->is_pointer || b->ndim > 1); i++) {
        ms_str_add(out, "[");
        if (b->shape[i])
            ms_expr_print(b->shape[i], out);
        else
            ms_str_add(out, "?");
        ms_str_add(out, "]");
    }
    if (b->is_restrict)
        ms_str_add(out, " restrict");
}

void ms_func_print(const ms_func *f, ms_str *out)
{
    ms_str_addf(out, "func %s(", f->name);
    for (int i = 0; i < f->nparams; i++) {
        const ms_param *p = &f->params[i];
        if (i)
            ms_str_add(out, ", ");
        if (p->var) {
            ms_str_addf(out, "%s: %s", p->var->name, p->var->ctype);
        } else {
            ms_str_addf(out, "%s: ", p->buf->name);
            print_buffer_type(p->buf, out);
        }
    }
    ms_str_add(out, ")");
    if (f->noalias)
        ms_str_add(out, " noalias");
    if (f->nhints) {
        ms_str_add(out, " sizes(");
        for (int i = 0; i < f->nhints; i++)
            ms_str_addf(out, "%s%s=%" PRId64, i ? ", " : "", f->hints[i].name, f->hints[i].value);
        ms_str_add(out, ")");
    }
    ms_str_add(out, " {\n");
    ms_stmt_print(f->body, 1, out);
    ms_str_add(out, "}\n");
}

/* ---- equality and hashing ---- */

static uint64_t hash_str(uint64_t h, const char *s)
{
    return ms_hash_bytes(h, s, strlen(s) + 1);
}

static uint64_t hash_expr(uint64_t h, const ms_expr *e)
{
    h = ms_hash_u64(h, (uint64_t)e->kind);
    h = ms_hash_u64(h, (uint64_t)e->dtype);
    switch (e->kind) {
    case MS_EXPR_INT:
        return ms_hash_u64(h, (uint64_t)e->i.value);
    case MS_EXPR_FLOAT:
        return hash_str(h, e->f.text);
    case MS_EXPR_VAR:
        return ms_hash_u64(h, (uint64_t)e->var->id);
    case MS_EXPR_BINARY:
        h = ms_hash_u64(h, (uint64_t)e->bin.op);
        return hash_expr(hash_expr(h, e->bin.a), e->bin.b);
    case MS_EXPR_UNARY:
        return hash_expr(ms_hash_u64(h, (uint64_t)e->un.op), e->un.a);
    case MS_EXPR_SELECT:
        return hash_expr(hash_expr(hash_expr(h, e->sel.cond), e->sel.a), e->sel.b);
    case MS_EXPR_CAST:
        return hash_expr(hash_str(h, e->cast.ctype), e->cast.a);
    case MS_EXPR_CALL:
        h = hash_str(h, e->call.name);
        for (int i = 0; i < e->call.nargs; i++)
            h = hash_expr(h, e->call.args[i]);
        return h;
    case MS_EXPR_LOAD:
        h = ms_hash_u64(h, (uint64_t)e->load.buf->id);
        for (int i = 0; i < e->load.nidx; i++)
            h = hash_expr(h, e->load.idx[i]);
        return h;
    default:
        break;
    }
    /* a kind without a case of its own: its field list */
    h = ms_hash_node_data(h, NULL, (ms_expr *)e);
    ms_expr **x;
    for (int i = 0; (x = ms_expr_operand((ms_expr *)e, i)); i++)
        h = hash_expr(h, *x);
    return h;
}

typedef struct hash_acc {
    uint64_t h;
} hash_acc;

static void hash_operand(void *ctx, ms_expr **slot)
{
    hash_acc *a = ctx;
    a->h = hash_expr(a->h, *slot);
}

/* The kinds with cases of their own hash as they always have: the hash is
 * the database's workload key. */
static uint64_t hash_stmt(uint64_t h, const ms_stmt *s)
{
    h = ms_hash_u64(h, (uint64_t)s->kind);
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            h = hash_stmt(h, s->seq.items[i]);
        return h;
    case MS_STMT_FOR:
        h = ms_hash_u64(h, (uint64_t)s->loop.var->id);
        h = hash_expr(hash_expr(h, s->loop.min), s->loop.extent);
        /* how a loop runs is part of a schedule: candidates that differ
         * only there are different programs */
        h = ms_hash_u64(h, (uint64_t)s->loop.kind);
        h = ms_hash_u64(h, (uint64_t)s->loop.collapse * 4 + (uint64_t)s->loop.collapsed * 2 +
                               (uint64_t)s->loop.parallel_simd);
        for (int i = 0; i < s->loop.nannot; i++)
            h = ms_hash_u64(hash_str(h, s->loop.annot[i].key), (uint64_t)s->loop.annot[i].value);
        return hash_stmt(h, s->loop.body);
    case MS_STMT_IF:
        h = hash_stmt(hash_expr(h, s->if_.cond), s->if_.then_s);
        return s->if_.else_s ? hash_stmt(h, s->if_.else_s) : h;
    case MS_STMT_BLOCK:
        for (int i = 0; i < s->block.niter; i++) {
            h = ms_hash_u64(h, (uint64_t)s->block.iters[i].kind);
            h = hash_expr(h, s->block.iters[i].binding);
        }
        if (s->block.predicate)
            h = hash_expr(h, s->block.predicate);
        if (s->block.init)
            h = hash_stmt(ms_hash_u64(h, 0x1417), s->block.init);
        return hash_stmt(h, s->block.body);
    case MS_STMT_STORE:
        h = ms_hash_u64(h, (uint64_t)s->store.buf->id);
        for (int i = 0; i < s->store.nidx; i++)
            h = hash_expr(h, s->store.idx[i]);
        return hash_expr(h, s->store.value);
    case MS_STMT_ALLOC:
        h = ms_hash_u64(h, (uint64_t)s->alloc.buf->id);
        h = ms_hash_u64(h, (uint64_t)s->alloc.buf->dtype);
        h = ms_hash_u64(h, (uint64_t)s->alloc.buf->scope);
        for (int d = 0; d < s->alloc.buf->ndim; d++)
            if (s->alloc.buf->shape[d])
                h = hash_expr(h, s->alloc.buf->shape[d]);
        return h;
    default:
        break;
    }
    h = ms_hash_node_data(h, (ms_stmt *)s, NULL);
    hash_acc acc = {h};
    ms_stmt_operands((ms_stmt *)s, hash_operand, &acc);
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child((ms_stmt *)s, i)); i++)
        acc.h = hash_stmt(acc.h, *child);
    return acc.h;
}

uint64_t ms_func_hash(const ms_func *f)
{
    uint64_t h = MS_HASH_SEED;
    for (int i = 0; i < f->nparams; i++) {
        const ms_param *p = &f->params[i];
        if (p->var) {
            h = ms_hash_u64(h, (uint64_t)p->var->dtype);
        } else {
            h = ms_hash_u64(h, 100u + (uint64_t)p->buf->dtype);
            h = ms_hash_u64(h, (uint64_t)p->buf->ndim);
            h = ms_hash_u64(h, (uint64_t)p->buf->is_restrict);
            for (int d = 0; d < p->buf->ndim; d++)
                if (p->buf->shape[d])
                    h = hash_expr(h, p->buf->shape[d]);
        }
    }
    return hash_stmt(h, f->body);
}
