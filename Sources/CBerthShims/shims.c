#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include "berth_shims.h"

// posix_openpt and friends need _GNU_SOURCE, which the header (imported by Swift) cannot set.
int berth_open_pty(char *name, size_t size) { int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK); if (fd < 0) return -1; if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, size) != 0) { int e = errno; close(fd); errno = e; return -1; } return fd; }
