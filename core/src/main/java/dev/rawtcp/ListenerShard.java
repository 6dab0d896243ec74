package dev.rawtcp;

import org.jspecify.annotations.Nullable;

/**
 * One listening socket of a listener and the event loop accepting on it. A listener has one,
 * or one per loop with {@link AcceptSharding#PER_LOOP}.
 *
 * @param index the shard's index, from 0, in the order the sockets joined the port's
 * {@code SO_REUSEPORT} group (what CPU steering selects by)
 * @param loop the name of the event-loop thread accepting on it
 * @param acceptQueueSize connections in this socket's accept queue now ({@code tcpi_unacked}),
 * {@code null} where the transport cannot read it or the socket is closed
 * @param accepted connections accepted on this socket so far
 */
public record ListenerShard(int index, String loop, @Nullable Integer acceptQueueSize, long accepted) {

}
