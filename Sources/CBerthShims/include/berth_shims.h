#ifndef BERTH_SHIMS_H
#define BERTH_SHIMS_H
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
/// errno is a macro over a thread-local in glibc; Swift reaches it through this.
static inline int berth_errno(void) { return errno; }
static inline void berth_set_errno(int value) { errno = value; }
/// Raw clone without a new stack: fork semantics plus namespace flags; only for single-threaded callers.
static inline long berth_clone(unsigned long flags) { return syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0); }
static inline int berth_pivot_root(const char *new_root, const char *put_old) { return (int)syscall(SYS_pivot_root, new_root, put_old); }
/// openat2 with RESOLVE_IN_ROOT: ".." and absolute symlinks stay inside dirfd; glibc has no wrapper.
static inline int berth_openat2_in_root(int dirfd, const char *path, int flags, unsigned mode) { struct open_how how = { .flags = (unsigned long long)flags, .mode = mode, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS }; return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how); }
static inline int berth_close_range(unsigned first, unsigned last, unsigned flags) { return (int)syscall(SYS_close_range, first, last, flags); }
/// Installs a classic BPF program as a seccomp filter (TSYNC not needed: callers are single-threaded).
static inline int berth_seccomp_install(const void *program, unsigned short count) { struct sock_fprog prog = { .len = count, .filter = (struct sock_filter *)program }; return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog); }
/// prctl is variadic, which Swift cannot call.
static inline int berth_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) { return prctl(option, a2, a3, a4, a5); }
static inline int berth_wifexited(int status) { return WIFEXITED(status); }
static inline int berth_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int berth_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int berth_wtermsig(int status) { return WTERMSIG(status); }
static inline unsigned long berth_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }
/// ioctl is variadic; these bring an interface (lo) up and set a pty's window size.
static inline int berth_interface_up(int sock, const char *name) { struct ifreq r = {0}; snprintf(r.ifr_name, IFNAMSIZ, "%s", name); if (ioctl(sock, SIOCGIFFLAGS, &r) < 0) return -1; r.ifr_flags |= IFF_UP; return ioctl(sock, SIOCSIFFLAGS, &r); }
static inline int berth_set_controlling_tty(int fd) { return ioctl(fd, TIOCSCTTY, 0); }
/// Window size of a terminal (TIOCGWINSZ/TIOCSWINSZ): rows and columns only.
static inline int berth_get_winsize(int fd, unsigned short *rows, unsigned short *cols) { struct winsize w = {0}; if (ioctl(fd, TIOCGWINSZ, &w) < 0) return -1; *rows = w.ws_row; *cols = w.ws_col; return 0; }
static inline int berth_set_winsize(int fd, unsigned short rows, unsigned short cols) { struct winsize w = {0}; w.ws_row = rows; w.ws_col = cols; return ioctl(fd, TIOCSWINSZ, &w); }
static inline int berth_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
static inline int berth_unshare(int flags) { return (int)syscall(SYS_unshare, flags); }
static inline int berth_setns(int fd, int type) { return (int)syscall(SYS_setns, fd, type); }
static inline int berth_accept_cloexec(int fd) { return (int)syscall(SYS_accept4, fd, 0, 0, SOCK_CLOEXEC); }
static inline int berth_memfd_create(const char *name, unsigned flags) { return (int)syscall(SYS_memfd_create, name, flags); }
/// Raw id syscalls: they change only the calling thread, which is all there is in the callers.
static inline int berth_setresuid(unsigned id) { return (int)syscall(SYS_setresuid, id, id, id); }
static inline int berth_setresgid(unsigned id) { return (int)syscall(SYS_setresgid, id, id, id); }
static inline int berth_pipe2(int fds[2], int flags) { return (int)syscall(SYS_pipe2, fds, flags); }
/// A close-on-exec, non-blocking signalfd for the given blocked signals.
static inline int berth_signalfd(const sigset_t *mask) { return signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK); }
/// A pseudo-terminal master (close-on-exec, non-blocking) with its slave unlocked; the slave's
/// path is written to `name`.
int berth_open_pty(char *name, size_t size);
#endif
