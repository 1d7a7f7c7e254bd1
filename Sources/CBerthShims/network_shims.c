#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "berth_network_shims.h"

_Static_assert(BERTH_EPOLLIN == EPOLLIN && BERTH_EPOLLOUT == EPOLLOUT && BERTH_EPOLLERR == EPOLLERR &&
                   BERTH_EPOLLHUP == EPOLLHUP && BERTH_EPOLLRDHUP == EPOLLRDHUP,
               "epoll event bits");
_Static_assert(BERTH_EPOLL_CTL_ADD == EPOLL_CTL_ADD && BERTH_EPOLL_CTL_DEL == EPOLL_CTL_DEL &&
                   BERTH_EPOLL_CTL_MOD == EPOLL_CTL_MOD,
               "epoll_ctl operations");

int berth_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int berth_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

int berth_epoll_wait(int epfd, uint32_t *events, uint64_t *tokens, int max, int timeout) {
    struct epoll_event ready[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, ready, max, timeout);
    for (int i = 0; i < n; i++) {
        events[i] = ready[i].events;
        tokens[i] = ready[i].data.u64;
    }
    return n;
}

int berth_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int berth_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }

int berth_unshare_net(void) { return unshare(CLONE_NEWNET); }

int berth_accept4(int fd, struct sockaddr *addr, socklen_t *length, int flags) {
    return accept4(fd, addr, length, flags);
}

ssize_t berth_splice(int from, int to, size_t length) {
    return splice(from, NULL, to, NULL, length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

int berth_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }
