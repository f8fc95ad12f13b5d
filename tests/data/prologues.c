/* Source of the captured LLVM assembly in tests/data/*.llvm.s (see test_prologue.py). */
int g(int *);
int small(int a) { int buf[4]; buf[a & 3] = 1; return g(buf) + 1; }
int large(int a, int b) { int buf[70]; buf[a] = b; return g(buf); }
int stack_args(int a, int b, int c, int d, int e, int f) { int buf[4]; buf[a & 3] = e + f; return g(buf); }
int leaf(int a) { return a * 3; }
int __attribute__((no_split_stack)) not_split(int a) { int buf[4]; buf[a & 3] = 1; return g(buf); }
