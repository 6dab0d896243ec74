package dev.rawtcp.codec;

import java.io.IOException;

/**
 * A documented frame error (oversize or malformed frame): the connection is closed and the
 * error counted in {@code rawtcp.handler.errors}.
 */
public class CodecException extends IOException {

	private static final long serialVersionUID = 1L;

	public CodecException(String message) {
		super(message);
	}

}
