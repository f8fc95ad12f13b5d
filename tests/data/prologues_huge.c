/* Source of tests/data/prologues_huge.*.llvm.s (see test_prologue.py): a frame of 64 KiB and more,
 * which LLVM loads with movw + movt (Thumb-2) or from the literal pool (Thumb-1). */
int g(int *);
int huge(int a, int b) { int buf[30000]; buf[a] = b; return g(buf); }
