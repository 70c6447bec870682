/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generated assembly of compiled C# (<module>_csharp.S) needs from the target
 * kernel, in one place: function entry and end as the kernel's SYM_FUNC_START/SYM_FUNC_END
 * write them (alignment, call padding and ENDBR as the kernel is configured), RET (the
 * return thunk) and CALL_NOSPEC (retpolines). The kernel's own SYM_FUNC_END pastes the name
 * into a label, which C# symbol names (quoted: they hold '<', ',', ...) cannot be; these
 * macros write the same directives without pasting.
 */
#ifndef KSHARP_ASM_H
#define KSHARP_ASM_H

#include <linux/linkage.h>
#include <asm/nospec-branch.h>

/* 6.1 aligns functions with SYM_A_ALIGN; later kernels add call padding in SYM_F_ALIGN. */
#ifdef SYM_F_ALIGN
#define KSHARP_FUNC_ALIGN	SYM_F_ALIGN
#else
#define KSHARP_FUNC_ALIGN	SYM_A_ALIGN
#endif

#define KSHARP_FUNC_START(name)		\
	.globl name ASM_NL		\
	KSHARP_FUNC_START_LOCAL(name)

#define KSHARP_FUNC_START_LOCAL(name)	\
	KSHARP_FUNC_ALIGN ASM_NL		\
	name: ASM_NL			\
	ENDBR

#define KSHARP_FUNC_END(name)		\
	.type name, @function ASM_NL	\
	.size name, .-name

#endif
