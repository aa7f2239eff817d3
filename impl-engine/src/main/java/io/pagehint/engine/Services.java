package io.pagehint.engine;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.migration.MigrationListener;
import io.pagehint.api.tighten.BitmapTightener;
import java.util.List;
import java.util.Optional;

/** The services a migration needs, as the engine finds them in the service registry at this moment. */
public interface Services {

    /** The tightener registered for this arch and machine type, if any. */
    Optional<BitmapTightener> tightener(String arch, String machine);

    /** The hint source for the guest {@code vmId}, of {@code transport} when it is not null. */
    Optional<HintSource> hintSource(String vmId, String transport);

    /** The whiteboard listeners. */
    List<MigrationListener> listeners();
}
