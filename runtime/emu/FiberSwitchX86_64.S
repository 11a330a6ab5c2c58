// FiberSwitchX86_64.S - Switch between emulated GPU threads on x86-64.
//
// void recur_emu_switch_fiber(void **save, void *next)
//
// Saves what the System V ABI says a callee must preserve (rbx, rbp,
// r12-r15, the MXCSR control bits and the x87 control word) on the running
// stack, stores the stack pointer in *save, then restores the same from
// the stack at `next` and returns into that context. FiberContext.cpp
// builds a new fiber's first frame in this layout.

        .text
        .globl  recur_emu_switch_fiber
        .hidden recur_emu_switch_fiber
        .type   recur_emu_switch_fiber, @function
        .p2align 4
recur_emu_switch_fiber:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   recur_emu_switch_fiber, .-recur_emu_switch_fiber

        .section .note.GNU-stack,"",@progbits
