package dev.rawtcp.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Value;

/**
 * Injects the port a rawtcp listener bound, in the manner of Spring Boot's
 * {@code @LocalServerPort}: on a field or a constructor, method or test-method parameter of
 * type {@code int}, {@code Integer}, {@code long} or {@code String} in a
 * {@code @SpringBootTest} class.
 *
 * <pre>{@code
 * @SpringBootTest(properties = "rawtcp.listeners.echo.port=0")
 * class EchoTests {
 *
 *     @LocalRawTcpPort("echo")
 *     int port;
 *
 * }
 * }</pre>
 * <p>
 * The value is the environment property {@code local.rawtcp.<name>.port}, published when the
 * listener binds, after the application context has refreshed: like {@code @LocalServerPort}
 * it is meant for test classes, not for beans created during startup. An unknown or unbound
 * listener fails the injection with a message that lists the bound ones.
 * <p>
 * Resolved by this module's test context customizer (registered in
 * {@code META-INF/spring.factories}); without it, the meta-annotation {@code @Value} looks up
 * {@code local.rawtcp.<name>.port} literally and fails.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Value("${local.rawtcp.<name>.port}")
public @interface LocalRawTcpPort {

	/**
	 * The listener's name: the key under {@code rawtcp.listeners}, or {@code default} for the
	 * single listener configured with {@code rawtcp.port}.
	 * @return the listener's name
	 */
	String value();

}
