/* A minimal Cortex-M startup in the style of CMSIS: vector table, reset handler, default handler. */
#include <stdint.h>

extern uint32_t __StackTop;
extern int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

__attribute__((section(".isr_vector"), used)) const void *const vectors[16] = {
    &__StackTop, Reset_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler, SysTick_Handler,
};

void Reset_Handler(void)
{
    main();
    for (;;) {
    }
}

void Default_Handler(void)
{
    for (;;) {
    }
}
