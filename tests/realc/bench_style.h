/* Macros in the style of common numerical benchmark suites: array
 * parameters, element type, literals and math calls spelled by macros. */
#ifndef BENCH_STYLE_H
#define BENCH_STYLE_H
#include <math.h>
#define DATA_TYPE double
#define SCALAR_VAL(x) x
#define SQRT_FUN(x) sqrt(x)
#define ARRAY_1D(var, dim1, ddim1) var[dim1]
#define ARRAY_2D(var, dim1, dim2, ddim1, ddim2) var[dim1][dim2]
#define ARRAY_3D(var, dim1, dim2, dim3, ddim1, ddim2, ddim3) var[dim1][dim2][dim3]
#endif
