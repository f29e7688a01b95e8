/* lazy.c: loading a shared library on the first call of one of its
 * functions (lazy.h says why and for what). */
#include "lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *lazy_open(struct lazy_lib *lib)
{
	void *h = atomic_load(&lib->handle);

	if (h)
		return h;
	pthread_mutex_lock(&lib->lock);
	if (!(h = atomic_load(&lib->handle))) {
		if (!(h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL))) {
			fprintf(stderr, "cannot load %s: %s\n", lib->soname, dlerror());
			abort();
		}
		if (lib->loaded)
			lib->loaded(h);
		atomic_store(&lib->handle, h);
	}
	pthread_mutex_unlock(&lib->lock);
	return h;
}

void *lazy_sym_in(void *handle, const char *soname, const char *name)
{
	void *f;

	if (!(f = dlsym(handle, name))) {
		fprintf(stderr, "%s has no %s: %s\n", soname, name, dlerror());
		abort();
	}
	return f;
}

void *lazy_sym(struct lazy_lib *lib, const char *name)
{
	return lazy_sym_in(lazy_open(lib), lib->soname, name);
}

int lazy_is_loaded(struct lazy_lib *lib)
{
	return atomic_load(&lib->handle) != NULL;
}
