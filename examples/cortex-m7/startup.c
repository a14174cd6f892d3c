/*
 * startup.c - the Cortex-M7's vector table and reset handler for a program
 * run under qemu-system-arm -M mps2-an500 (link with mps2-an500.ld and
 * --specs=rdimon.specs): the FPU is switched on (CP10 and CP11, full
 * access; a hard-float program faults on its first float instruction
 * otherwise), then newlib's _start sets up the C library over semihosting,
 * calls main and exits with its status.
 */
#include <stdint.h>

void mscc_m7_reset(void);
extern void _start(void);
extern char __stack[];

void mscc_m7_reset(void)
{
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    _start();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[2])(void) = {
    (void (*)(void))__stack, mscc_m7_reset};
