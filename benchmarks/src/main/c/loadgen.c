/*
 * Load generator for echo servers: single-threaded, epoll, every echoed byte verified.
 *
 * Each connection sends a deterministic byte stream: byte k of connection c is
 * pattern[(seed(c) + k) % PERIOD] with PERIOD prime (65521), so a lost, duplicated,
 * reordered or cross-connection byte fails the memcmp against the expected window.
 *
 * Scenarios (--scenario):
 *   pingpong  --conns N --size S: each connection sends S bytes, waits for all S back, repeats.
 *             ops = round trips; latency = send start to last echoed byte.
 *   stream    --conns N --size S: each connection writes S-byte chunks as fast as the echo
 *             comes back, with at most --window bytes in flight per connection.
 *             mb_per_s = echoed bytes per second (one direction), 10^6 bytes.
 *   churn     --concurrency C --size S: connect, send S bytes, read them back, close; C at a
 *             time. ops = connections; latency = connect start to last echoed byte.
 *   idle      --conns N: open N connections, echo S bytes once on each, print "READY <n>",
 *             hold them until a line (or end of file) on stdin or --hold seconds, close them.
 *
 * Every run is bounded: --warmup then --duration seconds, at most --max-ops operations,
 * and it gives up when no progress is made for 10 s. Output: one line,
 *   RESULT key=value ...
 * with ops, ops_per_s, mb_per_s, p50_us, p99_us, errors, bytes_verified, client_cpu_s and,
 * with --server-pid, server_cpu_s (utime+stime from /proc/<pid>/stat over the measured window).
 * Connections bind to 127.0.0.x (x = 1..--sources) with IP_BIND_ADDRESS_NO_PORT, so
 * churn and idle runs do not run short of ephemeral ports.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define PERIOD 65521u
#define READ_SIZE 65536u
#define MAX_EVENTS 512
#define STALL_NS (10ull * 1000000000ull)

/* Log-linear histogram of nanoseconds: exact below 128, 128 sub-buckets per power of two above (< 1 % error). */
#define HIST_SIZE (128 + 57 * 128)

enum scenario { PINGPONG, STREAM, CHURN, IDLE };

enum state { CONNECTING, SENDING, RECEIVING, DONE };

struct conn {
	int fd;
	enum state state;
	uint32_t seed;
	uint32_t events;
	uint64_t sent;
	uint64_t received;
	uint64_t target;      /* pingpong/churn: end of the message being echoed */
	uint64_t started_ns;  /* start of the operation being timed */
};

static unsigned char pattern[PERIOD + READ_SIZE];
static unsigned char rbuf[READ_SIZE];
static uint64_t hist[HIST_SIZE];

static struct {
	enum scenario scenario;
	const char *scenario_name;
	int port;
	int conns;
	int size;
	int concurrency;
	int sources;
	int window;
	double warmup;
	double duration;
	double hold;
	uint64_t max_ops;
	int server_pid;
} opt = { PINGPONG, "pingpong", 0, 1, 64, 16, 16, 262144, 1.0, 3.0, 300.0, UINT64_MAX, 0 };

static int ep;
static struct conn *conns;
static uint64_t ops, bytes_echoed, bytes_verified, errors, conn_counter, progress_ns;
static enum { WARMUP, MEASURING, DRAINING } phase;

static uint64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static int hist_index(uint64_t v) {
	if (v < 128) return (int) v;
	int e = 63 - __builtin_clzll(v);
	return 128 + (e - 7) * 128 + (int) ((v >> (e - 7)) - 128);
}

static double hist_value(int i) {
	if (i < 128) return i;
	int e = (i - 128) / 128 + 7;
	double m = (double) ((i - 128) % 128 + 128) + 0.5;
	return m * (double) (1ull << (e - 7));
}

static double percentile_us(double p) {
	uint64_t total = 0;
	for (int i = 0; i < HIST_SIZE; i++) total += hist[i];
	if (total == 0) return 0;
	uint64_t rank = (uint64_t) (p * (double) total);
	if (rank < 1) rank = 1;
	uint64_t seen = 0;
	for (int i = 0; i < HIST_SIZE; i++) {
		seen += hist[i];
		if (seen >= rank) return hist_value(i) / 1000.0;
	}
	return 0;
}

static double cpu_seconds_of(int pid) {
	char path[64];
	char line[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL) return -1;
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = 0;
	char *p = strrchr(line, ')');
	if (p == NULL) return -1;
	/* after ")": state is field 3; utime and stime are fields 14 and 15 */
	unsigned long long utime = 0, stime = 0;
	int field = 2;
	for (char *tok = strtok(p + 1, " "); tok != NULL; tok = strtok(NULL, " ")) {
		field++;
		if (field == 14) utime = strtoull(tok, NULL, 10);
		if (field == 15) {
			stime = strtoull(tok, NULL, 10);
			break;
		}
	}
	return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

static double own_cpu_seconds(void) {
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec
			+ ru.ru_stime.tv_usec / 1e6;
}

static void fail(const char *what) {
	perror(what);
	exit(1);
}

static void set_events(struct conn *c, uint32_t events) {
	if (c->events == events) return;
	struct epoll_event ev = { .events = events, .data.ptr = c };
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) fail("epoll_ctl(MOD)");
	c->events = events;
}

static void close_conn(struct conn *c) {
	if (c->fd >= 0) close(c->fd);
	c->fd = -1;
	c->state = DONE;
}

static void conn_error(struct conn *c, const char *what) {
	errors++;
	if (errors <= 5) fprintf(stderr, "loadgen: connection %d: %s (%s)\n", c->fd, what, strerror(errno));
	close_conn(c);
}

/* Open a non-blocking socket bound to 127.0.0.x and start connecting; returns the fd or -1. */
static int start_connect(uint64_t index, int *in_progress) {
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.sources > 1) {
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = 0,
				.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t) (index % (uint64_t) opt.sources)) };
		if (bind(fd, (struct sockaddr *) &src, sizeof(src)) < 0) {
			close(fd);
			return -1;
		}
	}
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t) opt.port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int r = connect(fd, (struct sockaddr *) &dst, sizeof(dst));
	if (r < 0 && errno != EINPROGRESS) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*in_progress = (r < 0);
	return fd;
}

static void open_conn(struct conn *c) {
	uint64_t index = conn_counter++;
	c->seed = (uint32_t) ((index * 7919u + 1) % PERIOD);
	c->sent = c->received = c->target = 0;
	c->started_ns = now_ns();
	int in_progress = 0;
	c->fd = start_connect(index, &in_progress);
	if (c->fd < 0) {
		errors++;
		if (errors <= 5) fprintf(stderr, "loadgen: connect: %s\n", strerror(errno));
		c->state = DONE;
		return;
	}
	c->state = in_progress ? CONNECTING : SENDING;
	c->events = in_progress ? EPOLLOUT : EPOLLIN;
	struct epoll_event ev = { .events = c->events, .data.ptr = c };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) fail("epoll_ctl(ADD)");
}

/* Send from c->sent up to limit; returns 1 when everything up to limit went out, 0 when the socket is full. */
static int send_until(struct conn *c, uint64_t limit) {
	while (c->sent < limit) {
		size_t len = (size_t) (limit - c->sent);
		if (len > READ_SIZE) len = READ_SIZE;
		ssize_t n = send(c->fd, pattern + (c->seed + c->sent) % PERIOD, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN) return 0;
			conn_error(c, "send");
			return -1;
		}
		c->sent += (uint64_t) n;
	}
	return 1;
}

/* Read what is there and verify it; returns bytes read, 0 when nothing, -1 when the connection failed. */
static ssize_t receive(struct conn *c) {
	ssize_t n = read(c->fd, rbuf, READ_SIZE);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR) return 0;
		conn_error(c, "read");
		return -1;
	}
	if (n == 0) {
		errno = 0;
		conn_error(c, "closed by the server before the echo was complete");
		return -1;
	}
	if (c->received + (uint64_t) n > c->sent) {
		errno = 0;
		conn_error(c, "server sent more bytes than it was sent");
		return -1;
	}
	if (memcmp(rbuf, pattern + (c->seed + c->received) % PERIOD, (size_t) n) != 0) {
		errno = 0;
		conn_error(c, "echoed bytes differ from the bytes sent");
		return -1;
	}
	c->received += (uint64_t) n;
	bytes_verified += (uint64_t) n;
	if (phase == MEASURING) bytes_echoed += (uint64_t) n;
	progress_ns = now_ns();
	return n;
}

static void record(uint64_t started_ns) {
	if (phase == MEASURING) {
		ops++;
		hist[hist_index(now_ns() - started_ns)]++;
	}
}

/* Start the next message of a ping-pong or churn connection. */
static void next_message(struct conn *c) {
	c->target = c->sent + (uint64_t) opt.size;
	c->started_ns = now_ns();
	int r = send_until(c, c->target);
	if (r < 0) return;
	c->state = (r > 0) ? RECEIVING : SENDING;
	set_events(c, (r > 0) ? EPOLLIN : EPOLLOUT);
}

