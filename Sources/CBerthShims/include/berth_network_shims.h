#ifndef BERTH_NETWORK_SHIMS_H
#define BERTH_NETWORK_SHIMS_H
// epoll and eventfd are not part of Swift's Glibc module, and `struct epoll_event` is packed
// on x86_64, which Swift cannot lay out: these wrappers pass its fields separately.
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// setns/unshare/accept4 need _GNU_SOURCE, which Swift's Glibc import does not define.
int setns(int fd, int nstype);
int unshare(int flags);
int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#include <sys/types.h>
ssize_t splice(int fd_in, long long *off_in, int fd_out, long long *off_out, size_t len, unsigned int flags);
int pipe2(int pipefd[2], int flags);
/// splice(2) between a socket and a pipe, never blocking (SPLICE_F_MOVE | SPLICE_F_NONBLOCK).
static inline ssize_t berth_splice(int from, int to, size_t length) {
    return splice(from, 0, to, 0, length, 0x01 | 0x02);
}
/// A close-on-exec, non-blocking pipe, optionally resized with F_SETPIPE_SZ (1031).
static inline int berth_pipe(int fds[2]) { return pipe2(fds, 02000000 /* O_CLOEXEC */ | 04000 /* O_NONBLOCK */); }

static inline int berth_setns_net(int fd) { return setns(fd, 0x40000000 /* CLONE_NEWNET */); }
static inline int berth_unshare_net(void) { return unshare(0x40000000 /* CLONE_NEWNET */); }
static inline int berth_accept4(int fd, struct sockaddr *addr, socklen_t *length, int flags) {
    return accept4(fd, addr, length, flags);
}

static inline int berth_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static inline int berth_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

/// Fills `events[i]`/`tokens[i]` for each ready descriptor; returns the count or -1.
static inline int berth_epoll_wait(int epfd, uint32_t *events, uint64_t *tokens, int max, int timeout) {
    struct epoll_event ready[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, ready, max, timeout);
    for (int i = 0; i < n; i++) {
        events[i] = ready[i].events;
        tokens[i] = ready[i].data.u64;
    }
    return n;
}

static inline int berth_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

enum {
    BERTH_EPOLLIN = EPOLLIN,
    BERTH_EPOLLOUT = EPOLLOUT,
    BERTH_EPOLLERR = EPOLLERR,
    BERTH_EPOLLHUP = EPOLLHUP,
    BERTH_EPOLLRDHUP = EPOLLRDHUP,
    BERTH_EPOLL_CTL_ADD = EPOLL_CTL_ADD,
    BERTH_EPOLL_CTL_MOD = EPOLL_CTL_MOD,
    BERTH_EPOLL_CTL_DEL = EPOLL_CTL_DEL,
};
#endif
