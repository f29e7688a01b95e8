/* lazy.h: shared libraries loaded on the first call of one of their
 * functions, for the programs linked with LINK=static* (Makefile). A
 * library that GMime or GIO refers to but rebound never (or rarely) calls
 * gets a file here with one forwarder per function it needs; the forwarder
 * has the library header's prototype (the compiler checks that they agree),
 * loads the library once (dlopen) and calls the real function of the same
 * name. If the library or the function cannot be found, the process stops
 * with a message, as the dynamic loader would have at start. Not part of
 * librebound.a: linked as $(BUILD)/liblazy.a. */
#ifndef REBOUND_LAZY_H
#define REBOUND_LAZY_H

#include <pthread.h>
#include <stdatomic.h>

struct lazy_lib {
	const char *soname;		/* e.g. "libmount.so.1" */
	void (*loaded)(void *handle);	/* called once, right after loading; may be NULL */
	pthread_mutex_t lock;
	void *_Atomic handle;		/* set once loaded */
};

#define LAZY_LIB(var, soname, loaded) \
	static struct lazy_lib var = { soname, loaded, PTHREAD_MUTEX_INITIALIZER, NULL }

/* lazy_sym: the real function called name in lib, loading lib first if
 * needed (never NULL: the process stops if either is missing). */
void *lazy_sym(struct lazy_lib *lib, const char *name);

/* lazy_sym_in: the function called name in an already loaded library
 * (handle from dlopen; soname for the message): for a `loaded` callback,
 * which runs before lazy_sym can be used. Never NULL. */
void *lazy_sym_in(void *handle, const char *soname, const char *name);

/* lazy_is_loaded: 1 once lib has been loaded by lazy_sym. */
int lazy_is_loaded(struct lazy_lib *lib);

/* One forwarder: LAZY_FN(lib, return type, name, (params), (args)). */
#define LAZY_FN(lib, ret, name, params, args) \
	ret name params \
	{ \
		ret(*f) params = (ret(*) params)lazy_sym(&lib, #name); \
		return f args; \
	}
#define LAZY_FN_VOID(lib, name, params, args) \
	void name params \
	{ \
		void(*f) params = (void(*) params)lazy_sym(&lib, #name); \
		f args; \
	}

#endif
