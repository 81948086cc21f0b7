package io.pushwire.security;

import java.security.Principal;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import io.pushwire.core.ChannelName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link AccessRule}.
 */
class AccessRuleTests {

	private static final ChannelName ALICES_ORDERS = ChannelName.parse("orders:alice");

	private final Principal alice = () -> "alice";

	private final Principal anonymous = AnonymousPrincipal.forClient("6b1f0000-0000-4000-8000-000000000000");

	private final Principal springAnonymous = new AnonymousAuthenticationToken("key", "anonymousUser",
			AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS", "ROLE_ADMIN"));

	@Test
	void parsesEachForm() {
		assertThat(AccessRule.parse("authenticated")).isSameAs(AccessRule.AUTHENTICATED);
		assertThat(AccessRule.parse("anonymous")).isSameAs(AccessRule.ANONYMOUS);
		assertThat(AccessRule.parse("permit-all")).isSameAs(AccessRule.ANONYMOUS);
		assertThat(AccessRule.parse("none")).isSameAs(AccessRule.NONE);
		assertThat(AccessRule.parse("deny-all")).isSameAs(AccessRule.NONE);
		assertThat(AccessRule.parse("owner")).isSameAs(AccessRule.OWNER);
		assertThat(AccessRule.parse("role:ADMIN")).isEqualTo(new AccessRule.Role("ADMIN"));
	}

	@Test
	void parseIgnoresSurroundingWhitespace() {
		assertThat(AccessRule.parse("  owner\t")).isSameAs(AccessRule.OWNER);
		assertThat(AccessRule.parse(" role:ADMIN ")).isEqualTo(new AccessRule.Role("ADMIN"));
	}

	@Test
	void rulesPrintAsTheyAreWritten() {
		for (String text : new String[] { "authenticated", "anonymous", "none", "owner", "role:ADMIN" }) {
			assertThat(AccessRule.parse(text)).hasToString(text);
		}
	}

	@Test
	void parseRefusesUnknownRuleNamingAcceptedForms() {
		assertThatIllegalArgumentException().isThrownBy(() -> AccessRule.parse("admins"))
			.withMessage("Unknown access rule 'admins': use authenticated, anonymous, none, owner or role:NAME");
		assertThatIllegalArgumentException().isThrownBy(() -> AccessRule.parse("role:"))
			.withMessageStartingWith("Unknown access rule 'role:'");
		assertThatIllegalArgumentException().isThrownBy(() -> AccessRule.parse("Authenticated"));
		assertThatIllegalArgumentException().isThrownBy(() -> AccessRule.parse(""));
	}

	@Test
	void authenticatedAllowsAnyoneButAnonymous() {
		assertThat(AccessRule.AUTHENTICATED.allows(this.alice, ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.AUTHENTICATED.allows(user("bob"), ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.AUTHENTICATED.allows(this.anonymous, ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.AUTHENTICATED.allows(this.springAnonymous, ALICES_ORDERS)).isFalse();
	}

	@Test
	void anonymousAllowsEveryone() {
		assertThat(AccessRule.ANONYMOUS.allows(this.alice, ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.ANONYMOUS.allows(this.anonymous, ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.ANONYMOUS.allows(this.springAnonymous, ALICES_ORDERS)).isTrue();
	}

	@Test
	void noneAllowsNobody() {
		assertThat(AccessRule.NONE.allows(this.alice, ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.NONE.allows(user("alice", "ROLE_ADMIN"), ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.NONE.allows(this.anonymous, ALICES_ORDERS)).isFalse();
	}

	@Test
	void ownerAllowsPrincipalNamedByTopic() {
		assertThat(AccessRule.OWNER.allows(this.alice, ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.OWNER.allows(user("alice"), ALICES_ORDERS)).isTrue();
		assertThat(AccessRule.OWNER.allows(user("bob"), ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.OWNER.allows(user("Alice"), ALICES_ORDERS)).isFalse();
	}

	@Test
	void ownerComparesWholeTopic() {
		assertThat(AccessRule.OWNER.allows(this.alice, ChannelName.parse("orders:user:alice"))).isFalse();
		assertThat(AccessRule.OWNER.allows(() -> "user:alice", ChannelName.parse("orders:user:alice"))).isTrue();
		assertThat(AccessRule.OWNER.allows(this.alice, ChannelName.parse("orders"))).isFalse();
	}

	@Test
	void ownerRefusesAnonymousEvenWhenTopicIsItsName() {
		ChannelName anonymousTopic = ChannelName.parse("orders:" + this.anonymous.getName());
		assertThat(AccessRule.OWNER.allows(this.anonymous, anonymousTopic)).isFalse();
		ChannelName springAnonymousTopic = ChannelName.parse("orders:" + this.springAnonymous.getName());
		assertThat(AccessRule.OWNER.allows(this.springAnonymous, springAnonymousTopic)).isFalse();
	}

	@Test
	void roleAllowsPrincipalWithPrefixedOrBareAuthority() {
		AccessRule admin = AccessRule.parse("role:ADMIN");
		assertThat(admin.allows(user("alice", "ROLE_ADMIN"), ALICES_ORDERS)).isTrue();
		assertThat(admin.allows(user("alice", "ROLE_USER", "ADMIN"), ALICES_ORDERS)).isTrue();
	}

	@Test
	void roleRefusesPrincipalWithoutIt() {
		AccessRule admin = AccessRule.parse("role:ADMIN");
		assertThat(admin.allows(user("alice"), ALICES_ORDERS)).isFalse();
		assertThat(admin.allows(user("alice", "ROLE_USER", "ROLE_ADMINS"), ALICES_ORDERS)).isFalse();
		assertThat(admin.allows(user("alice", "ROLE_admin"), ALICES_ORDERS)).isFalse();
		assertThat(admin.allows(user("alice", "SCOPE_ADMIN"), ALICES_ORDERS)).isFalse();
	}

	@Test
	void roleRefusesPrincipalThatIsNoAuthentication() {
		assertThat(AccessRule.parse("role:ADMIN").allows(this.alice, ALICES_ORDERS)).isFalse();
	}

	@Test
	void roleRefusesAnonymousWhateverItsAuthorities() {
		assertThat(AccessRule.parse("role:ADMIN").allows(this.springAnonymous, ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.parse("role:ANONYMOUS").allows(this.springAnonymous, ALICES_ORDERS)).isFalse();
		assertThat(AccessRule.parse("role:ADMIN").allows(this.anonymous, ALICES_ORDERS)).isFalse();
	}

	private static UsernamePasswordAuthenticationToken user(String name, String... authorities) {
		return UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
				AuthorityUtils.createAuthorityList(authorities));
	}

}
