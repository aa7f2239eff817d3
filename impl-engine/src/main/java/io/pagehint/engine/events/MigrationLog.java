package io.pagehint.engine.events;

import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line when a migration starts and one when it ends, for operators reading the framework's log. */
public final class MigrationLog {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationLog.class);

    private MigrationLog() {
    }

    public static void started(String migrationId, MigrationRole role, String vmId, String peer) {
        if (role == MigrationRole.SOURCE) {
            LOG.info("migration {} started: guest {} to {}", migrationId, vmId, peer);
        } else {
            LOG.info("migration {} started: receiving guest {} on {}", migrationId, vmId, peer);
        }
    }

    public static void ended(MigrationReport r) {
        LOG.info("{}", endLine(r));
    }

    /** {@code migration <id> ended (source): completed, 12.0 MiB on the wire, 61234 pages skipped by hints, downtime 4.2 ms[, failure]}. */
    static String endLine(MigrationReport r) {
        StringBuilder b = new StringBuilder("migration ").append(r.migrationId()).append(" ended (")
                .append(r.role().name().toLowerCase()).append("): ").append(r.outcome().name().toLowerCase())
                .append(", ").append(mib(r.bytesOnWire())).append(" on the wire, ")
                .append(r.pagesSkippedByHints()).append(" pages skipped by hints, downtime ").append(ms(r.downtime()));
        if (!r.failure().isEmpty()) {
            b.append(": ").append(r.failure());
        }
        return b.toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String ms(Duration d) {
        return d == null ? "none" : String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
