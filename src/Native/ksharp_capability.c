// SPDX-License-Identifier: GPL-2.0
/* Capabilities (<linux/capability.h>). The CAP_* numbers are user-space ABI; C# passes them
 * as they are. capable() asks the security modules, which may audit (and allocate).
 * Returns 1 or 0. */
#include <linux/capability.h>
#include "ksharp.h"

s32 ksharp_capable(s32 capability)
{
	if (!cap_valid(capability))
		return 0;
	return capable(capability);
}
