package io.pushwire.server.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.security.AccessRule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ChannelRegistry} and {@link ChannelKind}.
 */
class ChannelRegistryTests {

	@Test
	void assignsLowestFreeWireIdsSkippingSystemsAndExplicitOnes() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("alpha", 0), kind("bravo", -1), kind("charlie", -1),
				kind("delta", -1), kind("echo", -1), kind("foxtrot", 2), kind("golf", -1), kind("hotel", 6)));
		assertThat(registry.kinds()).extracting(ChannelKind::name)
			.containsExactly("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel");
		assertThat(registry.kinds()).extracting(ChannelKind::wireId).containsExactly(0, 1, 3, 4, 7, 2, 8, 6);
	}

	@Test
	void assignedKindKeepsEverythingElse() {
		ChannelKind declared = ChannelKind.builder("orders")
			.priority(Priority.HIGH)
			.historySize(7)
			.historyTtl(Duration.ofSeconds(30))
			.subscribe(AccessRule.OWNER)
			.publish(AccessRule.NONE)
			.build();
		ChannelKind registered = new ChannelRegistry(List.of(declared)).find("orders");
		assertThat(registered).isEqualTo(new ChannelKind("orders", Priority.HIGH, 0, 7, Duration.ofSeconds(30),
				AccessRule.OWNER, AccessRule.NONE));
	}

	@Test
	void findsDeclaredKindsOnly() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", 9)));
		assertThat(registry.isDeclared("chat")).isTrue();
		assertThat(registry.find("chat")).isNotNull().extracting(ChannelKind::wireId).isEqualTo(9);
		assertThat(registry.isDeclared("news")).isFalse();
		assertThat(registry.find("news")).isNull();
		assertThat(registry.isDeclared("system")).isFalse();
	}

	@Test
	void refusesSystemKind() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ChannelRegistry(List.of(kind("system", -1))))
			.withMessageContaining("'system' is reserved");
	}

	@Test
	void refusesSystemsWireId() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ChannelRegistry(List.of(kind("chat", 5))))
			.withMessage("Channel kind 'chat' uses wire id 5, which is the system kind's");
	}

	@Test
	void refusesKindDeclaredTwice() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChannelRegistry(List.of(kind("chat", -1), kind("news", -1), kind("chat", 3))))
			.withMessage("Channel kind 'chat' is declared twice");
	}

	@Test
	void refusesTwoKindsWithOneWireId() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChannelRegistry(List.of(kind("chat", 3), kind("news", -1), kind("orders", 3))))
			.withMessage("Channel kinds 'chat' and 'orders' both use wire id 3");
	}

	@Test
	void assignsEveryWireIdButSystemsAndRefusesMore() {
		List<ChannelKind> kinds = new ArrayList<>();
		for (int i = 0; i < 255; i++) {
			kinds.add(kind("k" + i, -1));
		}
		ChannelRegistry registry = new ChannelRegistry(kinds);
		assertThat(registry.kinds()).extracting(ChannelKind::wireId).doesNotContain(5).doesNotHaveDuplicates();
		assertThat(registry.find("k254").wireId()).isEqualTo(255);
		kinds.add(kind("k255", -1));
		assertThatIllegalArgumentException().isThrownBy(() -> new ChannelRegistry(kinds))
			.withMessage("More than 255 channel kinds are declared");
	}

	@Test
	void resolvesChannelWithTopicAndBareKind() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", -1), kind("orders", -1)));
		ChannelRegistry.ResolvedChannel room = registry.resolve("chat:room-42");
		assertThat(room.name()).isEqualTo(new ChannelName("chat:room-42", "chat", "room-42"));
		assertThat(room.kind()).isSameAs(registry.find("chat"));
		ChannelRegistry.ResolvedChannel orders = registry.resolve("orders:user:alice");
		assertThat(orders.name().topic()).isEqualTo("user:alice");
		assertThat(orders.kind()).isSameAs(registry.find("orders"));
		assertThat(registry.resolve("chat").name().topic()).isNull();
	}

	@Test
	void resolveRefusesInvalidNameAsBadMessageAboutThatChannel() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", -1)));
		assertBadMessage(registry, "Chat:room-42");
		assertBadMessage(registry, "chat:room 42");
		assertBadMessage(registry, "chat:");
		assertBadMessage(registry, "chat/room");
		assertBadMessage(registry, "");
	}

	@Test
	void resolveAbbreviatesOverlongNameOnException() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", -1)));
		String name = "chat:" + "x".repeat(1000);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> registry.resolve(name)).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE);
			assertThat(ex.channel()).hasSize(64).startsWith("chat:xxx").endsWith("...");
		});
	}

	@Test
	void resolveRefusesUndeclaredKindAsUnknownChannel() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", -1)));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> registry.resolve("news:today"))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_CHANNEL);
				assertThat(ex.channel()).isEqualTo("news:today");
				assertThat(ex.getMessage()).contains("'news'");
			});
	}

	@Test
	void resolveRefusesSystemAsUnknownChannel() {
		ChannelRegistry registry = new ChannelRegistry(List.of(kind("chat", -1)));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> registry.resolve("system"))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.UNKNOWN_CHANNEL);
				assertThat(ex.channel()).isEqualTo("system");
			});
	}

	@Test
	void builderDefaults() {
		assertThat(ChannelKind.builder("chat").build())
			.isEqualTo(new ChannelKind("chat", Priority.NORMAL, -1, ChannelKind.DEFAULT_HISTORY_SIZE,
					ChannelKind.DEFAULT_HISTORY_TTL, AccessRule.AUTHENTICATED, AccessRule.AUTHENTICATED));
		assertThat(ChannelKind.DEFAULT_HISTORY_SIZE).isEqualTo(1024);
		assertThat(ChannelKind.DEFAULT_HISTORY_TTL).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void kindRefusesInvalidName() {
		assertThatIllegalArgumentException().isThrownBy(() -> kind("Chat", -1)).withMessageContaining("'Chat'");
		assertThatIllegalArgumentException().isThrownBy(() -> kind("9lives", -1));
		assertThatIllegalArgumentException().isThrownBy(() -> kind("a".repeat(33), -1));
	}

	@Test
	void kindRefusesWireIdOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> kind("chat", -2)).withMessageContaining("not -2");
		assertThatIllegalArgumentException().isThrownBy(() -> kind("chat", 256)).withMessageContaining("not 256");
		assertThat(kind("chat", 255).wireId()).isEqualTo(255);
	}

	@Test
	void kindRefusesNegativeHistory() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChannelKind.builder("chat").historySize(-1).build())
			.withMessageContaining("not -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChannelKind.builder("chat").historyTtl(Duration.ofSeconds(-1)).build());
		assertThat(ChannelKind.builder("chat").historySize(0).historyTtl(Duration.ZERO).build().historySize()).isZero();
	}

	private static void assertBadMessage(ChannelRegistry registry, String channel) {
		assertThatExceptionOfType(ProtocolException.class).as(channel)
			.isThrownBy(() -> registry.resolve(channel))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE);
				assertThat(ex.channel()).isEqualTo(channel);
			});
	}

	private static ChannelKind kind(String name, int wireId) {
		return ChannelKind.builder(name).wireId(wireId).build();
	}

}
