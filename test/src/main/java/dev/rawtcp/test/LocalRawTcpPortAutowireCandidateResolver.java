package dev.rawtcp.test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Suggests the value of a {@link LocalRawTcpPort} injection point: the environment property
 * {@code local.rawtcp.<name>.port}. Every other question goes to the resolver it wraps.
 * <p>
 * {@code @LocalRawTcpPort} is meta-annotated with {@code @Value}, so Spring treats its fields
 * and parameters (including a JUnit test's, through {@code SpringExtension}) as value
 * injection points and asks this resolver for the value, the way it would take the
 * expression of a {@code @Value}.
 */
final class LocalRawTcpPortAutowireCandidateResolver implements AutowireCandidateResolver {

	private static final String PREFIX = "local.rawtcp.";

	private static final String SUFFIX = ".port";

	private final AutowireCandidateResolver delegate;

	private final Supplier<Environment> environment;

	LocalRawTcpPortAutowireCandidateResolver(AutowireCandidateResolver delegate, Supplier<Environment> environment) {
		this.delegate = delegate;
		this.environment = environment;
	}

	@Override
	public @Nullable Object getSuggestedValue(DependencyDescriptor descriptor) {
		String name = listenerName(descriptor);
		return (name != null) ? port(name) : this.delegate.getSuggestedValue(descriptor);
	}

	private Integer port(String name) {
		if (name.isBlank()) {
			throw new IllegalStateException("@LocalRawTcpPort needs the name of a rawtcp listener");
		}
		String key = PREFIX + name + SUFFIX;
		Environment environment = this.environment.get();
		Integer port = environment.getProperty(key, Integer.class);
		if (port != null) {
			return port;
		}
		Set<String> bound = boundListeners(environment);
		String prefix = "No port for @LocalRawTcpPort(\"" + name + "\"): property '" + key + "' is not set";
		if (bound.isEmpty()) {
			throw new IllegalStateException(prefix + " and no rawtcp listener is bound yet. A listener publishes its"
					+ " port when it binds, after the application context is refreshed: inject @LocalRawTcpPort into a"
					+ " test class, not into a bean created during startup");
		}
		throw new IllegalStateException(prefix + ": no listener of that name is bound. Bound listeners: " + bound);
	}

	private static Set<String> boundListeners(Environment environment) {
		Set<String> names = new TreeSet<>();
		if (environment instanceof ConfigurableEnvironment configurable) {
			for (PropertySource<?> source : configurable.getPropertySources()) {
				if (source instanceof EnumerablePropertySource<?> enumerable) {
					for (String property : enumerable.getPropertyNames()) {
						if (property.startsWith(PREFIX) && property.endsWith(SUFFIX)
								&& property.length() > PREFIX.length() + SUFFIX.length()) {
							names.add(property.substring(PREFIX.length(), property.length() - SUFFIX.length()));
						}
					}
				}
			}
		}
		return names;
	}

	/** The listener named by the injection point's {@code @LocalRawTcpPort}, or {@code null} if it has none. */
	private static @Nullable String listenerName(DependencyDescriptor descriptor) {
		String name = listenerName(descriptor.getAnnotations());
		MethodParameter parameter = descriptor.getMethodParameter();
		if (name == null && parameter != null) {
			// like @Value: a setter may carry the annotation itself
			Method method = parameter.getMethod();
			if (method != null && void.class == method.getReturnType()) {
				name = listenerName(parameter.getMethodAnnotations());
			}
		}
		return name;
	}

	private static @Nullable String listenerName(Annotation[] annotations) {
		MergedAnnotation<LocalRawTcpPort> annotation = MergedAnnotations.from(annotations).get(LocalRawTcpPort.class);
		return annotation.isPresent() ? annotation.getString("value") : null;
	}

	// everything else: the wrapped resolver (each method of AutowireCandidateResolver, see the tests)

	@Override
	public boolean isAutowireCandidate(BeanDefinitionHolder bdHolder, DependencyDescriptor descriptor) {
		return this.delegate.isAutowireCandidate(bdHolder, descriptor);
	}

	@Override
	public boolean isRequired(DependencyDescriptor descriptor) {
		return this.delegate.isRequired(descriptor);
	}

	@Override
	public boolean hasQualifier(DependencyDescriptor descriptor) {
		return this.delegate.hasQualifier(descriptor);
	}

	@Override
	public @Nullable String getSuggestedName(DependencyDescriptor descriptor) {
		return this.delegate.getSuggestedName(descriptor);
	}

	@Override
	public @Nullable Object getLazyResolutionProxyIfNecessary(DependencyDescriptor descriptor,
			@Nullable String beanName) {
		return this.delegate.getLazyResolutionProxyIfNecessary(descriptor, beanName);
	}

	@Override
	public @Nullable Class<?> getLazyResolutionProxyClass(DependencyDescriptor descriptor, @Nullable String beanName) {
		return this.delegate.getLazyResolutionProxyClass(descriptor, beanName);
	}

	@Override
	public AutowireCandidateResolver cloneIfNecessary() {
		return new LocalRawTcpPortAutowireCandidateResolver(this.delegate.cloneIfNecessary(), this.environment);
	}

}
