/*
 * Minimal epoll echo server: the ceiling of what the kernel allows on this machine.
 *
 * Level-triggered, one read and one write per readiness event, no allocation per
 * message. What the socket does not take at once is kept per connection and flushed on
 * EPOLLOUT; reading that connection stops meanwhile, so memory stays bounded.
 * N threads (--threads N) each own an epoll set; the listening socket is in every set
 * with EPOLLEXCLUSIVE, so one thread wakes per new connection.
 *
 * Usage: echo [--port P] [--threads N] [--backlog B]
 * Prints "LISTENING <port>" on stdout once bound (127.0.0.1 only), then serves until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_SIZE 65536
#define MAX_EVENTS 256

struct pending {
	size_t off;
	size_t len;
	char data[];
};

static int listen_fd;
static struct pending **pendings; /* indexed by fd; non-NULL while a write is incomplete */
static int max_fds;

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void close_conn(int fd) {
	free(pendings[fd]);
	pendings[fd] = NULL;
	close(fd);
}

/* Write what is pending; returns 1 when drained, 0 when the socket is full, -1 on error. */
static int flush_pending(int fd) {
	struct pending *p = pendings[fd];
	while (p->off < p->len) {
		ssize_t n = send(fd, p->data + p->off, p->len - p->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR) continue;
			return (errno == EAGAIN) ? 0 : -1;
		}
		p->off += (size_t)n;
	}
	free(p);
	pendings[fd] = NULL;
	return 1;
}

static void on_readable(int ep, int fd, char *buf) {
	ssize_t n = read(fd, buf, READ_SIZE);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close_conn(fd);
		return;
	}
	if (n < 0) return;
	ssize_t w = send(fd, buf, (size_t)n, MSG_NOSIGNAL);
	if (w < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			close_conn(fd);
			return;
		}
		w = 0;
	}
	if (w < n) {
		struct pending *p = malloc(sizeof(struct pending) + (size_t)(n - w));
		if (p == NULL) die("malloc");
		p->off = 0;
		p->len = (size_t)(n - w);
		memcpy(p->data, buf + w, p->len);
		pendings[fd] = p;
		struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
		if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0) close_conn(fd);
	}
}

static void on_writable(int ep, int fd) {
	int r = flush_pending(fd);
	if (r < 0) {
		close_conn(fd);
	}
	else if (r > 0) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };
		if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0) close_conn(fd);
	}
}

static void on_acceptable(int ep) {
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) continue;
			return; /* EAGAIN, or EMFILE and friends: try again on the next wakeup */
		}
		if (fd >= max_fds) {
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) close(fd);
	}
}

static void *loop(void *arg) {
	(void) arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) die("epoll_create1");
	struct epoll_event lev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = listen_fd };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &lev) < 0) die("epoll_ctl(listen)");
	char *buf = malloc(READ_SIZE);
	struct epoll_event events[MAX_EVENTS];
	for (;;) {
		int n = epoll_wait(ep, events, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR) continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			uint32_t e = events[i].events;
			if (fd == listen_fd) {
				on_acceptable(ep);
			}
			else if (e & EPOLLOUT) {
				on_writable(ep, fd);
			}
			else if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
				on_readable(ep, fd, buf);
			}
		}
	}
	return NULL;
}

int main(int argc, char **argv) {
	int port = 0;
	int threads = 1;
	int backlog = 4096;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--backlog") == 0) backlog = atoi(argv[i + 1]);
		else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (threads < 1) threads = 1;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		max_fds = (int) rl.rlim_cur;
	}
	else {
		max_fds = 1024;
	}
	pendings = calloc((size_t) max_fds, sizeof(*pendings));
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd < 0) die("socket");
	int one = 1;
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(listen_fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) die("bind");
	if (listen(listen_fd, backlog) < 0) die("listen");
	socklen_t len = sizeof(addr);
	getsockname(listen_fd, (struct sockaddr *) &addr, &len);
	printf("LISTENING %d\n", ntohs(addr.sin_port));
	fflush(stdout);
	for (int i = 1; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, loop, NULL) != 0) die("pthread_create");
	}
	loop(NULL);
	return 0;
}
