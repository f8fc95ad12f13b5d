/* An assembly routine in the driver layer (through the preprocessor: .S). Assembly gets no
 * split-stack check; the link's allowance covers calls into it like any code without one. */
    .syntax unified
    .thumb
    .text
    .global hal_mix
    .type hal_mix, %function
    .thumb_func
hal_mix:                        /* uint32_t hal_mix(uint32_t a, uint32_t b): a ^ b, rotated by HAL_MIX_ROTATE */
    eors r0, r0, r1
    movs r1, #HAL_MIX_ROTATE
    rors r0, r0, r1
    bx lr
    .size hal_mix, . - hal_mix
