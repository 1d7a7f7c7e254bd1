#ifndef BERTH_SHIMS_H
#define BERTH_SHIMS_H
#include <errno.h>
/// errno is a macro over a thread-local in glibc; Swift reaches it through this.
static inline int berth_errno(void) { return errno; }
static inline void berth_set_errno(int value) { errno = value; }
#endif
