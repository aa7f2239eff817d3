package io.pagehint.api.migration;

import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ProviderType;

/** The destination end of a migration: listening, then receiving one migration. */
@ProviderType
public interface IncomingMigration extends Migration {

    /** The address it listens on (with the port chosen, when port 0 was asked for). */
    InetSocketAddress address();
}
