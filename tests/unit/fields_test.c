/*
 * fields_test.c - the shared traversal derived from stmt.def and expr.def
 * (copies, substitution, positions, equality) on kernels parsed from C,
 * and the call statement, the kind added through it: printed, copied,
 * walked as boxes, kept serial by the analysis, emitted, compiled and run
 * against the original.
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static ms_func *parse(const char *text, ms_source *src, ms_diags *d)
{
    tu_parse_text(text, src, d);
    cr_assert_eq(src->nkernels, 1);
    cr_assert(src->kernels[0].func, "rejected: %s", tu_render(d));
    return src->kernels[0].func;
}

static char *print(const ms_func *f)
{
    ms_str s = {0};
    ms_func_print(f, &s);
    return ms_str_take(&s);
}

/* Every node reachable from a statement, by the traversal itself. */
typedef struct nodes {
    MS_VEC(const void *) at;
} nodes;

static void note_stmt(void *ctx, ms_stmt **slot);
static void note_expr(void *ctx, ms_expr **slot)
{
    nodes *n = ctx;
    MS_VEC_PUSH(n->at, *slot);
    ms_expr_fields(*slot, &(ms_field_fns){.expr = note_expr}, ctx);
}
static void note_stmt(void *ctx, ms_stmt **slot)
{
    nodes *n = ctx;
    MS_VEC_PUSH(n->at, *slot);
    ms_stmt_fields(*slot, &(ms_field_fns){.expr = note_expr, .stmt = note_stmt}, ctx);
}

static bool shares_a_node(ms_stmt *a, ms_stmt *b)
{
    nodes na = {0}, nb = {0};
    note_stmt(&na, &a);
    note_stmt(&nb, &b);
    bool shared = false;
    for (int i = 0; i < na.at.len; i++)
        for (int j = 0; j < nb.at.len; j++)
            shared = shared || na.at.data[i] == nb.at.data[j];
    free(na.at.data);
    free(nb.at.data);
    return shared;
}

/* Every statement kind but the call, every expression kind. */
static const char *every_kind =
    "#include <math.h>\n#pragma mscc kernel sizes(M=8, N=8)\n"
    "void k(int M, int N, const float A[restrict M][N], float y[restrict M]) {\n"
    "  for (int i = 0; i < M; i++) {\n"
    "    float t[4];\n"
    "    float s = 0.5f;\n"
    "    for (int j = 0; j < N; j++)\n"
    "      if (j % 2 == 0) s += (float)-A[i][j] * (j > 1 ? 2.0f : 1.0f) + fabsf(A[i][j]);\n"
    "    t[i % 4] = s;\n"
    "    y[i] = t[i % 4];\n"
    "  }\n}\n";

Test(fields, a_clone_copies_every_node_and_prints_and_hashes_the_same)
{
    ms_source src;
    ms_diags d = {0};
    ms_func *f = parse(every_kind, &src, &d);
    ms_func *c = ms_func_clone(f);
    char *a = print(f), *b = print(c);
    cr_expect_str_eq(a, b);
    cr_expect_eq(ms_func_hash(f), ms_func_hash(c));
    cr_expect_not(shares_a_node(f->body, c->body));
    free(a);
    free(b);
    ms_func_free(c);
    ms_source_free(&src);
    ms_diags_free(&d);
}

Test(fields, substitution_copies_what_it_changes_and_leaves_the_original)
{
    ms_source src;
    ms_diags d = {0};
    ms_func *f = parse(every_kind, &src, &d);
    char *before = print(f);
    ms_var *N = f->params[1].var;
    ms_expr *seven = ms_int(f, 7);
    ms_stmt *s = ms_stmt_subst(f, f->body, 1, &N, &seven);
    ms_stmt *body = f->body;
    f->body = s;
    char *after = print(f);
    f->body = body;
    char *again = print(f);
    cr_expect_str_eq(before, again, "the original changed");
    cr_expect(strstr(after, "for j: int in [0, +7)"), "%s", after);
    cr_expect_null(strstr(after, "+N)"), "%s", after);
    /* in place: the same statements, changed */
    ms_stmt_subst_inplace(f, f->body, 1, &N, &seven);
    char *inplace = print(f);
    cr_expect_str_eq(inplace, after);
    cr_expect_eq(f->body, body);
    free(before);
    free(after);
    free(again);
    free(inplace);
    ms_source_free(&src);
    ms_diags_free(&d);
}

