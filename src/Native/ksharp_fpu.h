/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FPU section rule: compiled C# uses SSE registers even for integer code, so it runs
 * only between kernel_fpu_begin() and kernel_fpu_end(), where preemption is off. A shim
 * that calls a kernel function which may sleep leaves the section first and re-enters it
 * after; SysV makes every XMM register caller-saved, so C# holds nothing in them across
 * the call.
 */
#ifndef KSHARP_FPU_H
#define KSHARP_FPU_H

#include <asm/fpu/api.h>

/*
 * On PREEMPT_RT the slab allocator's locks sleep, and shims call kfree and atomic
 * allocations inside the FPU section; nothing has been measured there yet.
 */
#ifdef CONFIG_PREEMPT_RT
#error "KernelSharp does not support PREEMPT_RT kernels yet"
#endif

/* Run a statement outside the FPU section (it may sleep). */
#define KSHARP_MAY_SLEEP(stmt)	\
	do {			\
		kernel_fpu_end();	\
		stmt;		\
		kernel_fpu_begin();	\
	} while (0)

#endif
