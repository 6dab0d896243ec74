package dev.rawtcp.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The per-connection attributes behind {@code Connection.attribute}: a map created on first
 * use, safe from any thread. Internal.
 */
public final class ConnectionAttributes {

	private volatile @Nullable Map<String, Object> values;

	/**
	 * The value of an attribute.
	 * @param <T> the value type
	 * @param key the key
	 * @return the value, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(String key) {
		Map<String, Object> map = this.values;
		return (map != null) ? (T) map.get(key) : null;
	}

	/**
	 * Set an attribute; {@code null} removes it.
	 * @param key the key
	 * @param value the value
	 */
	public void set(String key, @Nullable Object value) {
		if (value == null) {
			Map<String, Object> map = this.values;
			if (map != null) {
				map.remove(key);
			}
			return;
		}
		Map<String, Object> map = this.values;
		if (map == null) {
			synchronized (this) {
				map = this.values;
				if (map == null) {
					map = new ConcurrentHashMap<>();
					this.values = map;
				}
			}
		}
		map.put(key, value);
	}

}
