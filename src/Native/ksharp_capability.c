// SPDX-License-Identifier: GPL-2.0
/* Capabilities (<linux/capability.h>). The CAP_* numbers are user-space ABI; C# passes them
 * as they are. capable() asks the security modules, which may audit (and allocate): it runs
 * outside the FPU section. Returns 1 or 0. */
#include <linux/capability.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

s32 ksharp_capable(s32 capability)
{
	bool allowed;

	if (!cap_valid(capability))
		return 0;
	KSHARP_MAY_SLEEP(allowed = capable(capability));
	return allowed;
}
