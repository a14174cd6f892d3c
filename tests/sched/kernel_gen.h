/*
 * kernel_gen.h - random kernels inside the input language, Csmith-style:
 * loop nests of random depth with affine, triangular, min/max and strided
 * bounds, affine subscripts into arrays of rank 1-3 (float, double,
 * int32_t, int8_t; C99 array parameters or linearised pointers), stores
 * with = += -= *= /= ++, scalar accumulators (sums, products, max/min),
 * ifs with affine and % tests, index helpers guarded as padding checks,
 * local arrays, math calls, in C89 or C99 counter style, up or down.
 *
 * Free of undefined behaviour by construction: every loop counter stays in
 * [0, P) of a size parameter P and every array dimension is a*P + c, so
 * the subscripts a generated store or load may use are in bounds; integer
 * values carry a bound and no expression or accumulation may pass 2^30;
 * integer division and % are by positive constants; math functions get
 * arguments inside their domains (sqrt of fabs, log of 1 + fabs, exp of
 * at most 8). Sizes are hinted at most 24, so the checks' sizes stay
 * under 64, the bound the integer budget assumes.
 *
 * A kernel is a tree of nodes (loops, ifs, statements) so that a failure
 * can shrink: kg_drop removes one node and what it holds. A node whose
 * removal would bring undefined behaviour (the nest filling a local array,
 * the padding check guarding a helper) is never dropped.
 */
#ifndef MS_TESTS_SCHED_KERNEL_GEN_H
#define MS_TESTS_SCHED_KERNEL_GEN_H

#include <stdbool.h>
#include <stdint.h>

typedef struct kg_kernel kg_kernel;

/* The kernel of a seed; the same seed gives the same text everywhere. */
kg_kernel *kg_generate(uint64_t seed);
kg_kernel *kg_copy(const kg_kernel *k);
void kg_free(kg_kernel *k);
/* A whole C file: includes, the pragma and the kernel (caller frees). */
char *kg_render(const kg_kernel *k);
const char *kg_name(const kg_kernel *k);
/* Is the kernel defined with every size 0? Not with a local array [N]
 * (a VLA of size 0 is undefined behaviour). */
bool kg_zero_ok(const kg_kernel *k);
/* Nodes in rendering order, and the removal of one (false: kept). */
int kg_nodes(const kg_kernel *k);
bool kg_drop(kg_kernel *k, int index);

#endif
