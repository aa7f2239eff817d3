package io.pagehint.api.migration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives progress events. Pass one with a request to follow that migration, or register one as
 * a service (whiteboard) to follow every migration of the runtime. Called from the engine's
 * threads: return quickly, throw nothing (what is thrown is logged and ignored).
 */
@ConsumerType
public interface MigrationListener {

    void onEvent(MigrationEvent event);
}
