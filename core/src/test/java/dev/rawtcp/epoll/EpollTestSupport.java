package dev.rawtcp.epoll;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of the tests of what only the epoll transport does: skipped where epoll is
 * unavailable; the group a test makes is closed after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class EpollTestSupport {

	protected EventLoopGroup group;

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@AfterEach
	void closeGroup() {
		if (this.group != null) {
			this.group.close();
		}
	}

	/**
	 * Make the test's epoll group.
	 * @param threads its loops
	 * @return the group, closed after the test
	 */
	protected EventLoopGroup group(int threads) {
		this.group = EventLoopGroups.create(Transport.EPOLL, threads);
		return this.group;
	}

}
