package dev.rawtcp.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * PLACEHOLDER owned by branch {@code boot}: only the contract's name, dropped at merge.
 */
@AutoConfiguration
public final class RawTcpAutoConfiguration {

}
