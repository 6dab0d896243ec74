/*
 * Test client for the epoll kernel tests: opens <count> connections to 127.0.0.1:<port> one
 * after another, sends "ping" and reads the 4-byte echo on each. With fastopen=1 the data goes
 * with sendto(MSG_FASTOPEN): in the SYN once the kernel holds a fast-open cookie for the server.
 *
 *   tcp-client <port> <count> <fastopen: 0|1>
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: tcp-client <port> <count> <fastopen: 0|1>\n");
		return 2;
	}
	int port = atoi(argv[1]);
	int count = atoi(argv[2]);
	int fastopen = atoi(argv[3]);
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short) port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			perror("socket");
			return 1;
		}
		if (fastopen) {
			if (sendto(fd, "ping", 4, MSG_FASTOPEN, (struct sockaddr *) &addr, sizeof addr) != 4) {
				perror("sendto(MSG_FASTOPEN)");
				return 1;
			}
		}
		else if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0 || write(fd, "ping", 4) != 4) {
			perror("connect/write");
			return 1;
		}
		char reply[4];
		size_t got = 0;
		while (got < sizeof reply) {
			ssize_t n = read(fd, reply + got, sizeof reply - got);
			if (n <= 0) {
				perror("read");
				return 1;
			}
			got += (size_t) n;
		}
		close(fd);
	}
	return 0;
}
