package dev.rawtcp.transport;

import org.junit.jupiter.api.BeforeAll;

import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AbstractFaultTest} on the epoll transport.
 */
class EpollFaultTest extends AbstractFaultTest {

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
