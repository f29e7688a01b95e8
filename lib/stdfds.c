/* stdfds.c: fill closed standard descriptors with /dev/null at start;
 * see stdfds.h. */
#include "stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int stdfds_ensure(void)
{
	int closed = 0;

	for (int fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free number: fd itself, as the lower ones are open */
		if ((nfd = open("/dev/null", O_RDONLY)) < 0)
			return -1;
		if (nfd != fd) { /* cannot happen: 0..fd-1 are open */
			close(nfd);
			errno = EBADF;
			return -1;
		}
		closed |= 1 << fd;
	}
	return closed;
}
