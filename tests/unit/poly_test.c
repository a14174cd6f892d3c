/*
 * poly_test.c - the polynomial normal form, simplification, printing,
 * structural equality and hashing.
 */
#include "ir/ir.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static ms_func *f;
static ms_var *M, *N, *i, *j;

static void setup(void)
{
    f = ms_func_new("t");
    M = ms_var_new(f, "M", "int", MS_DT_I32, MS_VAR_PARAM);
    N = ms_var_new(f, "N", "int", MS_DT_I32, MS_VAR_PARAM);
    i = ms_var_new(f, "i", "int", MS_DT_I32, MS_VAR_LOOP);
    j = ms_var_new(f, "j", "int", MS_DT_I32, MS_VAR_LOOP);
}

static void teardown(void)
{
    ms_func_free(f);
}

static ms_expr *V(ms_var *v)
{
    return ms_var_ref(f, v);
}
static ms_expr *add(ms_expr *a, ms_expr *b)
{
    return ms_binary(f, MS_BIN_ADD, a, b);
}
static ms_expr *sub(ms_expr *a, ms_expr *b)
{
    return ms_binary(f, MS_BIN_SUB, a, b);
}
static ms_expr *mul(ms_expr *a, ms_expr *b)
{
    return ms_binary(f, MS_BIN_MUL, a, b);
}

static char *show(const ms_expr *e)
{
    ms_str s = {0};
    ms_expr_print(e, &s);
    return ms_str_take(&s);
}

TestSuite(poly, .init = setup, .fini = teardown);

Test(poly, simplify_folds_and_collects)
{
    char *s = show(ms_simplify(f, add(sub(V(M), ms_int(f, 1)), ms_int(f, 1))));
    cr_assert_str_eq(s, "M");
    free(s);
    /* (i*N + j)*2 - j  ->  i*N*2 + j */
    ms_expr *e = sub(mul(add(mul(V(i), V(N)), V(j)), ms_int(f, 2)), V(j));
    s = show(ms_simplify(f, e));
    cr_assert_str_eq(s, "i * N * 2 + j");
    free(s);
    s = show(ms_simplify(f, sub(V(M), V(M))));
    cr_assert_str_eq(s, "0");
    free(s);
}

Test(poly, equality_is_structural_after_normalisation)
{
    ms_poly a, b;
    cr_assert(ms_poly_from_expr(add(mul(V(i), V(N)), V(j)), &a));
    cr_assert(ms_poly_from_expr(add(V(j), mul(V(N), V(i))), &b));
    cr_assert(ms_poly_equal(&a, &b));
    int64_t c;
    cr_assert_not(ms_poly_is_const(&a, &c));
    ms_poly_free(&a);
    ms_poly_free(&b);
    cr_assert(ms_poly_from_expr(sub(add(ms_int(f, 3), V(i)), V(i)), &a));
    cr_assert(ms_poly_is_const(&a, &c));
    cr_assert_eq(c, 3);
    ms_poly_free(&a);
}

Test(poly, affine_check)
{
    ms_poly p;
    cr_assert(ms_poly_from_expr(mul(V(i), V(N)), &p));
    cr_assert(ms_poly_is_affine(&p)); /* a size parameter times a counter */
    ms_poly_free(&p);
    cr_assert(ms_poly_from_expr(mul(V(i), V(j)), &p));
    cr_assert_not(ms_poly_is_affine(&p));
    ms_poly_free(&p);
    cr_assert_not(ms_poly_from_expr(ms_binary(f, MS_BIN_DIV, V(i), ms_int(f, 2)), &p));
}

Test(poly, printer_parenthesises_minimally)
{
    char *s = show(mul(add(V(i), V(j)), V(N)));
    cr_assert_str_eq(s, "(i + j) * N");
    free(s);
    s = show(sub(V(i), sub(V(j), V(M))));
    cr_assert_str_eq(s, "i - (j - M)");
    free(s);
    ms_expr *c = ms_binary(f, MS_BIN_LOR, ms_binary(f, MS_BIN_LAND, V(i), V(j)), V(M));
    s = show(c);
    cr_assert_str_eq(s, "(i && j) || M"); /* what -Wparentheses asks for */
    free(s);
    s = show(ms_unary(f, MS_UN_NEG, ms_unary(f, MS_UN_NEG, V(i))));
    cr_assert_str_eq(s, "- -i");
    free(s);
    s = show(ms_binary(f, MS_BIN_SHL, add(V(i), V(j)), ms_int(f, 2)));
    cr_assert_str_eq(s, "(i + j) << 2");
    free(s);
}

Test(poly, equal_and_hash)
{
    ms_expr *a = add(mul(V(i), V(N)), V(j));
    ms_expr *b = add(mul(V(i), V(N)), V(j));
    cr_assert(ms_expr_equal(a, b));
    cr_assert_not(ms_expr_equal(a, add(mul(V(j), V(N)), V(i))));
    cr_assert(ms_expr_uses_var(a, j));
    cr_assert_not(ms_expr_uses_var(a, M));
}

