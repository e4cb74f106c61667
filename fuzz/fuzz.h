/* fuzz.h: what the libFuzzer harnesses share: a NUL-terminated copy of the input. */
#ifndef HOIST_FUZZ_H
#define HOIST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string (parsers of text take lengths, but some read to NUL). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A broken invariant: say which, then crash so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond, ...)                                                      \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "invariant broken: %s: ", #cond);           \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			abort();                                                    \
		}                                                                   \
	} while (0)

#endif
