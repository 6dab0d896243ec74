package dev.rawtcp.nio;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rawtcp.ListenerBindException;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.PortInUseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK reports errno only as strerror text: the mapping from it must match what the
 * epoll transport reads from errno.
 */
class NioSocketsTest {

	private final ListenerConfig config = ListenerConfig.builder("l").host("127.0.0.1").port(7000).build();

	@Test
	void shouldMapAddressInUseToPortInUseException() {
		ListenerBindException ex = NioSockets.bindFailure(this.config, new BindException("Address already in use"));
		assertThat(ex).isInstanceOf(PortInUseException.class);
		assertThat(ex.getKind()).isEqualTo(ListenerBindException.Kind.ADDRESS_IN_USE);
		assertThat(ex.getPort()).isEqualTo(7000);
	}

	@ParameterizedTest
	@CsvSource({ "Permission denied, PERMISSION_DENIED", "Cannot assign requested address, ADDRESS_NOT_AVAILABLE",
			"Protocol not available, OTHER" })
	void shouldMapBindFailuresByTheirText(String message, ListenerBindException.Kind kind) {
		ListenerBindException ex = NioSockets.bindFailure(this.config, new BindException(message));
		assertThat(ex).isNotInstanceOf(PortInUseException.class);
		assertThat(ex.getKind()).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource({ "Too many open files, EMFILE", "Too many open files in system, ENFILE",
			"No buffer space available, ENOBUFS", "Cannot allocate memory, ENOMEM",
			"Software caused connection abort, ECONNABORTED", "Operation not permitted, EPERM",
			"Something new, OTHER" })
	void shouldNameTheErrnoOfAFailedAccept(String message, String errno) {
		assertThat(NioSockets.acceptErrno(new IOException(message))).isEqualTo(errno);
	}

	@Test
	void shouldRecogniseResets() {
		assertThat(NioSockets.isReset(new SocketException("Connection reset"))).isTrue();
		assertThat(NioSockets.isReset(new IOException("Connection reset by peer"))).isTrue();
		assertThat(NioSockets.isReset(new IOException("Broken pipe"))).isTrue();
		assertThat(NioSockets.isReset(new IOException("No route to host"))).isFalse();
	}

}
