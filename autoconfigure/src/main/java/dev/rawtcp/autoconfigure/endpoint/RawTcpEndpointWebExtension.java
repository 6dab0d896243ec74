package dev.rawtcp.autoconfigure.endpoint;

import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ListenerDescriptor;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link RawTcpEndpoint}: a
 * pause/resume of an unknown listener answers 404 and an unknown action 400, each with a
 * body saying why (Spring Boot's error page hides exception messages by default).
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
	 * Pause or resume a listener; see {@link RawTcpEndpoint#control(String, String)}.
	 * @param listener the listener's name
	 * @param action {@code pause} or {@code resume}
	 * @return the listener after the action (200), or an error (404, 400)
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> control(@Selector String listener, String action) {
		if (!this.delegate.hasListener(listener)) {
			return new WebEndpointResponse<>(new ErrorDescriptor(this.delegate.noSuchListener(listener)),
					WebEndpointResponse.STATUS_NOT_FOUND);
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

	/**
	 * Why a request was refused.
	 *
	 * @param error the reason
	 */
	public record ErrorDescriptor(String error) implements OperationResponseBody {

	}

}
