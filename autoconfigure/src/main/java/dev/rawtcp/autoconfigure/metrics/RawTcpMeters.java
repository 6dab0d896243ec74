package dev.rawtcp.autoconfigure.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.docs.MeterDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * The meters rawtcp registers: names, types, units and tag keys (public API).
 */
public enum RawTcpMeters implements MeterDocumentation {

	/** Open connections of a listener. */
	CONNECTIONS_ACTIVE("rawtcp.connections.active", Meter.Type.GAUGE, null, "Open connections",
			ListenerTags.values()),

	/** A listener's state: one series per state, 1 for the current one and 0 for the others. */
	LISTENER_STATE("rawtcp.listener.state", Meter.Type.GAUGE, null,
			"Listener state: 1 for the current state (running, paused, draining, stopped), 0 for the others",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, StateTags.STATE),

	/** Connections accepted and handed to the handler. */
	CONNECTIONS_ACCEPTED("rawtcp.connections.accepted", Meter.Type.COUNTER, null, "Accepted connections",
			ListenerTags.values()),

	/** Connections closed, by reason. */
	CONNECTIONS_CLOSED("rawtcp.connections.closed", Meter.Type.COUNTER, null, "Closed connections, by reason",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, ClosedTags.REASON),

	/** Connections accepted and closed at once because of max-connections. */
	CONNECTIONS_REJECTED("rawtcp.connections.rejected", Meter.Type.COUNTER, null,
			"Connections closed at once because the listener was at max-connections", ListenerTags.values()),

	/** Bytes read from sockets. */
	BYTES_RECEIVED("rawtcp.bytes.received", Meter.Type.COUNTER, BaseUnits.BYTES, "Bytes read from connections",
			ListenerTags.values()),

	/** Bytes the kernel took for sending. */
	BYTES_SENT("rawtcp.bytes.sent", Meter.Type.COUNTER, BaseUnits.BYTES, "Bytes the kernel took for sending",
			ListenerTags.values()),

	/** Connections waiting in the kernel accept queue now ({@code tcpi_unacked} of the listening socket). */
	ACCEPT_QUEUE_SIZE("rawtcp.accept.queue.size", Meter.Type.GAUGE, null,
			"Connections waiting in the kernel accept queue (TCP_INFO tcpi_unacked of the listening socket)",
			ListenerTags.values()),

	/** The backlog the kernel applied ({@code tcpi_sacked} of the listening socket). */
	ACCEPT_QUEUE_LIMIT("rawtcp.accept.queue.limit", Meter.Type.GAUGE, null,
			"Effective backlog applied by the kernel (TCP_INFO tcpi_sacked of the listening socket)",
			ListenerTags.values()),

	/**
	 * Connections waiting in the accept queue of one listening socket of a sharded listener
	 * (tag {@code shard}); {@link #ACCEPT_QUEUE_SIZE} is their sum. A meter of its own rather
	 * than a {@code shard} tag on the sum: Prometheus wants one set of tag keys per name, and a
	 * query summing by listener must not count each connection twice.
	 */
	ACCEPT_QUEUE_SHARD_SIZE("rawtcp.accept.queue.shard.size", Meter.Type.GAUGE, null,
			"Connections waiting in the kernel accept queue of one listening socket of a sharded listener "
					+ "(TCP_INFO tcpi_unacked)",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, ShardTags.SHARD),

	/** Failed accept calls, by errno name. */
	ACCEPT_ERRORS("rawtcp.accept.errors", Meter.Type.COUNTER, null, "Failed accept calls, by errno",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, AcceptErrorTags.ERRNO),

	/** Exceptions thrown by handlers. */
	HANDLER_ERRORS("rawtcp.handler.errors", Meter.Type.COUNTER, null, "Exceptions thrown by handlers",
			ListenerTags.values()),

	/** Closing connections reset because the peer kept sending past what a closing connection discards. */
	LINGER_RESETS("rawtcp.connections.linger.resets", Meter.Type.COUNTER, null,
			"Closing connections reset because the peer sent over 64 KiB after the server's FIN",
			ListenerTags.values()),

	/** Frames a codec rejected (too long or malformed), each closing its connection. */
	FRAME_ERRORS("rawtcp.frame.errors", Meter.Type.COUNTER, null,
			"Frames rejected by a codec (too long or malformed), each closing its connection", ListenerTags.values()),

	/**
	 * Connections refused for their PROXY protocol header, by reason; registered only for
	 * listeners with {@code proxy-protocol} on.
	 */
	PROXY_HEADER_ERRORS("rawtcp.proxy.header.errors", Meter.Type.COUNTER, null,
			"Connections refused for their PROXY protocol header (missing, malformed, untrusted, timeout, ...), "
					+ "each closed before its handler saw a byte",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, ProxyHeaderTags.REASON),

	/**
	 * Episodes in which an event loop stayed away from its poll past
	 * {@code rawtcp.event-loop.blocked-threshold}; tag {@code listener} names the listener whose
	 * handler held it, {@code none} when it was no listener's handler (a task, a timer).
	 */
	EVENT_LOOP_BLOCKED("rawtcp.event-loop.blocked", Meter.Type.COUNTER, null,
			"Episodes in which an event loop stayed away from its poll past the blocked threshold, "
					+ "by the listener whose handler held it (none: no listener's)",
			ListenerTags.values()),