static void on_pingpong(struct conn *c, uint32_t events) {
	if (c->state == SENDING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int r = send_until(c, c->target);
		if (r <= 0) return;
		c->state = RECEIVING;
		set_events(c, EPOLLIN);
		return;
	}
	if (c->state == RECEIVING && receive(c) > 0 && c->received == c->target) {
		record(c->started_ns);
		if (phase != DRAINING) next_message(c);
	}
}

static void on_stream(struct conn *c, uint32_t events) {
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		while (c->fd >= 0) {
			ssize_t n = receive(c);
			if (n <= 0) break;
			if (n < (ssize_t) READ_SIZE) break;
		}
		if (c->fd < 0) return;
	}
	if (phase == DRAINING) return;
	uint64_t window_end = c->received + (uint64_t) opt.window;
	/* whole chunks only, so every write is one chunk of --size bytes */
	uint64_t limit = c->sent;
	while (limit + (uint64_t) opt.size <= window_end) limit += (uint64_t) opt.size;
	int r = 1;
	while (c->sent < limit && r == 1) {
		uint64_t chunk_end = c->sent + (uint64_t) opt.size - (c->sent % (uint64_t) opt.size);
		r = send_until(c, chunk_end < limit ? chunk_end : limit);
		if (r == 1 && phase == MEASURING && c->sent % (uint64_t) opt.size == 0) ops++;
	}
	if (r < 0) return;
	set_events(c, (r == 0) ? (EPOLLIN | EPOLLOUT) : EPOLLIN);
}

/* Churn: a connection was opened; start its one message, timed from the connect. */
static void start_churn(struct conn *c) {
	uint64_t started = c->started_ns;
	next_message(c);
	c->started_ns = started;
}

static void open_churn(struct conn *c) {
	open_conn(c);
	if (c->state == SENDING) start_churn(c);
}

/* A non-blocking connect finished: 1 if it succeeded, else the error is counted and the connection closed. */
static int connected(struct conn *c) {
	int err = 0;
	socklen_t len = sizeof(err);
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err == 0) return 1;
	errno = err;
	conn_error(c, "connect");
	return 0;
}

static void on_churn(struct conn *c, uint32_t events) {
	if (c->state == CONNECTING) {
		if (connected(c)) start_churn(c);
		return;
	}
	if (c->state == SENDING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int r = send_until(c, c->target);
		if (r > 0) {
			c->state = RECEIVING;
			set_events(c, EPOLLIN);
		}
		return;
	}
	if (c->state == RECEIVING && receive(c) > 0 && c->received == c->target) {
		record(c->started_ns);
		close_conn(c);
	}
}

static double seconds_since(uint64_t t0) {
	return (double) (now_ns() - t0) / 1e9;
}

static void print_result(double secs, double server_cpu, double client_cpu, int open) {
	double ops_per_s = secs > 0 ? (double) ops / secs : 0;
	double mb_per_s = secs > 0 ? (double) bytes_echoed / secs / 1e6 : 0;
	printf("RESULT scenario=%s conns=%d size=%d secs=%.3f ops=%" PRIu64 " ops_per_s=%.1f mb_per_s=%.2f"
			" p50_us=%.1f p99_us=%.1f errors=%" PRIu64 " bytes_verified=%" PRIu64 " client_cpu_s=%.3f"
			" server_cpu_s=%.3f open=%d\n", opt.scenario_name, opt.scenario == CHURN ? opt.concurrency : opt.conns,
			opt.size, secs, ops, ops_per_s, mb_per_s, percentile_us(0.50), percentile_us(0.99), errors,
			bytes_verified, client_cpu, server_cpu, open);
	fflush(stdout);
}

/* Connect every connection of pingpong/stream/idle with at most 256 handshakes in flight. */
static int connect_all(void) {
	int opened = 0;
	int in_flight = 0;
	int next = 0;
	struct epoll_event events[MAX_EVENTS];
	progress_ns = now_ns();
	while (opened + (int) errors < opt.conns) {
		while (next < opt.conns && in_flight < 256) {
			struct conn *c = &conns[next++];
			open_conn(c);
			if (c->state == CONNECTING) in_flight++;
			else if (c->state == SENDING) opened++;
		}
		if (in_flight == 0) continue;
		int n = epoll_wait(ep, events, MAX_EVENTS, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			if (c->state != CONNECTING) continue;
			in_flight--;
			if (!connected(c)) continue;
			c->state = SENDING;
			set_events(c, EPOLLIN);
			opened++;
			progress_ns = now_ns();
		}
		if (now_ns() - progress_ns > STALL_NS) {
			fprintf(stderr, "loadgen: connecting stalled at %d of %d\n", opened, opt.conns);
			errors++;
			break;
		}
	}
	return opened;
}

