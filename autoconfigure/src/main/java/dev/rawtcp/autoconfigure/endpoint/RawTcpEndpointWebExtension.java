package dev.rawtcp.autoconfigure.endpoint;

import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ListenerDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link RawTcpEndpoint}: an
 * unknown listener answers 404 and a missing or unknown action 400, each with a body
 * {@code {"error": "..."}} saying why (Spring Boot would otherwise answer 404 with no body
 * and its generic 400 page, which hides exception messages by default).
 */
@EndpointWebExtension(endpoint = RawTcpEndpoint.class)
public class RawTcpEndpointWebExtension {

	private final RawTcpEndpoint delegate;

	/**
	 * Create an extension.
	 * @param delegate the endpoint
	 */
	public RawTcpEndpointWebExtension(RawTcpEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * One listener with its open connections; see {@link RawTcpEndpoint#listener(String)}.
	 * @param listener the listener's name
	 * @return the listener (200), or an error (404)
	 */
	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> listener(@Selector String listener) {
		ListenerDescriptor found = this.delegate.listener(listener);
		return (found != null) ? new WebEndpointResponse<>(found, WebEndpointResponse.STATUS_OK)
				: notFound(listener);
	}

	/**
	 * Pause or resume a listener; see {@link RawTcpEndpoint#control(String, String)}.
	 * @param listener the listener's name
	 * @param action {@code pause} or {@code resume}
	 * @return the listener after the action (200), or an error (404, 400)
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> control(@Selector String listener, @Nullable String action) {
		if (!this.delegate.hasListener(listener)) {
			return notFound(listener);
		}
		try {
			ListenerDescriptor result = this.delegate.control(listener, action);
			return new WebEndpointResponse<>(result, WebEndpointResponse.STATUS_OK);
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(new ErrorDescriptor(ex.getReason()),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

	private WebEndpointResponse<OperationResponseBody> notFound(String listener) {
		return new WebEndpointResponse<>(new ErrorDescriptor(this.delegate.noSuchListener(listener)),
				WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Why a request was refused.
	 *
	 * @param error the reason
	 */
	public record ErrorDescriptor(String error) implements OperationResponseBody {

	}

}
