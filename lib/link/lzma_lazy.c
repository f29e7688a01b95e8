/* lzma_lazy.c: liblzma, loaded on first use (lazy.h), for the programs
 * linked with LINK=static (Makefile). libmagic refers to three liblzma
 * functions to look inside xz-compressed data, which it does only when
 * asked to (MAGIC_COMPRESS; rebound never asks). Linked in from its
 * archive, liblzma's constructor (choosing a CRC64 routine with CPUID, an
 * instruction a virtual machine traps: ~12 us each on the benchmark
 * machine) ran at every start. Tested by tests/unit/test_lazy_libs.c. */
#include <lzma.h>

#include "lazy.h"

LAZY_LIB(lzma_lib, "liblzma.so.5", NULL);

/* One definition per function libmagic uses, with lzma.h's prototype. */
LAZY_FN(lzma_lib, lzma_ret, lzma_auto_decoder, (lzma_stream *strm, uint64_t memlimit, uint32_t flags),
	(strm, memlimit, flags))
LAZY_FN(lzma_lib, lzma_ret, lzma_code, (lzma_stream *strm, lzma_action action), (strm, action))
LAZY_FN_VOID(lzma_lib, lzma_end, (lzma_stream *strm), (strm))
