package io.pushwire.core;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.CursorTracker.Outcome;
import io.pushwire.core.ResumeToken.Position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link CursorTracker}.
 */
class CursorTrackerTests {

	private final CursorTracker tracker = new CursorTracker();

	@Test
	void firstFrameIsInOrderWhateverItsCursor() {
		assertThat(track("chat", 17)).isEqualTo(new Outcome.InOrder(17));
		assertThat(track("news", 1)).isEqualTo(new Outcome.InOrder(1));
		assertThat(this.tracker.cursors()).containsOnly(entry("chat", 17L), entry("news", 1L));
	}

	@Test
	void nextCursorIsInOrderAndDelivered() {
		track("chat", 4);
		Outcome outcome = track("chat", 5);
		assertThat(outcome).isEqualTo(new Outcome.InOrder(5));
		assertThat(outcome.deliver()).isTrue();
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(5, null));
	}

	@Test
	void cursorSeenAlreadyIsDuplicateAndNotDelivered() {
		track("chat", 4);
		track("chat", 5);
		Outcome same = track("chat", 5);
		Outcome older = track("chat", 3);
		assertThat(same).isEqualTo(new Outcome.Duplicate(5, 5));
		assertThat(same.deliver()).isFalse();
		assertThat(older).isEqualTo(new Outcome.Duplicate(3, 5));
		assertThat(older.deliver()).isFalse();
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(5, null));
		assertThat(track("chat", 6)).isEqualTo(new Outcome.InOrder(6));
	}

	@Test
	void skippedCursorsAreGapThatIsDeliveredAndMovedPast() {
		track("chat", 4);
		Outcome gap = track("chat", 9);
		assertThat(gap).isEqualTo(new Outcome.Gap(5, 9));
		assertThat(gap.deliver()).isTrue();
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(9, null));
		assertThat(track("chat", 10)).isEqualTo(new Outcome.InOrder(10));
		assertThat(track("chat", 7)).isEqualTo(new Outcome.Duplicate(7, 10));
	}

	@Test
	void frameWithoutCursorIsDeliveredButNotTracked() {
		Outcome outcome = this.tracker.track(Frame.of("chat", IntNode.valueOf(1)));
		assertThat(outcome).isEqualTo(new Outcome.Untracked());
		assertThat(outcome.deliver()).isTrue();
		assertThat(this.tracker.position("chat")).isNull();
		assertThat(this.tracker.cursors()).isEmpty();
	}

	@Test
	void frameWithoutCursorDoesNotMoveTrackedChannel() {
		track("chat", 4);
		assertThat(this.tracker.track(Frame.of("chat", IntNode.valueOf(1)))).isEqualTo(new Outcome.Untracked());
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(4, null));
		assertThat(track("chat", 5)).isEqualTo(new Outcome.InOrder(5));
	}

	@Test
	void channelsAreTrackedIndependently() {
		track("chat", 4);
		track("news", 100);
		assertThat(track("chat", 5)).isEqualTo(new Outcome.InOrder(5));
		assertThat(track("news", 100)).isEqualTo(new Outcome.Duplicate(100, 100));
		assertThat(track("news", 102)).isEqualTo(new Outcome.Gap(101, 102));
	}

	@Test
	void resetFromAuthOkSetsCursorAndEpoch() {
		this.tracker.reset("chat", 10, "Xb3k");
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(10, "Xb3k"));
		assertThat(track("chat", 10)).isEqualTo(new Outcome.Duplicate(10, 10));
		assertThat(track("chat", 11)).isEqualTo(new Outcome.InOrder(11));
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(11, "Xb3k"));
	}

	@Test
	void resetAfterResumeRequiredMovesBackAndTakesNewEpoch() {
		this.tracker.reset("chat", 0, "old");
		track("chat", 50);
		SystemOp.ResumeRequired resume = new SystemOp.ResumeRequired("chat", 3, "new");
		this.tracker.reset(resume.channel(), resume.fromCursor() - 1, resume.epoch());
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(2, "new"));
		assertThat(track("chat", 3)).isEqualTo(new Outcome.InOrder(3));
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(3, "new"));
	}

	@Test
	void resetToZeroAcceptsAnyNextCursor() {
		track("chat", 50);
		this.tracker.reset("chat", 0, "new");
		assertThat(track("chat", 7)).isEqualTo(new Outcome.InOrder(7));
	}

	@Test
	void resetWithoutEpochKeepsKnownEpoch() {
		this.tracker.reset("chat", 5, "Xb3k");
		this.tracker.reset("chat", 8, null);
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(8, "Xb3k"));
	}

	@Test
	void resetWithoutEpochOnUnknownChannelHasNoEpoch() {
		this.tracker.reset("chat", 8, null);
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(8, null));
		assertThat(this.tracker.epochs()).isEmpty();
	}

	@Test
	void trackingKeepsEpoch() {
		this.tracker.reset("chat", 1, "Xb3k");
		track("chat", 2);
		track("chat", 9);
		track("chat", 3);
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(9, "Xb3k"));
	}

	@Test
	void removeForgetsChannel() {
		this.tracker.reset("chat", 5, "Xb3k");
		this.tracker.remove("chat");
		assertThat(this.tracker.position("chat")).isNull();
		assertThat(track("chat", 2)).isEqualTo(new Outcome.InOrder(2));
		assertThat(this.tracker.position("chat")).isEqualTo(new Position(2, null));
	}

	@Test
	void cursorsAndEpochsAreSnapshotsForAuth() {
		this.tracker.reset("chat:room-42", 16, "Xb3k");
		this.tracker.reset("news", 3, null);
		track("chat:room-42", 17);
		assertThat(this.tracker.cursors()).containsOnly(entry("chat:room-42", 17L), entry("news", 3L));
		assertThat(this.tracker.epochs()).containsOnly(entry("chat:room-42", "Xb3k"));
		Map<String, Long> cursors = this.tracker.cursors();
		track("chat:room-42", 18);
		assertThat(cursors).containsEntry("chat:room-42", 17L);
	}

	@Test
	void positionsBecomeResumeToken() {
		this.tracker.reset("chat:room-42", 16, "Xb3k");
		this.tracker.reset("news", 3, "Q1pz");
		this.tracker.reset("live", 0, null);
		track("chat:room-42", 17);
		ResumeToken token = this.tracker.toResumeToken();
		assertThat(token.positions()).containsOnly(entry("chat:room-42", new Position(17, "Xb3k")),
				entry("news", new Position(3, "Q1pz")), entry("live", new Position(0, null)));
		assertThat(ResumeToken.parse(token.format())).isEqualTo(token);
		track("chat:room-42", 18);
		assertThat(token.positions().get("chat:room-42")).isEqualTo(new Position(17, "Xb3k"));
	}

	@Test
	void emptyTrackerHasEmptyResumeToken() {
		assertThat(this.tracker.toResumeToken().format()).isEmpty();
		assertThat(this.tracker.cursors()).isEmpty();
		assertThat(this.tracker.epochs()).isEmpty();
	}

	private Outcome track(String channel, long cursor) {
		return this.tracker.track(new Frame(channel, cursor, IntNode.valueOf(0), null));
	}

}
