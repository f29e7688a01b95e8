/* heap_huge.c: puts the start of the malloc heap on one transparent huge
 * page, for the programs pipe(8) runs once per bounce (rebound-pipe) and
 * `rebound parse` run per message. Linked into those two programs only with
 * LINK=static* (Makefile); not part of librebound.a.
 *
 * Why: a process that parses one bounce touches ~50 pages of heap, and on a
 * virtual machine each first touch of an anonymous 4 KiB page costs a page
 * fault of ~12 us (measured: docs/performance.md), more than the parse
 * itself. One 2 MiB huge page costs one fault and one clear of 2 MiB.
 *
 * How: glibc's malloc carves its main heap from the top of the brk area, in
 * address order. Before main() (constructor), heap_huge_init() fills the
 * heap's top chunk up to the next 2 MiB boundary with one block that is
 * never freed nor written (its pages stay untouched, costing address space
 * only), then has malloc extend the heap past boundary + 2 MiB with a
 * second block whose memory starts at the boundary, marks that range
 * MADV_HUGEPAGE before anything has touched it, and frees the block: the
 * next allocations come from the huge page. Trimming is raised to 4 MiB so
 * that a free() does not give the range back to the kernel in 4 KiB pieces;
 * the other settings are glibc's defaults again afterwards (the mmap
 * threshold is then fixed at 128 KiB rather than adapting).
 *
 * It changes nothing else: if the layout is not as expected (another
 * malloc, sanitizers), THP is off ("never"), or a call fails, the heap is
 * an ordinary heap and nothing is reported. Memory: the process's resident
 * size grows by up to 2 MiB (the whole huge page). */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_HUGE_SIZE ((uintptr_t)2 << 20)

/* heap_huge_start: where the huge page begins, or 0 if it was not set up
 * (for tests/unit/test_heap_huge.c). */
uintptr_t heap_huge_start;
/* the padding block: kept for the life of the process (a global, so that
 * the compiler cannot drop the allocation as unused) */
void *heap_huge_pad;

__attribute__((constructor(101))) static void heap_huge_init(void)
{
	const uintptr_t hdr = 2 * sizeof(size_t);	/* malloc's chunk header */
	struct mallinfo2 mi;
	uintptr_t brk_end, top, start;
	void *volatile first;
	void *grow;

	/* blocks up to 8 MiB from the heap while this runs, no trimming of
	 * the range afterwards */
	if (!mallopt(M_TRIM_THRESHOLD, 4 << 20) || !mallopt(M_MMAP_THRESHOLD, 8 << 20) ||
	    !mallopt(M_TOP_PAD, 0))
		goto out;
	/* the heap exists once something was allocated (glibc's own start-up
	 * does in a static program; a dynamic one may not have yet) */
	first = malloc(1);
	free(first);
	mi = mallinfo2();
	brk_end = (uintptr_t)sbrk(0);
	if (brk_end == (uintptr_t)-1 || mi.keepcost == 0 || mi.keepcost > brk_end)
		goto out;
	top = brk_end - mi.keepcost;	/* the top chunk, which malloc carves next */
	start = (top + 4 * hdr + HEAP_HUGE_SIZE - 1) & ~(HEAP_HUGE_SIZE - 1);
	/* the padding block's chunk runs from top to start - hdr: the next chunk's memory
	 * begins at start (never freed: it is address space only) */
	if (!(heap_huge_pad = malloc(start - top - 2 * hdr)))
		goto out;
	/* grow's memory is [start, start + 2 MiB + 64): the new top's header,
	 * which malloc writes, lies above the range to be marked */
	if (!(grow = malloc(HEAP_HUGE_SIZE + 64)))
		goto out;
	if ((uintptr_t)grow == start && madvise(grow, HEAP_HUGE_SIZE, MADV_HUGEPAGE) == 0)
		heap_huge_start = start;
	free(grow);
out:
	mallopt(M_MMAP_THRESHOLD, 128 << 10);	/* glibc's defaults */
	mallopt(M_TOP_PAD, 128 << 10);
}
