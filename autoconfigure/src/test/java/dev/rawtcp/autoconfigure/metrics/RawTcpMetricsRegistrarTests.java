package dev.rawtcp.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.transport.EventLoopGroups;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawTcpMetricsRegistrarTests {

	private static final TcpHandler ECHO = (connection, data) -> connection.write(data);

	private final StaticListableBeanFactory beans = new StaticListableBeanFactory();

	private EventLoopGroup group;

	@BeforeEach
	void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		this.group = EventLoopGroups.create(Transport.EPOLL, 1);
	}

	@AfterEach
	void close() {
		if (this.group != null) {
			this.group.close();
		}
	}

	private Listener bind(int backlog) {
		return this.group.bind(ListenerConfig.builder("echo").host("127.0.0.1").port(0).backlog(backlog).build(),
				ECHO);
	}

	private RawTcpMetricsRegistrar registrar() {
		return new RawTcpMetricsRegistrar(this.beans.getBeanProvider(MeterRegistry.class));
	}

	@Test
	void shouldReplaceTheMetersOfAListenerStartedAgainUnderTheSameName() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.beans.addBean("registry", registry);
		RawTcpMetricsRegistrar registrar = registrar();
		Listener first = bind(10);
		registrar.bind(first);
		assertThat(registry.get("rawtcp.accept.queue.limit").gauge().value()).isEqualTo(10);
		first.stop(Duration.ZERO);
		Listener second = bind(20);
		registrar.bind(second);
		assertThat(registry.get("rawtcp.accept.queue.limit").gauges()).hasSize(1);
		assertThat(registry.get("rawtcp.accept.queue.limit").gauge().value()).isEqualTo(20);
	}

	@Test
	void shouldBindToTheCompositeRegistryOnlyWhenThereIsOne() {
		SimpleMeterRegistry member = new SimpleMeterRegistry();
		CompositeMeterRegistry composite = new CompositeMeterRegistry();
		composite.add(member);
		SimpleMeterRegistry outsider = new SimpleMeterRegistry();
		this.beans.addBean("member", member);
		this.beans.addBean("composite", composite);
		this.beans.addBean("outsider", outsider);
		registrar().bind(bind(10));
		assertThat(composite.find("rawtcp.connections.accepted").functionCounters()).hasSize(1);
		assertThat(member.find("rawtcp.connections.accepted").functionCounters()).hasSize(1);
		assertThat(outsider.getMeters()).isEmpty();
	}

}