	/**
	 * Unexpected throwables that reached an event loop, which logged them and went on; tag
	 * {@code listener} names the listener whose connection's event threw, {@code none} for a task
	 * or a timer. A handler's own exception is a {@link #HANDLER_ERRORS handler error} instead.
	 */
	EVENT_LOOP_FAILURES("rawtcp.event-loop.failures", Meter.Type.COUNTER, null,
			"Unexpected throwables that reached an event loop, which went on serving, by listener (none: no listener's)",
			ListenerTags.values()),

	/**
	 * TLS handshakes of a listener, by result ({@code success}, {@code failure}) and, for
	 * failures, reason ({@code none} on successes); only on TLS listeners.
	 */
	TLS_HANDSHAKES("rawtcp.tls.handshakes", Meter.Type.COUNTER, null,
			"TLS handshakes, by result (success, failure) and failure reason (none on successes)",
			ListenerTags.LISTENER, ListenerTags.TRANSPORT, TlsTags.RESULT, TlsTags.REASON),

	/** Time the successful TLS handshakes took, from the accept to the finish; only on TLS listeners. */
	TLS_HANDSHAKE_TIME("rawtcp.tls.handshake.time", Meter.Type.TIMER, null,
			"Time the successful TLS handshakes took, from the accept to the finish", ListenerTags.values()),

	/** Reloads of an SSL bundle a listener serves ({@code reload-on-update}), each counted for every listener serving it. */
	TLS_RELOADS("rawtcp.tls.reloads", Meter.Type.COUNTER, null,
			"Reloads of an SSL bundle the listener serves, after its files changed", ListenerTags.LISTENER,
			ListenerTags.TRANSPORT, TlsTags.BUNDLE),

	/** Host-wide {@code TcpExtListenOverflows} of {@code /proc/net/netstat}. */
	LISTEN_OVERFLOWS("rawtcp.listen.overflows", Meter.Type.COUNTER, null,
			"Times a listen queue of this host overflowed (TcpExtListenOverflows in /proc/net/netstat)",
			HostTags.SCOPE),

	/** Host-wide {@code TcpExtListenDrops} of {@code /proc/net/netstat}. */
	LISTEN_DROPS("rawtcp.listen.drops", Meter.Type.COUNTER, null,
			"SYNs or connections this host dropped at listen sockets (TcpExtListenDrops in /proc/net/netstat)",
			HostTags.SCOPE);

	private final String name;

	private final Meter.Type type;

	private final @Nullable String baseUnit;

	private final String description;

	private final KeyName[] keyNames;

	RawTcpMeters(String name, Meter.Type type, @Nullable String baseUnit, String description, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.baseUnit = baseUnit;
		this.description = description;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public @Nullable String getBaseUnit() {
		return this.baseUnit;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames;
	}

	/**
	 * The meter's description.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Tags on every per-listener meter.
	 */
	public enum ListenerTags implements KeyName {

		/** The listener's name ({@code none} on the event-loop meters for what no listener caused). */
		LISTENER {
			@Override
			public String asString() {
				return "listener";
			}
		},

		/** The transport: {@code epoll} or {@code nio}. */
		TRANSPORT {
			@Override
			public String asString() {
				return "transport";
			}
		}

	}

	/**
	 * Tags of {@link #LISTENER_STATE}.
	 */
	public enum StateTags implements KeyName {

		/** {@code running}, {@code paused}, {@code draining} or {@code stopped}. */
		STATE {
			@Override
			public String asString() {
				return "state";
			}
		}

	}

	/**
	 * Tags of {@link #CONNECTIONS_CLOSED}.
	 */
	public enum ClosedTags implements KeyName {

		/** {@code normal}, {@code reset}, {@code idle}, {@code error} or {@code shutdown}. */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		}

	}

	/**
	 * Tags of {@link #PROXY_HEADER_ERRORS}.
	 */
	public enum ProxyHeaderTags implements KeyName {

		/** The refusal's {@code ProxyHeaderError.tag()}: {@code missing}, {@code malformed}, {@code untrusted}, ... */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		}

	}

	/**
	 * Tags of {@link #ACCEPT_ERRORS}.
	 */
	public enum AcceptErrorTags implements KeyName {

		/** The errno name ({@code EMFILE}, ...), {@code OTHER} for the rest. */
		ERRNO {
			@Override
			public String asString() {
				return "errno";
			}
		}

	}

	/**
	 * Tags of {@link #ACCEPT_QUEUE_SHARD_SIZE}.
	 */
	public enum ShardTags implements KeyName {

		/** The shard's index, from {@code 0}: one listening socket and the event loop accepting on it. */
		SHARD {
			@Override
			public String asString() {
				return "shard";
			}
		}

	}

	/**
	 * Tags of the TLS meters.
	 */
	public enum TlsTags implements KeyName {

		/** {@code success} or {@code failure}. */
		RESULT {
			@Override
			public String asString() {
				return "result";
			}
		},

		/**
		 * Why a handshake failed: {@code timeout}, {@code protocol}, {@code certificate},
		 * {@code client-auth}, {@code closed} or {@code renegotiation}; {@code none} on successes.
		 */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		},

		/** The SSL bundle's name. */
		BUNDLE {
			@Override
			public String asString() {
				return "bundle";
			}
		}

	}

	/**
	 * Tags of the host-wide meters.
	 */
	public enum HostTags implements KeyName {

		/** Always {@code host}: the value is the whole host's (network namespace's), not a listener's. */
		SCOPE {
			@Override
			public String asString() {
				return "scope";
			}
		}

	}

}
