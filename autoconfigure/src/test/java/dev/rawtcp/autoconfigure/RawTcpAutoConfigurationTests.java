package dev.rawtcp.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerState;
import dev.rawtcp.Transport;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.NotAHandlerConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.StreamHandlerConfiguration;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.transport.EventLoopGroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link RawTcpAutoConfiguration}: conditions, property mapping and validation.
 * Listeners bind real sockets on 127.0.0.1, port 0.
 */
@Timeout(60)
class RawTcpAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RawTcpAutoConfiguration.class))
		.withPropertyValues("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1");

	private final ApplicationContextRunner echo = this.runner.withUserConfiguration(EchoHandlerConfiguration.class);

	private static ListenerConfig.Builder expected(String name) {
		return ListenerConfig.builder(name).host("127.0.0.1").port(0);
	}

	private static Listener listener(AssertableApplicationContext context, String name) {
		return context.getBean(RawTcpServer.class).getListener(name).orElseThrow();
	}

	@Test
	void shouldBindNothingWithoutPortOrListeners() {
		this.echo.run((context) -> {
			assertThat(context).hasSingleBean(RawTcpServer.class).hasSingleBean(EventLoopGroup.class);
			RawTcpServer server = context.getBean(RawTcpServer.class);
			assertThat(server.isRunning()).isTrue();
			assertThat(server.getListeners()).isEmpty();
			assertThat(server.getRegistrations()).isEmpty();
		});
	}

	@Test
	void shouldStartNothingWhenNoHandlerAndNoListener() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.getBean(RawTcpServer.class)
			.satisfies((server) -> assertThat(server.getListeners()).isEmpty()));
	}

	@Test
	void shouldBindListenerNamedDefaultFromPortWithDocumentedDefaults() {
		this.echo.withPropertyValues("rawtcp.port=0").run((context) -> {
			Listener listener = listener(context, "default");
			assertThat(listener.config()).isEqualTo(expected("default").build());
			assertThat(listener.state()).isEqualTo(ListenerState.RUNNING);
			assertThat(listener.mode()).isEqualTo(ListenerMode.EVENT_LOOP);
			assertThat(listener.port()).isPositive();
			assertThat(context.getEnvironment().getProperty("local.rawtcp.default.port", Integer.class))
				.isEqualTo(listener.port());
		});
	}

	/**
	 * A value different from the default for every per-listener property.
	 */
	private static String[] everyValue(String prefix) {
		return Stream.of("backlog=77", "mode=event-loop", "handler=echoHandler", "reuse-address=false",
				"reuse-port=true", "tcp-no-delay=false", "keepalive.enabled=false", "keepalive.idle=21s",
				"keepalive.interval=1500ms", "keepalive.count=4", "user-timeout=7s", "idle-timeout=2m",
				"frame-timeout=4s", "max-connections=12", "receive-buffer-size=128KB", "send-buffer-size=256KB",
				"write-buffer.low-water-mark=1KB", "write-buffer.high-water-mark=2KB", "write-buffer.limit=3MB",
				"shutdown.grace-period=3s", "defer-accept=3s", "fast-open.queue-length=5", "accept-sharding=per-loop",
				"accept-sharding-cpu-steering=true")
			.map(prefix::concat)
			.toArray(String[]::new);
	}

	/**
	 * The configuration {@link #everyValue(String)} must give.
	 */
	private static ListenerConfig everyValueConfig(String name) {
		return expected(name).backlog(77)
			.mode(ListenerMode.EVENT_LOOP)
			.reuseAddress(false)
			.reusePort(true)
			.tcpNoDelay(false)
			.keepAlive(false)
			.keepAliveIdle(Duration.ofSeconds(21))
			.keepAliveInterval(Duration.ofMillis(1500))
			.keepAliveCount(4)
			.userTimeout(Duration.ofSeconds(7))
			.idleTimeout(Duration.ofMinutes(2))
			.frameTimeout(Duration.ofSeconds(4))
			.maxConnections(12)
			.receiveBufferSize(128 * 1024)
			.sendBufferSize(256 * 1024)
			.writeBufferLowWaterMark(1024)
			.writeBufferHighWaterMark(2048)
			.writeBufferLimit(3L * 1024 * 1024)
			.shutdownGracePeriod(Duration.ofSeconds(3))
			.deferAccept(Duration.ofSeconds(3))
			.fastOpenQueueLength(5)
			.acceptSharding(AcceptSharding.PER_LOOP)
			.acceptShardingCpuSteering(true)
			.build();
	}

	@Test
	void shouldMapEveryTopLevelProperty() {
		this.echo.withPropertyValues("rawtcp.port=0")
			.withPropertyValues(everyValue("rawtcp."))
			.run((context) -> assertThat(listener(context, "default").config()).isEqualTo(everyValueConfig("default")));
	}

	@Test
	void shouldOverrideEveryValuePerListener() {
		String p = "rawtcp.listeners.echo.";
		this.echo.withPropertyValues("rawtcp.port=1", "rawtcp.host=192.0.2.1", "rawtcp.backlog=50",
				"rawtcp.mode=thread-per-connection", "rawtcp.handler=nothing", "rawtcp.reuse-port=false",
				"rawtcp.keepalive.period=30s", "rawtcp.keepalive.count=3", "rawtcp.max-connections=5",
				"rawtcp.receive-buffer-size=64KB", "rawtcp.write-buffer.limit=1MB", "rawtcp.shutdown.grace-period=1s",
				p + "port=0", p + "host=127.0.0.1")
			.withPropertyValues(everyValue(p))
			.run((context) -> assertThat(listener(context, "echo").config()).isEqualTo(everyValueConfig("echo")));
	}

	@Test
	void shouldTakeUnsetListenerValuesFromTopLevel() {
		this.echo.withPropertyValues("rawtcp.backlog=50", "rawtcp.keepalive.count=3", "rawtcp.idle-timeout=9s",
				"rawtcp.send-buffer-size=64KB", "rawtcp.write-buffer.limit=1MB", "rawtcp.shutdown.grace-period=1s",
				"rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.max-connections=12")
			.run((context) -> assertThat(listener(context, "echo").config()).isEqualTo(expected("echo").backlog(50)
				.keepAliveCount(3)
				.idleTimeout(Duration.ofSeconds(9))
				.sendBufferSize(64 * 1024)
				.writeBufferLimit(1024 * 1024)
				.shutdownGracePeriod(Duration.ofSeconds(1))
				.maxConnections(12)
				.build()));
	}

	@Test
	void shouldTakeListenerPortFromTopLevelPort() {
		this.echo.withPropertyValues("rawtcp.port=0", "rawtcp.listeners.echo.backlog=9")
			.run((context) -> assertThat(context.getBean(RawTcpServer.class).getListeners()).containsOnlyKeys("echo")
				.extractingByKey("echo")
				.satisfies((listener) -> assertThat(listener.port()).isPositive()));
	}

	@Test
	void shouldSetKeepAliveIdleAndIntervalFromPeriod() {
		this.echo.withPropertyValues("rawtcp.port=0", "rawtcp.keepalive.period=40s")
			.run((context) -> assertThat(listener(context, "default").config())
				.isEqualTo(expected("default").keepAlivePeriod(Duration.ofSeconds(40)).build()));
	}

	@Test
	void shouldPreferExplicitKeepAliveIdleAndIntervalOverPeriod() {
		this.echo.withPropertyValues("rawtcp.port=0", "rawtcp.keepalive.period=40s", "rawtcp.keepalive.idle=5s")
			.run((context) -> assertThat(listener(context, "default").config()).isEqualTo(expected("default")
				.keepAliveIdle(Duration.ofSeconds(5))
				.keepAliveInterval(Duration.ofSeconds(40))
				.build()));
	}

	@Test
	void shouldLetListenerKeepAlivePeriodOverrideTopLevelIdleAndInterval() {
		this.echo.withPropertyValues("rawtcp.keepalive.idle=5s", "rawtcp.keepalive.interval=6s",
				"rawtcp.listeners.a.port=0", "rawtcp.listeners.a.keepalive.period=50s", "rawtcp.listeners.b.port=0")
			.run((context) -> {
				assertThat(listener(context, "a").config())
					.isEqualTo(expected("a").keepAlivePeriod(Duration.ofSeconds(50)).build());
				assertThat(listener(context, "b").config()).isEqualTo(expected("b")
					.keepAliveIdle(Duration.ofSeconds(5))
					.keepAliveInterval(Duration.ofSeconds(6))
					.build());
			});
	}

	@Test
	void shouldBindListenersInConfigurationOrderAndPublishEachPort() {
		this.echo.withUserConfiguration(StartedEventsConfiguration.class)
			.withPropertyValues("rawtcp.listeners.zeta.port=0", "rawtcp.listeners.alpha.port=0")
			.run((context) -> {
				RawTcpServer server = context.getBean(RawTcpServer.class);
				assertThat(server.getListeners()).containsOnlyKeys("zeta", "alpha");
				assertThat(List.copyOf(server.getListeners().keySet())).containsExactly("zeta", "alpha");
				for (Listener listener : server.getListeners().values()) {
					assertThat(context.getEnvironment()
						.getProperty("local.rawtcp." + listener.name() + ".port", Integer.class))
						.isEqualTo(listener.port());
				}
				StartedEvents events = context.getBean(StartedEvents.class);
				assertThat(events.names).containsExactly("zeta", "alpha");
				assertThat(events.portsAtEventTime).containsExactly(listener(context, "zeta").port(),
						listener(context, "alpha").port());
			});
	}

	@Test
	void shouldPublishPortInParentEnvironmentToo() {
		new ApplicationContextRunner().run((parent) -> this.echo.withParent(parent)
			.withPropertyValues("rawtcp.listeners.echo.port=0")
			.run((context) -> assertThat(parent.getEnvironment().getProperty("local.rawtcp.echo.port", Integer.class))
				.isEqualTo(listener(context, "echo").port())));
	}

	@Test
	void shouldStopListenersAndGroupWhenContextCloses() {
		List<Listener> listeners = new ArrayList<>();
		List<EventLoopGroup> groups = new ArrayList<>();
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.shutdown.grace-period=0s")
			.run((context) -> {
				RawTcpServer server = context.getBean(RawTcpServer.class);
				listeners.addAll(server.getListeners().values());
				groups.add(server.getEventLoopGroup());
				assertThat(server.getPhase()).isLessThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE);
			});
		assertThat(listeners).singleElement()
			.satisfies((listener) -> assertThat(listener.state()).isEqualTo(ListenerState.STOPPED));
		assertThat(groups).singleElement().satisfies((group) -> assertThat(group.isAlive()).isFalse());
	}

	@Test
	void shouldChooseHandlerNamedByProperty() {
		this.echo.withUserConfiguration(StreamHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.a.port=0", "rawtcp.listeners.a.handler=streamHandler",
					"rawtcp.listeners.b.port=0", "rawtcp.listeners.b.handler=echoHandler")
			.run((context) -> {
				assertThat(listener(context, "a").mode()).isEqualTo(ListenerMode.THREAD_PER_CONNECTION);
				assertThat(listener(context, "b").mode()).isEqualTo(ListenerMode.EVENT_LOOP);
				assertThat(context.getBean(RawTcpServer.class).getRegistrations())
					.extracting(RawTcpServer.Registration::handler)
					.containsExactly(context.getBean("streamHandler"), context.getBean("echoHandler"));
			});
	}

	@Test
	void shouldFollowTypeOfSingleStreamHandlerInAutoMode() {
		this.runner.withUserConfiguration(StreamHandlerConfiguration.class)
			.withPropertyValues("rawtcp.port=0")
			.run((context) -> assertThat(listener(context, "default").mode())
				.isEqualTo(ListenerMode.THREAD_PER_CONNECTION));
	}

	@Test
	void shouldApplyCustomizersInOrderWithListenerName() {
		this.echo.withUserConfiguration(CustomizersConfiguration.class)
			.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.backlog=5")
			.run((context) -> {
				assertThat(listener(context, "echo").config().backlog()).isEqualTo(200);
				assertThat(context.getBean(CustomizersConfiguration.class).calls).containsExactly("first:echo",
						"second:echo");
			});
	}

	@Test
	void shouldUseUserEventLoopGroup() {
		this.echo.withUserConfiguration(UserGroupConfiguration.class)
			.withPropertyValues("rawtcp.port=0")
			.run((context) -> {
				assertThat(context).hasSingleBean(EventLoopGroup.class);
				assertThat(context.getBean(RawTcpServer.class).getEventLoopGroup())
					.isSameAs(context.getBean("userGroup"));
			});
	}

	@Test
	void shouldBackOffFromUserServer() {
		this.echo.withUserConfiguration(UserServerConfiguration.class)
			.withPropertyValues("rawtcp.port=0")
			.run((context) -> assertThat(context).hasSingleBean(RawTcpServer.class)
				.getBean(RawTcpServer.class)
				.isSameAs(context.getBean("userServer")));
	}

	@Test
	void shouldCreateNothingWhenDisabled() {
		this.echo.withPropertyValues("rawtcp.enabled=false", "rawtcp.port=0")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RawTcpServer.class)
				.doesNotHaveBean(EventLoopGroup.class)
				.doesNotHaveBean(RawTcpProperties.class));
	}

	@Test
	void shouldUseEpollWhereAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll is not available here");
		this.echo.withPropertyValues("rawtcp.event-loop.threads=2").run((context) -> {
			EventLoopGroup group = context.getBean(EventLoopGroup.class);
			assertThat(group.transport()).isEqualTo(Transport.EPOLL);
			assertThat(group.threads()).isEqualTo(2);
		});
	}

	@Test
	void shouldUseNioWhenJnrFfiIsMissing() {
		this.echo.withClassLoader(new FilteredClassLoader("jnr.ffi"))
			.withPropertyValues("rawtcp.port=0")
			.run((context) -> {
				assertThat(context.getBean(EventLoopGroup.class).transport()).isEqualTo(Transport.NIO);
				assertThat(listener(context, "default").transport()).isEqualTo(Transport.NIO);
			});
	}

	@Test
	void shouldUseNioWhenAskedFor() {
		this.echo.withPropertyValues("rawtcp.transport=nio")
			.run((context) -> assertThat(context.getBean(EventLoopGroup.class).transport()).isEqualTo(Transport.NIO));
	}

	@Test
	void shouldFailWhenEpollIsRequiredAndJnrFfiIsMissing() {
		this.echo.withClassLoader(new FilteredClassLoader("jnr.ffi"))
			.withPropertyValues("rawtcp.transport=epoll")
			.run(failsNaming("rawtcp.transport", "jnr-ffi"));
	}

	static Stream<Arguments> invalidProperties() {
		String echo = "rawtcp.listeners.echo.";
		return Stream.of(
				invalid("negative event-loop threads", "rawtcp.event-loop.threads", "must be between 0 and 256",
						"rawtcp.event-loop.threads=-1"),
				invalid("event-loop threads that would allocate gigabytes", "rawtcp.event-loop.threads",
						"must be between 0 and 256", "rawtcp.event-loop.threads=20000"),
				invalid("event-loop threads at Integer.MAX_VALUE", "rawtcp.event-loop.threads",
						"must be between 0 and 256", "rawtcp.event-loop.threads=2147483647"),
				invalid("blocked threshold shorter than the watchdog can check", "rawtcp.event-loop.blocked-threshold",
						"must be 0 (off) or between 10ms and 1h", "rawtcp.event-loop.blocked-threshold=5ms"),
				invalid("blocked threshold above an hour", "rawtcp.event-loop.blocked-threshold",
						"must be 0 (off) or between 10ms and 1h", "rawtcp.event-loop.blocked-threshold=2h"),
				invalid("negative blocked threshold", "rawtcp.event-loop.blocked-threshold",
						"must be 0 (off) or between 10ms and 1h", "rawtcp.event-loop.blocked-threshold=-1s"),
				invalid("top-level port above 65535", "rawtcp.port", "between 0 and 65535", "rawtcp.port=65536"),
				invalid("listener port below 0", echo + "port", "between 0 and 65535", echo + "port=-1"),
				invalid("listener without any port", echo + "port", "needs a port", echo + "backlog=5"),
				invalid("listener backlog below 1", echo + "backlog", "between 1 and 65535", echo + "port=0",
						echo + "backlog=0"),
				invalid("inherited top-level backlog below 1", "rawtcp.backlog", "between 1 and 65535",
						"rawtcp.backlog=0", echo + "port=0"),
				invalid("keepalive count below 1", echo + "keepalive.count", "between 1 and 127", echo + "port=0",
						echo + "keepalive.count=0"),
				invalid("keepalive count above what Linux takes", "rawtcp.keepalive.count", "between 1 and 127",
						"rawtcp.keepalive.count=128"),
				invalid("max-connections below 1", "rawtcp.max-connections", "between 1 and 1048576",
						"rawtcp.port=0", "rawtcp.max-connections=0"),
				invalid("write-buffer limit below high water mark", echo + "write-buffer.limit", "must not be below",
						echo + "port=0", echo + "write-buffer.limit=1KB"),
				invalid("write-buffer limit above 1GB", echo + "write-buffer.limit", "between 0B and 1073741824B",
						echo + "port=0", echo + "write-buffer.limit=2GB"),
				invalid("receive buffer that overflows an int", "rawtcp.receive-buffer-size",
						"between 1B and 1073741824B", "rawtcp.receive-buffer-size=8GB"),
				invalid("keepalive period of 0 making idle invalid", echo + "keepalive.period",
						"between 1s and 32767s", echo + "port=0", echo + "keepalive.period=0s"),
				invalid("keepalive idle above what Linux takes", "rawtcp.keepalive.idle", "between 1s and 32767s",
						"rawtcp.keepalive.idle=10h"),
				invalid("grace period that overflows nanoseconds, with no listener", "rawtcp.shutdown.grace-period",
						"between 0s and 1h", "rawtcp.shutdown.grace-period=200000d"),
				invalid("listener grace period above an hour", echo + "shutdown.grace-period", "between 0s and 1h",
						echo + "port=0", echo + "shutdown.grace-period=2h"),
				invalid("readiness delay above 5 minutes", "rawtcp.shutdown.readiness-delay", "between 0s and 5m",
						echo + "port=0", "rawtcp.shutdown.readiness-delay=6m"),
				invalid("negative readiness delay", "rawtcp.shutdown.readiness-delay", "between 0s and 5m",
						"rawtcp.shutdown.readiness-delay=-1s"),
				invalid("idle-timeout that overflows nanoseconds", echo + "idle-timeout", "between 0s and 24d",
						"rawtcp.listeners.a.port=0", echo + "port=0", echo + "idle-timeout=200000d"),
				invalid("listener frame-timeout beyond 24 days", echo + "frame-timeout", "between 0s and 24d",
						echo + "port=0", echo + "frame-timeout=25d"),
				invalid("negative frame-timeout", "rawtcp.frame-timeout", "between 0s and 24d",
						"rawtcp.frame-timeout=-1s"),
				invalid("user-timeout beyond an int of milliseconds", "rawtcp.user-timeout", "between 0s and 24d",
						"rawtcp.user-timeout=25d"),
				invalid("defer-accept above an hour", echo + "defer-accept", "between 0s and 1h", echo + "port=0",
						echo + "defer-accept=2h"),
				invalid("negative fast-open queue length", "rawtcp.fast-open.queue-length", "between 0 and 65535",
						"rawtcp.fast-open.queue-length=-1"),
				invalid("cpu steering without sharding", echo + "accept-sharding-cpu-steering",
						"needs accept-sharding per-loop", echo + "port=0", echo + "accept-sharding-cpu-steering=true"),
				invalid("two listeners on one host and port", "rawtcp.listeners.b.port",
						"listener 'a' binds already", "rawtcp.listeners.a.port=7001", "rawtcp.listeners.b.port=7001"),
				invalid("a port already taken by a wildcard listener", "rawtcp.listeners.b.port",
						"listener 'a' binds already", "rawtcp.listeners.a.port=7001",
						"rawtcp.listeners.a.host=0.0.0.0", "rawtcp.listeners.b.port=7001"));
	}

	private static Arguments invalid(String description, String key, String reason, String... properties) {
		return Arguments.of(description, key, reason, properties);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidProperties")
	void shouldFailStartupNamingInvalidProperty(String description, String key, String reason, String[] properties) {
		this.echo.withPropertyValues(properties).run(failsNaming(key, reason));
	}

	@Test
	void shouldFailBeforeBindingAnyListenerWhenALaterListenerIsInvalid() {
		this.echo.withPropertyValues("rawtcp.listeners.a.port=0", "rawtcp.listeners.b.port=0",
				"rawtcp.listeners.b.idle-timeout=200000d")
			.run((context) -> {
				assertThat(cause(context.getStartupFailure(), InvalidRawTcpConfigurationException.class).getName())
					.isEqualTo("rawtcp.listeners.b.idle-timeout");
				assertThat(messages(context.getStartupFailure())).noneMatch((message) -> message.contains("Arithmetic"));
			});
	}

	static Stream<Arguments> unknownKeys() {
		return Stream.of(Arguments.of("rawtcp.listeners.echo.prot", "rawtcp.listeners.echo.prot=7001"),
				Arguments.of("rawtcp.listeners.echo.backlgo", "rawtcp.listeners.echo.backlgo=5"),
				Arguments.of("rawtcp.keepalve.enabled", "rawtcp.keepalve.enabled=false"),
				Arguments.of("rawtcp.listeners.echo.keepalive.idel", "rawtcp.listeners.echo.keepalive.idel=3s"),
				Arguments.of("rawtcp.write-bufer.limit", "rawtcp.write-bufer.limit=1MB"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unknownKeys")
	void shouldFailStartupNamingUnknownKey(String key, String property) {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", property)
			.run((context) -> assertThat(cause(context.getStartupFailure(), UnboundConfigurationPropertiesException.class))
				.satisfies((unbound) -> assertThat(unbound.getUnboundProperties())
					.extracting((unboundProperty) -> unboundProperty.getName().toString())
					.containsExactly(key)));
	}

	@Test
	void shouldAcceptEveryDocumentedKeyTopLevelAndPerListener() {
		this.echo.withPropertyValues("rawtcp.port=0", "rawtcp.listeners.echo.port=0", "rawtcp.enabled=true",
				"rawtcp.transport=auto", "rawtcp.keepalive.period=20s", "rawtcp.listeners.echo.keepalive.period=20s")
			.withPropertyValues(everyValue("rawtcp."))
			.withPropertyValues(everyValue("rawtcp.listeners.echo."))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void shouldAllowSeveralListenersOnPortZero() {
		this.echo.withPropertyValues("rawtcp.listeners.a.port=0", "rawtcp.listeners.b.port=0")
			.run((context) -> assertThat(context.getBean(RawTcpServer.class).getListeners()).hasSize(2));
	}

	@Test
	void shouldFailWhenHandlerNamesNoBean() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.handler=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NoSuchHandlerBeanException.class)
				.hasMessageContaining("'rawtcp.listeners.echo.handler'")
				.hasMessageContaining("'missing'")
				.hasMessageContaining("echoHandler"));
	}

	@Test
	void shouldFailWhenHandlerNamesBeanThatIsNoHandler() {
		this.echo.withUserConfiguration(NotAHandlerConfiguration.class)
			.withPropertyValues("rawtcp.port=0", "rawtcp.handler=notAHandler")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NoSuchHandlerBeanException.class)
				.hasMessageContaining("'rawtcp.handler'")
				.hasMessageContaining("'notAHandler'"));
	}

	@Test
	void shouldFailWhenSeveralHandlersAndNoneNamed() {
		this.echo.withUserConfiguration(StreamHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.echo.port=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NoUniqueHandlerBeanException.class)
				.hasMessageContaining("'rawtcp.listeners.echo.handler'")
				.hasMessageContaining("echoHandler, streamHandler"));
	}

	@Test
	void shouldFailWhenModeDoesNotFitHandler() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.mode=thread-per-connection")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(HandlerModeMismatchException.class)
				.hasMessageContaining("listener 'echo'")
				.hasMessageContaining("'thread-per-connection'")
				.hasMessageContaining("'rawtcp.listeners.echo.mode'")
				.hasMessageContaining("'echoHandler'"));
	}

	@Test
	void shouldFailWhenListenerConfiguredAndNoHandlerBean() {
		this.runner.withPropertyValues("rawtcp.port=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NoSuchHandlerBeanException.class)
				.hasMessageContaining("listener 'default' has no handler"));
	}

	@Test
	void shouldFailOnUnknownTransportValue() {
		this.echo.withPropertyValues("rawtcp.transport=carrier-pigeon")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.satisfies((failure) -> assertThat(messages(failure)).anyMatch((message) -> message
					.contains("Failed to bind properties under 'rawtcp.transport'"))));
	}

	private static ContextConsumer<AssertableApplicationContext> failsNaming(String key, String reason) {
		return (context) -> assertThat(context).hasFailed()
			.getFailure()
			.satisfies((failure) -> assertThat(cause(failure, InvalidRawTcpConfigurationException.class))
				.hasMessageContaining(key)
				.hasMessageContaining(reason));
	}

	static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		throw new AssertionError("No " + type.getName() + " in the cause chain of " + failure);
	}

	static List<String> messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.add(String.valueOf(candidate.getMessage()));
		}
		return messages;
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		RawTcpListenerCustomizer second() {
			return (name, builder) -> {
				this.calls.add("second:" + name);
				builder.backlog(200);
			};
		}

		@Bean
		@Order(1)
		RawTcpListenerCustomizer first() {
			return (name, builder) -> {
				this.calls.add("first:" + name);
				builder.backlog(100);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserGroupConfiguration {

		@Bean(destroyMethod = "close")
		EventLoopGroup userGroup() {
			return EventLoopGroups.create(Transport.AUTO, 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean
		RawTcpServer userServer() {
			return new RawTcpServer(EventLoopGroups.create(Transport.AUTO, 1), List.of());
		}

	}

	static class StartedEvents implements ApplicationListener<RawTcpListenerStartedEvent> {

		final List<String> names = new ArrayList<>();

		final List<Integer> portsAtEventTime = new ArrayList<>();

		private final org.springframework.core.env.Environment environment;

		StartedEvents(org.springframework.core.env.Environment environment) {
			this.environment = environment;
		}

		@Override
		public void onApplicationEvent(RawTcpListenerStartedEvent event) {
			String name = event.getListener().name();
			this.names.add(name);
			this.portsAtEventTime.add(this.environment.getProperty("local.rawtcp." + name + ".port", Integer.class));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartedEventsConfiguration {

		@Bean
		StartedEvents startedEvents(org.springframework.core.env.Environment environment) {
			return new StartedEvents(environment);
		}

	}

}
