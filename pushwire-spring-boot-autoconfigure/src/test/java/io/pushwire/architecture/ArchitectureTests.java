package io.pushwire.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The library's packages depend on each other in one direction, lowest first:
 * {@code core} (wire model and codecs), {@code security} (authentication),
 * {@code server.channel} (kinds and access), {@code server} (the application's API),
 * {@code server.handler} and {@code server.stream}, then {@code server.connection},
 * {@code server.asset} (assets and their store) and {@code server.rtc} (WebRTC rooms),
 * the transports ({@code websocket}, {@code sse}, {@code http}, and {@code netty}, which
 * binds connections to Netty channels) beside the Redis store ({@code server.redis}), the
 * server API's implementation ({@code server.support}) and the auto-configuration. The
 * client depends on the core alone. {@code docs/architecture.md} describes each layer.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.pushwire");

	@Test
	void packagesAreFreeOfCycles() {
		SlicesRuleDefinition.slices().matching("io.pushwire.(**)").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void layersDependOnlyOnTheLayersBelowThem() {
		Architectures.layeredArchitecture()
			.consideringOnlyDependenciesInLayers()
			.layer("core")
			.definedBy("io.pushwire.core")
			.layer("security")
			.definedBy("io.pushwire.security")
			.layer("observation")
			.definedBy("io.pushwire.server.observation")
			.layer("channel")
			.definedBy("io.pushwire.server.channel")
			.layer("api")
			.definedBy("io.pushwire.server")
			.layer("handler")
			.definedBy("io.pushwire.server.handler")
			.layer("stream")
			.definedBy("io.pushwire.server.stream")
			.layer("connection")
			.definedBy("io.pushwire.server.connection")
			.layer("rtc")
			.definedBy("io.pushwire.server.rtc")
			.layer("asset")
			.definedBy("io.pushwire.server.asset")
			.layer("transports")
			.definedBy("io.pushwire.server.websocket", "io.pushwire.server.sse", "io.pushwire.server.http",
					"io.pushwire.server.netty")
			.layer("redis")
			.definedBy("io.pushwire.server.redis")
			.layer("support")
			.definedBy("io.pushwire.server.support")
			.layer("client")
			.definedBy("io.pushwire.client")
			.layer("autoconfigure")
			.definedBy("io.pushwire.autoconfigure..")
			.whereLayer("core")
			.mayNotAccessAnyLayer()
			.whereLayer("security")
			.mayOnlyAccessLayers("core")
			.whereLayer("observation")
			.mayOnlyAccessLayers("core")
			.whereLayer("channel")
			.mayOnlyAccessLayers("core", "security")
			.whereLayer("api")
			.mayOnlyAccessLayers("core", "channel")
			.whereLayer("handler")
			.mayOnlyAccessLayers("core", "channel", "api")
			.whereLayer("stream")
			.mayOnlyAccessLayers("core", "channel")
			.whereLayer("connection")
			.mayOnlyAccessLayers("core", "security", "observation", "channel", "api", "handler", "stream")
			.whereLayer("asset")
			.mayOnlyAccessLayers("core", "channel", "api", "stream", "connection")
			.whereLayer("rtc")
			.mayOnlyAccessLayers("core", "security", "channel", "api", "stream", "connection")
			.whereLayer("transports")
			.mayOnlyAccessLayers("core", "security", "channel", "api", "handler", "stream", "connection", "asset")
			.whereLayer("redis")
			.mayOnlyAccessLayers("core", "security", "channel", "api", "handler", "stream", "connection", "asset")
			.whereLayer("support")
			.mayOnlyAccessLayers("core", "security", "channel", "api", "handler", "stream", "connection", "asset",
					"rtc")
			.whereLayer("client")
			.mayOnlyAccessLayers("core")
			.check(CLASSES);
	}

}
