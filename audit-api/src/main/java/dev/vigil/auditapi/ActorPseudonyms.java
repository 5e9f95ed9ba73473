package dev.vigil.auditapi;

import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets an auditor search by a person's login although the trail stores only pseudonyms
 * (docs/erasure.md): {@code actor=alice} becomes the pseudonym the streams app gave alice in the
 * caller's tenant. A value that already is a pseudonym ({@code p:...}) is used as given. Without
 * the pseudonym key (audit-api on another host than the streams app, with no key configured) the
 * value is searched as given, and the start-up log says so.
 */
final class ActorPseudonyms {

    private static final Logger LOG = LoggerFactory.getLogger(ActorPseudonyms.class);

    private final Optional<Pseudonyms> pseudonyms;

    ActorPseudonyms(Optional<Pseudonyms> pseudonyms) {
        this.pseudonyms = pseudonyms;
    }

    /** Loads the key the streams app uses; none (with a warning) when there is none to load. */
    static ActorPseudonyms load(PseudonymKeyConfig.Source source) {
        try {
            return new ActorPseudonyms(Optional.of(source.load()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "no pseudonym key at {} ({}): the actor filter of trail searches matches only pseudonyms (p:...);"
                            + " give audit-api the streams app's key (vigil.privacy.pseudonym-key-file) to search by"
                            + " login",
                    source,
                    e.getMessage());
            return new ActorPseudonyms(Optional.empty());
        }
    }

    /** The {@code user.id} to search for {@code actor} in {@code tenant}. */
    String userId(String tenant, String actor) {
        if (actor == null || Pseudonyms.isRef(actor) || pseudonyms.isEmpty()) {
            return actor;
        }
        return pseudonyms.get().ref(tenant, actor);
    }
}