Test(fields, children_and_operands_by_position)
{
    ms_func *f = ms_func_new("t");
    ms_var *i = ms_var_new(f, "i", "int", MS_DT_I32, MS_VAR_LOOP);
    ms_buffer *x = ms_buffer_new(f, "x", "float", MS_DT_F32, 1, MS_SCOPE_PARAM);
    ms_expr *idx[1] = {ms_var_ref(f, i)};
    ms_stmt *st = ms_store(f, x, 1, idx, ms_float(f, 1, MS_DT_F32, "1.0f"));
    ms_stmt *other = ms_seq(f, 0, NULL);
    ms_expr *cond = ms_binary(f, MS_BIN_LT, ms_var_ref(f, i), ms_int(f, 3));
    ms_stmt *with_else = ms_if(f, cond, st, other);
    ms_stmt *without = ms_if(f, cond, st, NULL);
    cr_expect_eq(*ms_stmt_child(with_else, 0), st);
    cr_expect_eq(*ms_stmt_child(with_else, 1), other);
    cr_expect_null(ms_stmt_child(with_else, 2));
    cr_expect_eq(*ms_stmt_child(without, 0), st);
    cr_expect_null(ms_stmt_child(without, 1));
    cr_expect_null(ms_stmt_child(st, 0));
    cr_expect_eq(*ms_expr_operand(cond, 0), cond->bin.a);
    cr_expect_eq(*ms_expr_operand(cond, 1), cond->bin.b);
    cr_expect_null(ms_expr_operand(cond, 2));
    cr_expect_null(ms_expr_operand(cond->bin.b, 0));
    ms_stmt *loop = ms_for(f, i, ms_int(f, 0), ms_int(f, 9), without);
    cr_expect_eq(*ms_stmt_child(loop, 0), without);
    cr_expect_null(ms_stmt_child(loop, 1));
    ms_func_free(f);
}

Test(fields, equality_sees_operators_constants_buffers_and_operands)
{
    ms_func *f = ms_func_new("t");
    ms_var *i = ms_var_new(f, "i", "int", MS_DT_I32, MS_VAR_LOOP);
    ms_buffer *x = ms_buffer_new(f, "x", "float", MS_DT_F32, 1, MS_SCOPE_PARAM);
    ms_buffer *y = ms_buffer_new(f, "y", "float", MS_DT_F32, 1, MS_SCOPE_PARAM);
    ms_expr *a[1] = {ms_binary(f, MS_BIN_ADD, ms_var_ref(f, i), ms_int(f, 1))};
    ms_expr *b[1] = {ms_binary(f, MS_BIN_ADD, ms_var_ref(f, i), ms_int(f, 1))};
    ms_expr *c[1] = {ms_binary(f, MS_BIN_SUB, ms_var_ref(f, i), ms_int(f, 1))};
    ms_expr *e[1] = {ms_binary(f, MS_BIN_ADD, ms_var_ref(f, i), ms_int(f, 2))};
    cr_expect(ms_expr_equal(ms_load(f, x, 1, a), ms_load(f, x, 1, b)));
    cr_expect_not(ms_expr_equal(ms_load(f, x, 1, a), ms_load(f, y, 1, b)));
    cr_expect_not(ms_expr_equal(ms_load(f, x, 1, a), ms_load(f, x, 1, c)));
    cr_expect_not(ms_expr_equal(ms_load(f, x, 1, a), ms_load(f, x, 1, e)));
    cr_expect_not(ms_expr_equal(ms_load(f, x, 1, a), ms_load(f, x, 0, NULL)));
    cr_expect_not(
        ms_expr_equal(ms_float(f, 1, MS_DT_F32, "1.0f"), ms_float(f, 1, MS_DT_F64, "1.0")));
    ms_expr *arg[1] = {ms_var_ref(f, i)};
    cr_expect_not(ms_expr_equal(ms_call(f, "expf", MS_DT_F32, 1, arg),
                                ms_call(f, "logf", MS_DT_F32, 1, arg)));
    ms_func_free(f);
}

/* ---- the call statement ---- */

static const char *copy_rows =
    "#include <string.h>\n"
    "#pragma mscc kernel sizes(M=16, N=24)\n"
    "void copy_rows(int M, int N, const float A[restrict M][N], float B[restrict M][N]) {\n"
    "  for (int i = 0; i < M; i++)\n"
    "    for (int j = 0; j < N; j++)\n"
    "      B[i][j] = A[i][j];\n"
    "}\n";

