package io.pagehint.guest.vcpu;

/**
 * A workload that starts on a guest with a history: first a used-then-freed job fills and frees
 * its share of memory, then {@code next} runs. A build host that has compiled before has most of
 * its free memory dirty, not never-touched; without the history a fresh guest's free memory would
 * be holes of its RAM file, which a migration skips unread with or without hints, and the churn
 * scenario would not reproduce what the published compile experiments migrated.
 *
 * <p>While the history runs the name is the used-then-freed one ({@code used-then-freed:filling},
 * {@code ...:freeing}), so a host that waits for a settled guest waits for it to end.
 */
final class AfterUsedThenFreed implements Workload {

    private final UsedThenFreed history;
    private final Workload next;

    AfterUsedThenFreed(UsedThenFreed history, Workload next) {
        this.history = history;
        this.next = next;
    }

    @Override
    public long step(VcpuContext cpu) {
        if (history.phase() != UsedThenFreed.Phase.IDLE) {
            return history.step(cpu);
        }
        return next.step(cpu);
    }

    @Override
    public String name() {
        return history.phase() != UsedThenFreed.Phase.IDLE ? history.name() : next.name();
    }
}
