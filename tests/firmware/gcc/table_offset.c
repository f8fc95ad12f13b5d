/* Tables indexed from below and above their start (B[i - 1], B[i + 1]): without C types, a read
 * from a table proves nothing about which entries it reaches. */
typedef int (*fp)(int);
__attribute__((noinline)) int small1(int x) { return x + 1; }
__attribute__((noinline)) int small2(int x) { return x * 3; }
__attribute__((noinline)) int deep(int x) { volatile char b[3000]; b[x % 3000] = (char)x; return b[(x * 7) % 3000]; }
__attribute__((noinline)) int deep3(int x) { volatile char b[2000]; b[x % 2000] = (char)x; return b[(x * 7) % 2000]; }
static const fp A[2] = {small1, small2};
static const fp B[3] = {deep, deep3, deep};
volatile int sel = 2;
__attribute__((noinline)) int run(int i, int x) { return B[i - 1](x) + 1; }
__attribute__((noinline)) int run3(unsigned i, int x) { return B[i + 1](x) + 1; }
int main(void) { return run(sel, 3) + A[sel & 1](2) + run3(sel&1, 4); }
void SysTick_Handler(void) {}
