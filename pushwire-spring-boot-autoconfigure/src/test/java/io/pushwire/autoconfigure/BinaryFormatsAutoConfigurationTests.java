package io.pushwire.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.github.luben.zstd.ZstdDictTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import tools.jackson.databind.node.JsonNodeFactory;

import io.pushwire.autoconfigure.reactive.PushwireWebFluxAutoConfiguration;
import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Frame;
import io.pushwire.core.WireFormats;
import io.pushwire.server.connection.PushServerSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binary formats' beans and properties: {@code pushwire.server.fragment-size},
 * {@code pushwire.server.zstd.dictionary} and {@code channels.<kind>.wire-id}.
 */
class BinaryFormatsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void offersMessagePackAndCborWithTheKindsWireIds() {
		this.contextRunner
			.withPropertyValues("pushwire.server.channels.chat.wire-id=42",
					"pushwire.server.channels.news.priority=low")
			.run((context) -> {
				WireFormats formats = context.getBean(WireFormats.class);
				assertThat(formats.names()).containsExactly("json", "msgpack", "cbor");
				BinaryFormat msgpack = (BinaryFormat) formats.find("msgpack");
				assertThat(msgpack.wireIds().asMap()).containsEntry("chat", 42L)
					.containsEntry("system", 5L)
					.containsKey("news");
				byte[] bytes = msgpack.toBytes(Frame.of("chat:a", JsonNodeFactory.instance.numberNode(1)));
				assertThat(bytes[4]).isEqualTo((byte) 42);
			});
	}

	@Test
	void aFragmentSizeBelowTheMinimumFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("pushwire.server.fragment-size=512B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.server.fragment-size"));
	}

	@Test
	void aDictionaryThatIsNotOneFailsNamingTheProperty(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("not-a-dictionary"), "hello");
		this.contextRunner.withPropertyValues("pushwire.server.zstd.dictionary=file:" + file)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("pushwire.server.zstd.dictionary must be a readable zstd dictionary"));
	}

	@Test
	void aTrainedDictionaryIsUsedAndAnnouncedByItsId(@TempDir Path dir) throws Exception {
		ZstdDictTrainer trainer = new ZstdDictTrainer(1024 * 1024, 4096);
		for (int i = 0; i < 2000; i++) {
			trainer.addSample(("{\"channel\":\"ticker:" + (i % 37) + "\",\"cursor\":" + i + ",\"payload\":{\"price\":"
					+ (i * 7 % 1000) + ".25,\"symbol\":\"SYM" + (i % 13) + "\",\"volume\":" + (i * 31) + "}}")
				.getBytes(StandardCharsets.UTF_8));
		}
		Path file = Files.write(dir.resolve("pushwire.dict"), trainer.trainSamples());
		this.contextRunner.withPropertyValues("pushwire.server.zstd.dictionary=file:" + file).run((context) -> {
			BinaryFormat msgpack = (BinaryFormat) context.getBean(WireFormats.class).find("msgpack");
			long id = msgpack.zstd().dictionaryId();
			assertThat(id).isNotZero();
			assertThat(context.getBean(PushServerSettings.class).features()).contains("zstd", "zstd:dict:" + id);
			Frame frame = Frame.of("ticker:1", JsonNodeFactory.instance.stringNode("SYM1 ".repeat(200)));
			byte[] bytes = msgpack.toBytes(frame);
			assertThat(bytes[3] & BinaryFormat.FLAG_ZSTD).isEqualTo(BinaryFormat.FLAG_ZSTD);
			assertThat(msgpack.decode(bytes, 64 * 1024)).isEqualTo(frame);
		});
	}

}