/* The kernel's rows copied by memcpy: for i, memcpy(&B[i][0], &A[i][0], N * 4). */
static ms_func *by_memcpy(const ms_func *orig)
{
    ms_func *f = ms_func_clone(orig);
    ms_var *M = f->params[0].var, *N = f->params[1].var;
    ms_buffer *A = f->params[2].buf, *B = f->params[3].buf;
    ms_var *i = ms_var_new(f, "i", "int", MS_DT_I32, MS_VAR_LOOP);
    ms_expr *bmin[2] = {ms_var_ref(f, i), ms_int(f, 0)};
    ms_expr *amin[2] = {ms_var_ref(f, i), ms_int(f, 0)};
    ms_expr *ext[2] = {ms_int(f, 1), ms_var_ref(f, N)};
    ms_region r[2] = {{B, 2, bmin, ext, false, true}, {A, 2, amin, ext, true, false}};
    ms_expr *bytes[1] = {ms_binary(f, MS_BIN_MUL, ms_var_ref(f, N), ms_int(f, 4))};
    ms_stmt *call = ms_call_stmt(f, "memcpy", 2, r, 1, bytes);
    f->body = ms_for(f, i, ms_int(f, 0), ms_var_ref(f, M), call);
    return f;
}

Test(call_stmt, prints_copies_and_hashes_as_its_own_kind)
{
    ms_source src;
    ms_diags d = {0};
    ms_func *orig = parse(copy_rows, &src, &d);
    ms_func *f = by_memcpy(orig);
    char *text = print(f);
    cr_expect(strstr(text, "call memcpy(B[i][0] +[1][N] w, A[i][0] +[1][N] r, N * 4)"), "%s", text);
    ms_func *c = ms_func_clone(f);
    char *copy = print(c);
    cr_expect_str_eq(text, copy);
    cr_expect_not(shares_a_node(f->body, c->body));
    cr_expect_eq(ms_func_hash(f), ms_func_hash(c));
    cr_expect_neq(ms_func_hash(f), ms_func_hash(orig));
    /* a different extent is a different program */
    c->body->loop.body->call.regions[0].extent[1] = ms_int(c, 8);
    cr_expect_neq(ms_func_hash(f), ms_func_hash(c));
    /* substitution reaches the regions and the arguments */
    ms_var *N = f->params[1].var;
    ms_expr *five = ms_int(f, 5);
    ms_stmt *s = ms_stmt_subst(f, f->body, 1, &N, &five);
    cr_expect(ms_stmt_uses_var(f->body, N));
    cr_expect_not(ms_stmt_uses_var(s, N));
    free(text);
    free(copy);
    ms_func_free(c);
    ms_func_free(f);
    ms_source_free(&src);
    ms_diags_free(&d);
}

typedef struct boxes {
    int reads, writes;
    bool all_boxes;
} boxes;

static void count_box(void *ctx, const ms_access_site *s)
{
    boxes *b = ctx;
    *(s->write ? &b->writes : &b->reads) += 1;
    b->all_boxes = b->all_boxes && s->extent != NULL && *s->nidx == 2;
}

Test(call_stmt, is_walked_as_boxes_and_keeps_its_loop_serial)
{
    ms_source src;
    ms_diags d = {0};
    ms_func *orig = parse(copy_rows, &src, &d);
    ms_func *f = by_memcpy(orig);
    boxes b = {0, 0, true};
    ms_walk(f->body, &(ms_walk_fns){.access = count_box}, &b);
    cr_expect_eq(b.reads, 1);
    cr_expect_eq(b.writes, 1);
    cr_expect(b.all_boxes);
    ms_loop_info *infos;
    int n = ms_analyze_loops(f, &infos);
    cr_assert_eq(n, 1);
    /* the rows are disjoint, but the analysis does not read boxes yet */
    cr_expect_not(infos[0].independent);
    cr_expect_not(infos[0].reducible);
    free(infos);
    /* the extents reach the box's last element */
    ms_str e = {0};
    ms_expr_print(ms_simplify(f, ms_buffer_extent(f, f->params[3].buf)), &e);
    cr_expect_str_eq(ms_str_cstr(&e), "M * N");
    ms_str_free(&e);
    ms_func_free(f);
    ms_source_free(&src);
    ms_diags_free(&d);
}

Test(call_stmt, is_emitted_as_a_call_that_compiles_and_matches_the_original)
{
    ms_source src;
    ms_diags d = {0};
    ms_func *orig = parse(copy_rows, &src, &d);
    ms_func *f = by_memcpy(orig);
    char *orig_body = ms_kernel_body_text(&src, &src.kernels[0]);
    const char *why = NULL;
    char *body = ms_emit_body(f, orig, orig_body, NULL, &why);
    cr_assert(body, "%s", why);
    cr_expect(strstr(body, "memcpy(&B[i][0], &A[i][0], N * 4);"), "%s", body);
    bool ok;
    char *rep;
    tu_check_bodies(&src, &src.kernels[0], &body, 1,
                    "-std=c11 -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas", 3, 7, &ok, &rep);
    cr_expect(ok, "%s", rep);
    free(rep);
    free(body);
    free(orig_body);
    ms_func_free(f);
    ms_source_free(&src);
    ms_diags_free(&d);
}
