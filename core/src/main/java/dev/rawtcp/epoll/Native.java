package dev.rawtcp.epoll;

final class Native {

	private Native() {
	}

	static void probe() {
		throw new UnsupportedOperationException("epoll transport not implemented yet");
	}

}
