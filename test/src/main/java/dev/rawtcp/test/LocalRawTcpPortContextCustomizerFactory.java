package dev.rawtcp.test;

import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Makes {@link LocalRawTcpPort} resolvable in every test application context: once the
 * configuration classes are processed, the bean factory's autowire candidate resolver is
 * wrapped in a {@link LocalRawTcpPortAutowireCandidateResolver}.
 */
class LocalRawTcpPortContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new Customizer();
	}

	/**
	 * Adds the post-processor that installs the resolver. Stateless, so every test shares a
	 * cached context as far as this customizer is concerned.
	 */
	static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			// a post-processor added to the context runs after the configuration class processing, whose
			// component scan may otherwise replace the resolver
			context.addBeanFactoryPostProcessor((beanFactory) -> install(context, beanFactory));
		}

		private static void install(ConfigurableApplicationContext context, ConfigurableListableBeanFactory beanFactory) {
			if (beanFactory instanceof DefaultListableBeanFactory factory
					&& !(factory.getAutowireCandidateResolver() instanceof LocalRawTcpPortAutowireCandidateResolver)) {
				factory.setAutowireCandidateResolver(new LocalRawTcpPortAutowireCandidateResolver(
						factory.getAutowireCandidateResolver(), context::getEnvironment));
			}
		}

		@Override
		public boolean equals(Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return getClass().hashCode();
		}

	}

}
