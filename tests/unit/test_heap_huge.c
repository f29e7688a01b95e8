/* test_heap_huge.c: unit tests of lib/link/heap_huge.c, the start-up
 * constructor that puts the start of the malloc heap on a transparent huge
 * page: when the kernel offers THP (enabled "always" or "madvise"), a 2 MiB
 * aligned heap range is marked for huge pages before main(), the first
 * allocations land in it, and malloc keeps working as before (sizes, frees,
 * reallocs, large blocks from mmap). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern uintptr_t heap_huge_start;

#define HUGE_SIZE ((uintptr_t)2 << 20)

/* thp_offered: 1 if THP is "always" or "madvise", 0 if "never" or unknown */
static int thp_offered(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

/* heap_vma_flags: the VmFlags line of the mapping that contains addr */
static int heap_vma_flags(uintptr_t addr, char *flags, size_t size)
{
	char line[512];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)	/* a mapping's first line */
			in = addr >= lo && addr < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, size, "%s", line + 8);
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static void test_range_marked(void **state)
{
	char flags[512];
	void *p;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's malloc is not glibc's: the constructor leaves it alone */
	assert_true(heap_huge_start == 0);
	return;
#endif
	if (!thp_offered()) {	/* madvise refuses: an ordinary heap */
		assert_true(heap_huge_start == 0);
		return;
	}
	assert_true(heap_huge_start != 0);
	assert_int_equal(heap_huge_start % HUGE_SIZE, 0);
	assert_true(heap_vma_flags(heap_huge_start, flags, sizeof(flags)));
	assert_non_null(strstr(flags, " hg"));
	/* a new small block comes from the marked range */
	assert_non_null(p = malloc(100));
	assert_true((uintptr_t)p >= heap_huge_start && (uintptr_t)p < heap_huge_start + HUGE_SIZE);
	free(p);
}

/* malloc after the constructor: many sizes, frees, reallocs, and a block
 * too large for the heap (mmap), all with their contents intact */
static void test_malloc_works(void **state)
{
	enum { N = 2000 };
	static unsigned char *blocks[N];
	size_t i, j;
	unsigned char *big;

	(void)state;
	for (i = 0; i < N; i++) {
		size_t n = 1 + (i * 7919) % 3000;

		assert_non_null(blocks[i] = malloc(n));
		memset(blocks[i], (int)(i & 0xff), n);
	}
	for (i = 0; i < N; i += 2) {
		free(blocks[i]);
		blocks[i] = NULL;
	}
	for (i = 1; i < N; i += 2) {
		size_t n = 1 + (i * 7919) % 3000;

		for (j = 0; j < n; j++)
			assert_int_equal(blocks[i][j], (unsigned char)(i & 0xff));
		assert_non_null(blocks[i] = realloc(blocks[i], n * 3));
		for (j = 0; j < n; j++)
			assert_int_equal(blocks[i][j], (unsigned char)(i & 0xff));
	}
	assert_non_null(big = malloc(16 << 20));
	memset(big, 1, 16 << 20);
	assert_int_equal(big[(16 << 20) - 1], 1);
	free(big);
	for (i = 0; i < N; i++)
		free(blocks[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_marked),
		cmocka_unit_test(test_malloc_works),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
