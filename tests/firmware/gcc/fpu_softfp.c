/* M4F, -mfloat-abi=softfp: the FPU is used (FP context stacked on exceptions), the ABI is soft */
#include <stdint.h>
volatile float acc = 1.0f;
__attribute__((noinline)) float work(float x) { volatile float b[4]; b[0] = x * 1.5f; b[1] = b[0] + acc; return b[1]; }
void SysTick_Handler(void) { acc = work(acc); }
int main(void) {
    /* enable the FPU: CPACR CP10/CP11 full access */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    float s = 0; for (int i = 0; i < 10; i++) s += work((float)i);
    return (int)s;
}