/* Echo --size bytes once on every open connection (idle scenario): proves each was accepted and served. */
static void echo_once_each(void) {
	struct epoll_event events[MAX_EVENTS];
	int pending = 0;
	for (int i = 0; i < opt.conns; i++) {
		struct conn *c = &conns[i];
		if (c->state != SENDING) continue;
		next_message(c);
		if (c->fd >= 0) pending++;
	}
	progress_ns = now_ns();
	while (pending > 0 && now_ns() - progress_ns < STALL_NS) {
		int n = epoll_wait(ep, events, MAX_EVENTS, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			if (c->state == DONE) continue;
			if (c->state == SENDING) {
				int r = send_until(c, c->target);
				if (r > 0) {
					c->state = RECEIVING;
					set_events(c, EPOLLIN);
				}
				if (r < 0) pending--;
				continue;
			}
			ssize_t r = receive(c);
			if (r < 0) pending--;
			else if (c->received == c->target) {
				ops++;
				pending--;
				c->state = DONE;
				set_events(c, 0);
			}
		}
	}
	if (pending > 0) {
		fprintf(stderr, "loadgen: %d connections never echoed\n", pending);
		errors += (uint64_t) pending;
	}
}

static int run_idle(void) {
	uint64_t t0 = now_ns();
	connect_all();
	echo_once_each();
	double secs = seconds_since(t0);
	printf("READY %" PRIu64 "\n", ops);
	fflush(stdout);
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	poll(&pfd, 1, (int) (opt.hold * 1000));
	int open = 0;
	for (int i = 0; i < opt.conns; i++) {
		if (conns[i].fd >= 0) {
			open++;
			close(conns[i].fd);
		}
	}
	print_result(secs, -1, own_cpu_seconds(), open);
	return errors == 0 ? 0 : 1;
}

/* Whether a connection has nothing in flight: every byte sent came back (or it is closed). */
static int settled(const struct conn *c) {
	if (opt.scenario == CHURN) return c->state == DONE;
	if (c->fd < 0) return 1;
	return c->received == c->sent && (opt.scenario != PINGPONG || c->sent == c->target);
}

static int run_load(void) {
	int slots = (opt.scenario == CHURN) ? opt.concurrency : opt.conns;
	if (opt.scenario != CHURN) {
		if (connect_all() != opt.conns) {
			print_result(0, -1, own_cpu_seconds(), 0);
			return 1;
		}
		for (int i = 0; i < slots; i++) {
			if (opt.scenario == PINGPONG) next_message(&conns[i]);
			else on_stream(&conns[i], 0);
		}
	}
	else {
		for (int i = 0; i < slots; i++) open_churn(&conns[i]);
	}
	struct epoll_event events[MAX_EVENTS];
	uint64_t start = now_ns();
	uint64_t measure_from = start + (uint64_t) (opt.warmup * 1e9);
	uint64_t measure_to = measure_from + (uint64_t) (opt.duration * 1e9);
	uint64_t measured_at = 0, drain_deadline = 0;
	double server_cpu0 = 0, client_cpu0 = 0, secs = 0, server_cpu = -1, client_cpu = 0;
	progress_ns = start;
	for (;;) {
		uint64_t now = now_ns();
		if (phase == WARMUP && now >= measure_from) {
			phase = MEASURING;
			measured_at = now;
			server_cpu0 = opt.server_pid ? cpu_seconds_of(opt.server_pid) : -1;
			client_cpu0 = own_cpu_seconds();
		}
		if (phase == MEASURING && (now >= measure_to || ops >= opt.max_ops)) {
			/* the window ends here; what is in flight is still read back and verified */
			phase = DRAINING;
			secs = seconds_since(measured_at);
			server_cpu = opt.server_pid ? cpu_seconds_of(opt.server_pid) - server_cpu0 : -1;
			client_cpu = own_cpu_seconds() - client_cpu0;
			drain_deadline = now + 5000000000ull;
			if (opt.scenario == STREAM) {
				for (int i = 0; i < slots; i++) {
					if (conns[i].fd >= 0) set_events(&conns[i], EPOLLIN);
				}
			}
		}
		if (phase == DRAINING) {
			int busy = 0;
			for (int i = 0; i < slots; i++) busy += !settled(&conns[i]);
			if (busy == 0) break;
			if (now >= drain_deadline) {
				fprintf(stderr, "loadgen: %d connections still had bytes in flight 5 s after the window\n", busy);
				errors += (uint64_t) busy;
				break;
			}
		}
		if (now - progress_ns > STALL_NS) {
			fprintf(stderr, "loadgen: no progress for 10 s\n");
			errors++;
			break;
		}
		int n = epoll_wait(ep, events, MAX_EVENTS, 100);
		if (n < 0 && errno != EINTR) fail("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			if (c->state == DONE) continue;
			switch (opt.scenario) {
				case PINGPONG:
					on_pingpong(c, events[i].events);
					break;
				case STREAM:
					on_stream(c, events[i].events);
					break;
				default:
					on_churn(c, events[i].events);
			}
		}
		if (opt.scenario == CHURN && phase != DRAINING) {
			if (errors > 1000) {
				fprintf(stderr, "loadgen: giving up after %" PRIu64 " errors\n", errors);
				break;
			}
			for (int i = 0; i < slots; i++) {
				if (conns[i].state == DONE) open_churn(&conns[i]);
			}
		}
	}
	if (phase != DRAINING) {
		secs = (phase == MEASURING) ? seconds_since(measured_at) : 0;
	}
	int open = 0;
	for (int i = 0; i < slots; i++) {
		if (conns[i].fd >= 0) {
			open++;
			close(conns[i].fd);
		}
	}
	print_result(secs, server_cpu, client_cpu, open);
	return errors == 0 ? 0 : 1;
}

