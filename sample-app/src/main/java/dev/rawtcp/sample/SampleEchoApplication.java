package dev.rawtcp.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The sample echo service: listener {@code echo} sends every byte back, listener {@code upper}
 * answers every line in upper case, listener {@code secure-echo} is the echo over TLS with a
 * localhost development certificate ({@link DevelopmentCertificate}); all are configured in
 * {@code application.yml}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SampleEchoApplication {

	/**
	 * The handler of listeners {@code echo} and {@code secure-echo} ({@code rawtcp.listeners.*.handler}).
	 * @return the handler
	 */
	@Bean
	EchoHandler echoHandler() {
		return new EchoHandler();
	}

	/**
	 * The handler of listener {@code upper} ({@code rawtcp.listeners.upper.handler}).
	 * @return the handler
	 */
	@Bean
	UpperCaseHandler upperCaseHandler() {
		return new UpperCaseHandler(UpperCaseHandler.MAX_LINE_LENGTH);
	}

	public static void main(String[] args) {
		SpringApplication.run(SampleEchoApplication.class, args);
	}

}
