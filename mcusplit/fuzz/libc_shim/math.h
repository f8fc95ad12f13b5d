/* mcusplit fuzz: minimal <math.h> for Csmith programs (see README.md). */
#ifndef MCUSPLIT_FUZZ_SHIM_MATH_H
#define MCUSPLIT_FUZZ_SHIM_MATH_H
static inline double fabs(double x) { return __builtin_fabs(x); }
static inline float fabsf(float x) { return __builtin_fabsf(x); }
#endif
