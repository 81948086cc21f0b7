package io.pushwire.autoconfigure.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.TypeDescriptor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata of {@code pushwire.client.*}, generated from
 * {@link PushwireClientProperties}.
 */
class PushwireClientConfigurationMetadataTests {

	private static final String PREFIX = "pushwire.client.";

	private static Map<String, JsonNode> properties;

	private static Map<String, JsonNode> hints;

	@BeforeAll
	static void readMetadata() throws IOException {
		String location = PushwireClientProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		List<URL> candidates = Collections.list(PushwireClientConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		URL own = candidates.stream().filter((url) -> url.toString().startsWith(location)).findFirst().orElseThrow();
		JsonNode metadata;
		try (InputStream in = own.openStream()) {
			metadata = JsonMapper.shared().readTree(in);
		}
		properties = new LinkedHashMap<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith(PREFIX)) {
				properties.put(name, property);
			}
		}
		hints = new LinkedHashMap<>();
		for (JsonNode hint : metadata.path("hints")) {
			String name = hint.get("name").asString();
			if (name.startsWith(PREFIX)) {
				hints.put(name, hint);
			}
		}
	}

	@Test
	void hintsTheTransportsAndTheFormat() {
		assertThat(hintValues("transport")).containsExactly("ws-first", "sse-first", "ws-only", "sse-only");
		assertThat(hintValues("format")).containsExactly("json", "msgpack", "cbor");
	}

	@Test
	void hintsEveryPropertyWithAFixedSetOfValues() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireClientProperties());
		List<String> enumerated = properties.keySet()
			.stream()
			.filter((name) -> defaults.getPropertyType(camel(name.substring(PREFIX.length()))) != null
					&& defaults.getPropertyType(camel(name.substring(PREFIX.length()))).isEnum())
			.toList();
		assertThat(enumerated).contains(PREFIX + "transport", PREFIX + "reconnect.strategy");
		assertThat(hints.keySet()).containsAll(enumerated);
	}

	@Test
	void hintsReferToDeclaredPropertiesAndDescribeEachValue() {
		assertThat(hints).isNotEmpty();
		assertThat(hints.values()).allSatisfy((hint) -> {
			String name = hint.get("name").asString();
			assertThat(properties).as(name).containsKey(name);
			assertThat(hint.get("values").valueStream()).as(name)
				.isNotEmpty()
				.allSatisfy((value) -> assertThat(value.path("description").asString("")).as(name)
					.isNotBlank()
					.endsWith("."));
		});
	}

	/**
	 * The hinted values of an enum property are exactly its constants, each as it binds:
	 * a constant added later without a hint fails here.
	 */
	@Test
	void hintsOfAnEnumPropertyAreItsConstants() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireClientProperties());
		assertThat(hints.keySet()).allSatisfy((name) -> {
			String beanProperty = camel(name.substring(PREFIX.length()));
			Class<?> type = defaults.getPropertyType(beanProperty);
			assertThat(type).as(name).isNotNull();
			if (!type.isEnum()) {
				return;
			}
			List<Object> bound = hintValues(name.substring(PREFIX.length())).stream()
				.map((value) -> ApplicationConversionService.getSharedInstance()
					.convert(value, TypeDescriptor.valueOf(String.class),
							defaults.getPropertyTypeDescriptor(beanProperty)))
				.toList();
			assertThat(bound).as(name).containsExactly(type.getEnumConstants());
		});
	}

	private static List<String> hintValues(String property) {
		JsonNode hint = hints.get(PREFIX + property);
		assertThat(hint).as(property).isNotNull();
		return hint.get("values").valueStream().map((value) -> value.get("value").asString()).toList();
	}

	@Test
	void documentsAtLeastTwentyKeysIncludingTheOnesTheIssueFixes() {
		assertThat(properties).hasSizeGreaterThanOrEqualTo(20);
		assertThat(properties).containsKeys(PREFIX + "base-url", PREFIX + "base-urls", PREFIX + "channels",
				PREFIX + "token", PREFIX + "username", PREFIX + "password", PREFIX + "transport", PREFIX + "format",
				PREFIX + "reconnect.strategy", PREFIX + "reconnect.preset", PREFIX + "reconnect.initial",
				PREFIX + "reconnect.max", PREFIX + "reconnect.factor", PREFIX + "reconnect.jitter",
				PREFIX + "reconnect.max-attempts", PREFIX + "reconnect.stable-after", PREFIX + "send-queue.capacity",
				PREFIX + "send-queue.max-bytes", PREFIX + "send-queue.overflow", PREFIX + "ack",
				PREFIX + "cursor-store", PREFIX + "cursor-store-path", PREFIX + "ssl.bundle");
	}

	@Test
	void describesEveryKey() {
		assertThat(properties.values()).allSatisfy(
				(property) -> assertThat(property.path("description").asString("")).as(property.get("name").asString())
					.isNotBlank()
					.endsWith("."));
	}

	@Test
	void showsEveryDefaultAsTheValueItBindsTo() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireClientProperties());
		assertThat(properties.values()).allSatisfy((property) -> {
			String name = property.get("name").asString();
			String beanProperty = camel(name.substring(PREFIX.length()));
			Object value = defaults.getPropertyValue(beanProperty);
			if (value == null || value instanceof java.util.Collection<?>) {
				assertThat(property.has("defaultValue")).as(name).isFalse();
				return;
			}
			assertThat(property.has("defaultValue")).as("%s has a default value", name).isTrue();
			Object shown = ApplicationConversionService.getSharedInstance()
				.convert(property.get("defaultValue").asString(), TypeDescriptor.valueOf(String.class),
						defaults.getPropertyTypeDescriptor(beanProperty));
			assertThat(shown).as(name).isEqualTo(value);
		});
		assertThat(properties.get(PREFIX + "transport").path("defaultValue").asString()).isEqualTo("ws-first");
		assertThat(properties.get(PREFIX + "reconnect.initial").path("defaultValue").asString()).isEqualTo("1s");
	}

	private static String camel(String kebab) {
		StringBuilder result = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				result.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return result.toString();
	}

}
