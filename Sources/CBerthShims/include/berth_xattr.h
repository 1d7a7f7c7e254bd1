#ifndef BERTH_XATTR_H
#define BERTH_XATTR_H
// Extended attribute calls live in <sys/xattr.h>, which the Glibc module does not export.
#include <sys/xattr.h>
#endif
