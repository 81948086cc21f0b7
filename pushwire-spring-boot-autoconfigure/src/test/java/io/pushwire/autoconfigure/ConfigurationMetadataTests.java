package io.pushwire.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.TypeDescriptor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.rtc.PushwireRtcProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata that the annotation processor generates from
 * {@link PushwireServerProperties}: what IDEs show for {@code pushwire.*} keys.
 */
class ConfigurationMetadataTests {

	private static final String PREFIX = "pushwire.server.";

	private static final String RTC_PREFIX = PREFIX + "rtc.";

	private static JsonNode metadata;

	private static Map<String, JsonNode> properties;

	@BeforeAll
	static void readMetadata() throws IOException {
		metadata = readOwnMetadata();
		properties = new LinkedHashMap<>();
		for (JsonNode property : metadata.get("properties")) {
			// pushwire.client.* is checked by PushwireClientConfigurationMetadataTests,
			// pushwire.server.rtc.* (PushwireRtcProperties) by
			// rtcPropertiesAreDescribed...
			if (property.get("name").asString().startsWith(PREFIX)
					&& !property.get("name").asString().startsWith(RTC_PREFIX)) {
				properties.put(property.get("name").asString(), property);
			}
		}
	}

	@Test
	void describesEveryProperty() {
		assertThat(properties.keySet()).allMatch((name) -> name.startsWith("pushwire."));
		assertThat(properties.values()).allSatisfy((property) -> {
			String description = property.path("description").asString("");
			assertThat(description).as(property.get("name").asString()).isNotBlank().endsWith(".");
		});
	}

	@Test
	void listsEveryBoundProperty() {
		List<String> expected = new ArrayList<>();
		for (PropertyDescriptor descriptor : writableProperties(PushwireServerProperties.class)) {
			expected.add(PREFIX + kebab(descriptor.getName()));
		}
		// Nested groups (getter only, like sse) bind their own writable properties.
		for (PropertyDescriptor group : BeanUtils.getPropertyDescriptors(PushwireServerProperties.class)) {
			Class<?> type = group.getPropertyType();
			if (group.getWriteMethod() == null && type != null
					&& type.getEnclosingClass() == PushwireServerProperties.class) {
				for (PropertyDescriptor descriptor : writableProperties(type)) {
					expected.add(PREFIX + kebab(group.getName()) + "." + kebab(descriptor.getName()));
				}
			}
		}
		assertThat(expected).contains(PREFIX + "sse.retry");
		assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void rtcPropertiesAreDescribedWithTheirDefaults() {
		List<String> expected = new ArrayList<>();
		for (PropertyDescriptor descriptor : writableProperties(PushwireRtcProperties.class)) {
			expected.add(RTC_PREFIX + kebab(descriptor.getName()));
		}
		for (String group : List.of("relay", "turn")) {
			Class<?> type = "relay".equals(group) ? PushwireRtcProperties.Relay.class
					: PushwireRtcProperties.Turn.class;
			for (PropertyDescriptor descriptor : writableProperties(type)) {
				expected.add(RTC_PREFIX + group + "." + kebab(descriptor.getName()));
			}
		}
		List<JsonNode> rtc = new ArrayList<>();
		metadata.get("properties").forEach((property) -> {
			if (property.get("name").asString().startsWith(RTC_PREFIX)) {
				rtc.add(property);
			}
		});
		assertThat(rtc.stream().map((property) -> property.get("name").asString()))
			.containsExactlyInAnyOrderElementsOf(expected);
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireRtcProperties());
		assertThat(rtc).allSatisfy((property) -> {
			String name = property.get("name").asString();
			assertThat(property.path("description").asString("")).as(name).isNotBlank().endsWith(".");
			String beanProperty = camel(name.substring(RTC_PREFIX.length()));
			Object value = defaults.getPropertyValue(beanProperty);
			if (value == null || value instanceof Collection<?>) {
				assertThat(property.has("defaultValue")).as(name).isFalse();
				return;
			}
			Object shown = ApplicationConversionService.getSharedInstance()
				.convert(property.get("defaultValue").asString(), TypeDescriptor.valueOf(String.class),
						defaults.getPropertyTypeDescriptor(beanProperty));
			assertThat(shown).as(name).isEqualTo(value);
		});
	}

