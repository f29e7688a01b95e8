/* gmime_floor.c: a program that starts GLib, GObject and GMime
 * (g_mime_init) and exits, built with the flags of the programs (Makefile:
 * $(BUILD)/bench/gmime-floor). `make bench` times it beside `rebound parse`
 * per message: the least any parser built on GMime pays per process on
 * the machine measured, before it reads a byte. */
#include <gmime/gmime.h>

int main(void)
{
	g_mime_init();
	return 0;
}
