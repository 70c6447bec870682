/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest programs' generator: xorshift64*, small, fast and the same on every
 * machine, so a seed repeats a run.  One stream per process, seeded from the run's
 * seed and the process's index.
 */
#ifndef KSRANDOM_H
#define KSRANDOM_H

#include <stdint.h>

static uint64_t ksrandom_state;

static inline void ksrandom_seed(uint64_t seed, uint64_t stream)
{
	ksrandom_state = seed * 0x9E3779B97F4A7C15ULL + stream * 0xBF58476D1CE4E5B9ULL + 1;
}

static inline uint64_t ksrandom_next(void)
{
	ksrandom_state ^= ksrandom_state >> 12;
	ksrandom_state ^= ksrandom_state << 25;
	ksrandom_state ^= ksrandom_state >> 27;
	return ksrandom_state * 0x2545F4914F6CDD1DULL;
}

#endif