	@Test
	void showsTheDefaultOfEveryPropertyThatHasOne() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireServerProperties());
		assertThat(properties.values()).allSatisfy((property) -> {
			String name = property.get("name").asString();
			String beanProperty = camel(name.substring(PREFIX.length()));
			Object value = defaults.getPropertyValue(beanProperty);
			if (value == null || value instanceof Collection<?> || value instanceof Map<?, ?>) {
				assertThat(property.has("defaultValue")).as(name).isFalse();
				return;
			}
			assertThat(property.has("defaultValue")).as("%s has a default value", name).isTrue();
			// The default must be what binding the shown value gives, not merely some
			// text.
			Object shown = ApplicationConversionService.getSharedInstance()
				.convert(property.get("defaultValue").asString(), TypeDescriptor.valueOf(String.class),
						defaults.getPropertyTypeDescriptor(beanProperty));
			assertThat(shown).as(name).isEqualTo(value);
		});
	}

	@Test
	void showsDefaultsOfTheProtocol() {
		assertThat(defaultValue("path")).isEqualTo("/rps");
		assertThat(defaultValue("heartbeat")).isEqualTo("25s");
		assertThat(defaultValue("heartbeat-grace")).isEqualTo("10s");
		assertThat(defaultValue("handshake-timeout")).isEqualTo("10s");
		assertThat(defaultValue("max-message-size")).isEqualTo("64KB");
		assertThat(defaultValue("session-ttl")).isEqualTo("5m");
		assertThat(defaultValue("max-queued-bytes")).isEqualTo("1MB");
		assertThat(defaultValue("write-timeout")).isEqualTo("30s");
		assertThat(defaultValue("enabled")).isEqualTo("true");
		assertThat(defaultValue("allow-anonymous")).isEqualTo("false");
	}

	/**
	 * The metadata format has no keys for the properties of a map's values, so a channel
	 * kind's properties are documented in the description of
	 * {@code pushwire.server.channels}.
	 */
	@Test
	void describesEveryChannelPropertyAndItsDefault() {
		String description = properties.get(PREFIX + "channels").get("description").asString();
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new PushwireServerProperties.Channel());
		assertThat(writableProperties(PushwireServerProperties.Channel.class)).allSatisfy((descriptor) -> {
			String name = kebab(descriptor.getName());
			Object value = defaults.getPropertyValue(descriptor.getName());
			String documented = (value != null)
					? Pattern.quote(name) + " \\([^)]*default " + Pattern.quote(format(value)) + "\\)"
					: Pattern.quote(name) + " \\([^)]*\\)";
			assertThat(description).as(name).containsPattern(documented);
		});
		assertThat(description).contains("high, normal or low", "authenticated, anonymous, none, owner or role:NAME");
	}

	@Test
	void hintsReferToDeclaredProperties() {
		// pushwire.client.* hints are checked by
		// PushwireClientConfigurationMetadataTests.
		assertThat(metadata.path("hints")
			.valueStream()
			.map((hint) -> hint.get("name").asString())
			.filter((name) -> !name.startsWith("pushwire.client.")))
			.allSatisfy((name) -> assertThat(properties).containsKey(name.replaceFirst("\\.(keys|values)$", "")));
	}

	private static String defaultValue(String property) {
		JsonNode node = properties.get(PREFIX + property);
		assertThat(node).as(property).isNotNull();
		return node.path("defaultValue").asString();
	}

	private static List<PropertyDescriptor> writableProperties(Class<?> type) {
		List<PropertyDescriptor> result = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getWriteMethod() != null) {
				result.add(descriptor);
			}
		}
		return result;
	}

	private static String format(Object value) {
		if (value instanceof Duration duration) {
			for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS)) {
				long amount = duration.toNanos() / unit.getDuration().toNanos();
				if (Duration.of(amount, unit).equals(duration)) {
					return amount + Map
						.of(ChronoUnit.DAYS, "d", ChronoUnit.HOURS, "h", ChronoUnit.MINUTES, "m", ChronoUnit.SECONDS,
								"s")
						.get(unit);
				}
			}
			return duration.toMillis() + "ms";
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase();
		}
		return String.valueOf(value);
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([A-Z])", "-$1").toLowerCase();
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

	/**
	 * This module's metadata, not that of the Spring Boot jars on the classpath.
	 */
	private static JsonNode readOwnMetadata() throws IOException {
		String location = PushwireServerProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		List<URL> candidates = Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		URL own = candidates.stream()
			.filter((url) -> url.toString().startsWith(location) || url.toString().startsWith("jar:" + location))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No configuration metadata next to " + location
					+ "; is the configuration processor on the annotation processor path? Found " + candidates));
		try (InputStream in = own.openStream()) {
			return JsonMapper.shared().readTree(in);
		}
	}

}
