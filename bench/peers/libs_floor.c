/* libs_floor.c: a program that calls nothing, linked against the libraries
 * rebound and rebound-pipe load (Makefile: $(BUILD)/bench/libs-floor, with
 * --no-as-needed so that none is dropped). `make bench` times it beside
 * `rebound parse` per message: what the dynamic loader, the libraries'
 * constructors and destructors cost per process, before any of rebound's
 * code or g_mime_init runs. */
int main(void)
{
	return 0;
}
