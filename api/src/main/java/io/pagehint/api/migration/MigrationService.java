package io.pagehint.api.migration;

import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VirtualMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The migration engine: pre-copy live migration over TCP that skips pages the guest hints free.
 * The engine finds hint sources and tighteners as services; without them it migrates without hints.
 */
@ProviderType
public interface MigrationService {

    /**
     * Starts migrating {@code vm} to the destination listening at {@code destination}. Returns at
     * once; the migration runs on the engine's threads. Whatever happens, the source guest ends
     * up running and whole: a failed or cancelled migration resumes it if it was paused.
     *
     * A guest is migrated by one migration at a time.
     *
     * @param listener receives this migration's events; may be null
     * @throws IllegalArgumentException if the guest cannot be migrated ({@link VirtualMachine#migrationRefusal()}
     *                                  says why; the message is that reason): nothing was started
     * @throws IllegalStateException at once, saying which migration holds it, if {@code vm} (by
     *         its {@link VirtualMachine#id()}) is being migrated already
     */
    Migration migrate(VirtualMachine vm, InetSocketAddress destination, MigrationOptions options,
                      MigrationListener listener);

    /**
     * Listens on {@code listen} for one incoming migration into {@code vm}. The migration is
     * reported completed only if {@link IncomingVm#verify()} passes.
     *
     * @throws IOException if it cannot listen there
     */
    IncomingMigration receive(InetSocketAddress listen, IncomingVm vm, MigrationListener listener) throws IOException;

    /**
     * Listens on {@code listen} for one incoming migration into {@code vm}, over TLS when
     * {@code options} (or the engine's configuration) names credentials. Without TLS it refuses
     * to listen on an address that is not loopback unless {@link ReceiveOptions#allowPlaintext()}.
     *
     * @throws IOException if it cannot listen there, or its TLS credentials cannot be read
     */
    IncomingMigration receive(InetSocketAddress listen, IncomingVm vm, ReceiveOptions options,
                              MigrationListener listener) throws IOException;

    /** Migrations not yet final, both ends. */
    List<Migration> active();
}
