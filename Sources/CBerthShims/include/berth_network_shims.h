#ifndef BERTH_NETWORK_SHIMS_H
#define BERTH_NETWORK_SHIMS_H
// Calls Swift's Glibc module does not expose (they need _GNU_SOURCE, or use the packed
// `struct epoll_event`, which Swift cannot lay out). Implemented in network_shims.c, which
// defines _GNU_SOURCE itself, so no libc prototype is redeclared here.
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

int berth_epoll_create(void);
int berth_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// Fills `events[i]`/`tokens[i]` for each ready descriptor (at most 256); returns the count or -1.
int berth_epoll_wait(int epfd, uint32_t *events, uint64_t *tokens, int max, int timeout);
int berth_eventfd(void);

int berth_setns_net(int fd);
int berth_unshare_net(void);
int berth_accept4(int fd, struct sockaddr *addr, socklen_t *length, int flags);

/// splice(2) between a socket and a pipe, never blocking (SPLICE_F_MOVE | SPLICE_F_NONBLOCK).
ssize_t berth_splice(int from, int to, size_t length);
/// A close-on-exec, non-blocking pipe.
int berth_pipe(int fds[2]);

enum {
    BERTH_EPOLLIN = 0x001,
    BERTH_EPOLLOUT = 0x004,
    BERTH_EPOLLERR = 0x008,
    BERTH_EPOLLHUP = 0x010,
    BERTH_EPOLLRDHUP = 0x2000,
    BERTH_EPOLL_CTL_ADD = 1,
    BERTH_EPOLL_CTL_DEL = 2,
    BERTH_EPOLL_CTL_MOD = 3,
};
#endif
