package dev.rawtcp.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Threads for thread-per-connection handlers: virtual threads where the JDK has them
 * (21+, found at run time so the code still compiles for release 17), platform threads
 * otherwise. Internal.
 */
public final class HandlerThreads {

	private static final MethodHandle OF_VIRTUAL = findOfVirtual();

	private HandlerThreads() {
	}

	/** @return whether this JVM gives virtual threads */
	public static boolean virtual() {
		return OF_VIRTUAL != null;
	}

	/**
	 * A factory for one listener's handler threads.
	 * @param listenerName the listener, used in thread names
	 * @return the factory
	 */
	public static ThreadFactory factory(String listenerName) {
		String prefix = "rawtcp-" + listenerName + "-conn-";
		if (OF_VIRTUAL != null) {
			try {
				return (ThreadFactory) OF_VIRTUAL.invoke(prefix);
			}
			catch (Throwable ex) {
				// fall through to platform threads
			}
		}
		AtomicLong count = new AtomicLong();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * An unstarted virtual thread, where the JDK has them.
	 * @param name its name
	 * @param task what it runs
	 * @return the thread, or {@code null} on a JDK without virtual threads
	 */
	public static @Nullable Thread newVirtualThread(String name, Runnable task) {
		if (OF_VIRTUAL == null) {
			return null;
		}
		try {
			Thread thread = ((ThreadFactory) OF_VIRTUAL.invoke(name)).newThread(task);
			thread.setName(name);
			return thread;
		}
		catch (Throwable ex) {
			return null;
		}
	}

	private static MethodHandle findOfVirtual() {
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
			Class<?> ofVirtualClass = Class.forName("java.lang.Thread$Builder$OfVirtual");
			MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualClass));
			MethodHandle name = lookup.findVirtual(ofVirtualClass, "name",
					MethodType.methodType(ofVirtualClass, String.class, long.class));
			MethodHandle factory = lookup.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class));
			// prefix -> Thread.ofVirtual().name(prefix, 1).factory()
			MethodHandle named = MethodHandles.insertArguments(name, 2, 1L);
			MethodHandle withBuilder = MethodHandles.foldArguments(named, ofVirtual);
			return MethodHandles.filterReturnValue(withBuilder,
					factory.asType(MethodType.methodType(ThreadFactory.class, ofVirtualClass)));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