Test(poly, eval_hints)
{
    ms_size_hint h[2] = {{"M", 10, 0}, {"N", 7, 0}};
    f->hints = h;
    f->nhints = 2;
    int64_t v;
    cr_assert(ms_expr_eval_hints(f, sub(mul(V(M), V(N)), ms_int(f, 1)), &v));
    cr_assert_eq(v, 69);
    cr_assert_not(ms_expr_eval_hints(f, add(V(M), V(i)), &v));
    f->hints = NULL;
    f->nhints = 0;
}

Test(poly, a_coefficient_beyond_int64_is_no_polynomial)
{
    /* the pragma fuzzer's size hint near INT64_MAX, times 63 */
    ms_poly p;
    ms_expr *big = mul(ms_int(f, INT64_MAX), ms_int(f, 63));
    cr_assert_not(ms_poly_from_expr(big, &p));
    cr_assert_not(
        ms_poly_from_expr(add(mul(V(i), ms_int(f, INT64_MAX)), mul(V(i), ms_int(f, 2))), &p));
    cr_assert_not(
        ms_poly_from_expr(sub(ms_int(f, 0), sub(ms_int(f, INT64_MIN), ms_int(f, 0))), &p));
    int64_t c;
    cr_assert_not(ms_expr_const_int(big, &c));
    cr_assert_neq(ms_simplify(f, big)->kind, MS_EXPR_INT, "not folded to a wrapped constant");
    cr_assert(ms_expr_const_int(mul(ms_int(f, INT64_MAX), ms_int(f, 1)), &c) && c == INT64_MAX);
}

/* clang's -Wall refuses "k < 1 && k >= 2" (always false) and "k < 2 || k >=
 * 1" (always true): two comparisons of one integer with constants decide
 * a chain of && or ||; comparisons that can both hold stay. */
Test(poly, comparisons_of_one_integer_decide_a_chain)
{
    struct {
        ms_binop chain, op1;
        int c1;
        ms_binop op2;
        int c2;
        const char *want;
    } cases[] = {
        {MS_BIN_LAND, MS_BIN_LT, 1, MS_BIN_GE, 2, "0"},
        {MS_BIN_LAND, MS_BIN_LT, 2, MS_BIN_GE, 2, "0"},
        {MS_BIN_LAND, MS_BIN_LE, 2, MS_BIN_GE, 2, "i <= 2 && i >= 2"},
        {MS_BIN_LAND, MS_BIN_EQ, 1, MS_BIN_EQ, 2, "0"},
        {MS_BIN_LAND, MS_BIN_EQ, 3, MS_BIN_NE, 3, "0"},
        {MS_BIN_LAND, MS_BIN_NE, 3, MS_BIN_NE, 4, "i != 3 && i != 4"},
        {MS_BIN_LAND, MS_BIN_GT, 5, MS_BIN_LT, 7, "i > 5 && i < 7"},
        {MS_BIN_LAND, MS_BIN_GT, 5, MS_BIN_LT, 6, "0"},
        {MS_BIN_LOR, MS_BIN_LT, 2, MS_BIN_GE, 1, "1"},
        {MS_BIN_LOR, MS_BIN_LT, 2, MS_BIN_GE, 2, "1"},
        {MS_BIN_LOR, MS_BIN_LT, 2, MS_BIN_GE, 3, "i < 2 || i >= 3"},
        {MS_BIN_LOR, MS_BIN_NE, 3, MS_BIN_NE, 4, "1"},
        {MS_BIN_LOR, MS_BIN_NE, 3, MS_BIN_LT, 9, "1"},
        {MS_BIN_LOR, MS_BIN_NE, 3, MS_BIN_LT, 3, "i != 3 || i < 3"},
        {MS_BIN_LOR, MS_BIN_LE, 0, MS_BIN_LE, 9, "i <= 0 || i <= 9"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ms_expr *e =
            ms_binary(f, cases[c].chain, ms_binary(f, cases[c].op1, V(i), ms_int(f, cases[c].c1)),
                      ms_binary(f, cases[c].op2, V(i), ms_int(f, cases[c].c2)));
        char *s = show(ms_simplify(f, e));
        cr_expect_str_eq(s, cases[c].want, "case %zu", c);
        free(s);
    }
    /* one integer on either side, offset, and further along the chain:
     * "j > 0 && i + 1 < 3 && 4 <= i" is false */
    ms_expr *e =
        ms_binary(f, MS_BIN_LAND,
                  ms_binary(f, MS_BIN_LAND, ms_binary(f, MS_BIN_GT, V(j), ms_int(f, 0)),
                            ms_binary(f, MS_BIN_LT, add(V(i), ms_int(f, 1)), ms_int(f, 3))),
                  ms_binary(f, MS_BIN_LE, ms_int(f, 4), V(i)));
    char *s = show(ms_simplify(f, e));
    cr_expect_str_eq(s, "0");
    free(s);
    /* two integers: nothing is decided */
    e = ms_binary(f, MS_BIN_LAND, ms_binary(f, MS_BIN_LT, V(i), ms_int(f, 1)),
                  ms_binary(f, MS_BIN_GE, V(j), ms_int(f, 2)));
    s = show(ms_simplify(f, e));
    cr_expect_str_eq(s, "i < 1 && j >= 2");
    free(s);
}
