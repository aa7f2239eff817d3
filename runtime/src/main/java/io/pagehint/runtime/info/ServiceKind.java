package io.pagehint.runtime.info;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmProvisioner;
import java.util.List;

/**
 * A kind of pagehint service that {@code pagehint info} lists.
 *
 * @param title   heading in the text output
 * @param jsonKey key in the JSON output
 * @param type    the service interface
 */
public record ServiceKind(String title, String jsonKey, Class<?> type) {

    /** What {@code info} lists, in this order. */
    public static final List<ServiceKind> ALL = List.of(
            new ServiceKind("Tighteners", "tighteners", BitmapTightener.class),
            new ServiceKind("Layout providers", "layoutProviders", LayoutProvider.class),
            new ServiceKind("Hint sources", "hintSources", HintSource.class),
            new ServiceKind("Virtual machines", "virtualMachines", VirtualMachine.class),
            new ServiceKind("VM provisioners", "vmProvisioners", VmProvisioner.class),
            new ServiceKind("Migration services", "migrationServices", MigrationService.class));
}
