package dev.rawtcp.epoll;

import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The only jnr-ffi binding: the libc functions the epoll transport calls. Buffers are
 * passed as raw addresses ({@code @intptr_t long}) so that jnr-ffi takes its fast path
 * with no marshalling and nothing is allocated per call. Only {@link Native} calls it.
 */
public interface LibC {

	int socket(int domain, int type, int protocol);

	int setsockopt(int fd, int level, int name, @intptr_t long value, int length);

	int getsockopt(int fd, int level, int name, @intptr_t long value, @intptr_t long lengthPointer);

	int bind(int fd, @intptr_t long address, int length);

	int listen(int fd, int backlog);

	int accept4(int fd, @intptr_t long address, @intptr_t long lengthPointer, int flags);

	int getsockname(int fd, @intptr_t long address, @intptr_t long lengthPointer);

	int getpeername(int fd, @intptr_t long address, @intptr_t long lengthPointer);

	@ssize_t long read(int fd, @intptr_t long buffer, @size_t long count);

	@ssize_t long write(int fd, @intptr_t long buffer, @size_t long count);

	@ssize_t long send(int fd, @intptr_t long buffer, @size_t long count, int flags);

	int shutdown(int fd, int how);

	int close(int fd);

	int epoll_create1(int flags);

	int epoll_ctl(int epfd, int op, int fd, @intptr_t long event);

	int epoll_wait(int epfd, @intptr_t long events, int maxEvents, int timeout);

	int eventfd(int initialValue, int flags);

	String strerror(int errno);

}
