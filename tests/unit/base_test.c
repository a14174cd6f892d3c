/*
 * base_test.c - arena, string builder, diagnostics, hashing, RNG.
 */
#include "base/base.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Test(base, arena_zeroed_and_aligned)
{
    ms_arena *a = ms_arena_new();
    for (int i = 1; i < 2000; i += 37) {
        unsigned char *p = ms_arena_alloc(a, (size_t)i);
        cr_assert_eq((uintptr_t)p % 16, 0);
        for (int k = 0; k < i; k++)
            cr_assert_eq(p[k], 0);
        memset(p, 0xab, (size_t)i);
    }
    char *big = ms_arena_alloc(a, 1 << 20); /* larger than a chunk */
    big[(1 << 20) - 1] = 1;
    cr_assert_str_eq(ms_arena_strndup(a, "kernel", 3), "ker");
    ms_arena_free(a);
    ms_arena_free(NULL);
}

Test(base, string_builder)
{
    ms_str s = {0};
    cr_assert_str_eq(ms_str_cstr(&s), "");
    ms_str_add(&s, "for");
    ms_str_addf(&s, " (%s = %d)", "i", 42);
    ms_str_indent(&s, 2);
    ms_str_addn(&s, "xyz", 2);
    cr_assert_str_eq(ms_str_cstr(&s), "for (i = 42)        xy");
    char *t = ms_str_take(&s);
    cr_assert_eq(s.len, 0);
    free(t);
    for (int i = 0; i < 10000; i++)
        ms_str_add(&s, "0123456789");
    cr_assert_eq(s.len, 100000);
    ms_str_free(&s);
}

Test(base, diagnostics_render)
{
    ms_diags d = {0};
    ms_diags_add(&d, MS_DIAG_WARNING, (ms_loc){"k.c", 3, 7}, "kernel '%s' left unchanged", "f");
    ms_diags_add(&d, MS_DIAG_ERROR, (ms_loc){"k.c", 0, 0}, "cannot read");
    ms_str s = {0};
    ms_diags_render(&d, &s);
    cr_assert_str_eq(ms_str_cstr(&s), "k.c:3:7: warning: kernel 'f' left unchanged\n"
                                      "k.c: error: cannot read\n");
    cr_assert_eq(d.nerrors, 1);
    ms_str_free(&s);
    ms_diags_free(&d);
}

Test(base, hash_is_stable)
{
    /* FNV-1a of "abc": the database key must not change across machines */
    cr_assert_eq(ms_hash_bytes(MS_HASH_SEED, "abc", 3), 0xe71fa2190541574bULL);
    cr_assert_neq(ms_hash_u64(MS_HASH_SEED, 1), ms_hash_u64(MS_HASH_SEED, 2));
}

Test(base, rng_is_deterministic)
{
    ms_rng a, b, c;
    ms_rng_seed(&a, 7);
    ms_rng_seed(&b, 7);
    ms_rng_seed(&c, 8);
    bool differ = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = ms_rng_next(&a);
        cr_assert_eq(x, ms_rng_next(&b));
        differ |= x != ms_rng_next(&c);
    }
    cr_assert(differ);
    for (int i = 0; i < 1000; i++) {
        int64_t r = ms_rng_range(&a, -3, 5);
        cr_assert(r >= -3 && r < 5);
    }
}

Test(base, int_of_double_refuses_what_a_cast_would_get_wrong)
{
    int64_t v = -1;
    cr_assert(ms_int_of_double(42.0, 0, 100, &v) && v == 42);
    cr_assert(ms_int_of_double(-0x1p63, INT64_MIN, INT64_MAX, &v) && v == INT64_MIN);
    /* found by the fuzzers: 2e48 threads, 2.2e28 as a split factor */
    cr_assert_not(ms_int_of_double(2e48, INT64_MIN, INT64_MAX, &v));
    cr_assert_not(ms_int_of_double(0x1p63, INT64_MIN, INT64_MAX, &v));
    cr_assert_not(ms_int_of_double(2.5, 0, 100, &v));
    cr_assert_not(ms_int_of_double(101, 0, 100, &v));
    cr_assert_not(ms_int_of_double(NAN, 0, 100, &v));
    cr_assert_eq(v, INT64_MIN, "a refusal leaves out alone");
}