static void usage(void) {
	fprintf(stderr, "usage: loadgen --port P --scenario pingpong|stream|churn|idle [--conns N] [--size S]\n"
			"  [--concurrency C] [--window BYTES] [--warmup SEC] [--duration SEC] [--max-ops N]\n"
			"  [--sources K] [--hold SEC] [--server-pid PID]\n");
	exit(2);
}

int main(int argc, char **argv) {
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) usage();
		const char *k = argv[i];
		const char *v = argv[i + 1];
		if (strcmp(k, "--port") == 0) opt.port = atoi(v);
		else if (strcmp(k, "--scenario") == 0) {
			opt.scenario_name = v;
			if (strcmp(v, "pingpong") == 0) opt.scenario = PINGPONG;
			else if (strcmp(v, "stream") == 0) opt.scenario = STREAM;
			else if (strcmp(v, "churn") == 0) opt.scenario = CHURN;
			else if (strcmp(v, "idle") == 0) opt.scenario = IDLE;
			else usage();
		}
		else if (strcmp(k, "--conns") == 0) opt.conns = atoi(v);
		else if (strcmp(k, "--size") == 0) opt.size = atoi(v);
		else if (strcmp(k, "--concurrency") == 0) opt.concurrency = atoi(v);
		else if (strcmp(k, "--window") == 0) opt.window = atoi(v);
		else if (strcmp(k, "--warmup") == 0) opt.warmup = atof(v);
		else if (strcmp(k, "--duration") == 0) opt.duration = atof(v);
		else if (strcmp(k, "--hold") == 0) opt.hold = atof(v);
		else if (strcmp(k, "--max-ops") == 0) opt.max_ops = strtoull(v, NULL, 10);
		else if (strcmp(k, "--sources") == 0) opt.sources = atoi(v);
		else if (strcmp(k, "--server-pid") == 0) opt.server_pid = atoi(v);
		else usage();
	}
	if (opt.port <= 0 || opt.conns < 1 || opt.size < 1 || opt.size > (int) READ_SIZE || opt.concurrency < 1
			|| opt.sources < 1 || opt.sources > 250 || opt.window < opt.size || opt.duration <= 0) {
		usage();
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if ((rlim_t) opt.conns + 64 > rl.rlim_cur) {
			fprintf(stderr, "loadgen: %d connections need more than the %llu file descriptors allowed (ulimit -Hn)\n",
					opt.conns, (unsigned long long) rl.rlim_cur);
			return 1;
		}
	}
	for (uint32_t i = 0; i < PERIOD + READ_SIZE; i++) {
		uint32_t k = i % PERIOD;
		uint32_t x = k * 2654435761u;
		pattern[i] = (unsigned char) ((x >> 24) ^ (x >> 11) ^ k);
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) fail("epoll_create1");
	int slots = (opt.scenario == CHURN) ? opt.concurrency : opt.conns;
	conns = calloc((size_t) slots, sizeof(struct conn));
	for (int i = 0; i < slots; i++) conns[i].fd = -1;
	return (opt.scenario == IDLE) ? run_idle() : run_load();
}
