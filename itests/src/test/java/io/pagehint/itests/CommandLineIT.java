package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.ListenerHook;

/** The pagehint commands inside the framework, as the Gogo commands {@code pagehint:<verb>} run them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CommandLineIT extends InFramework {

    @Inject
    CommandProcessor gogo;

    /** Runs one Gogo command line and returns what it printed. */
    private String gogo(String commandLine) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), out, System.err)) {
            session.execute(commandLine);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void infoListsEveryBundleWithItsStateAndTheKindsOfService() throws Exception {
        JsonObject info = JsonParser.parseString(gogo("pagehint:info --json")).getAsJsonObject();

        assertThat(info.getAsJsonArray("bundles")).hasSize(context.getBundles().length);
        for (JsonElement b : info.getAsJsonArray("bundles")) {
            JsonObject bundle = b.getAsJsonObject();
            Bundle real = context.getBundle(bundle.get("id").getAsLong());
            assertThat(bundle.get("symbolicName").getAsString()).isEqualTo(real.getSymbolicName());
            assertThat(bundle.get("state").getAsString()).isEqualTo("ACTIVE");
        }
        assertThat(info.getAsJsonObject("services").keySet()).contains("tighteners", "layoutProviders", "hintSources",
                "virtualMachines", "migrationServices");
    }

    @Test
    public void layoutWaitsForTheLayoutProviderOfItsMachineAndPrintsTheMap() throws Exception {
        // the command is known to be waiting once the runtime bundle listens for layout providers
        CountDownLatch waiting = new CountDownLatch(1);
        ListenerHook hook = new ListenerHook() {
            @Override
            public void added(Collection<ListenerInfo> listeners) {
                for (ListenerInfo l : listeners) {
                    if ("io.pagehint.runtime".equals(l.getBundleContext().getBundle().getSymbolicName())
                            && l.getFilter() != null && l.getFilter().contains("(pagehint.machine=toy)")) {
                        waiting.countDown();
                    }
                }
            }

            @Override
            public void removed(Collection<ListenerInfo> listeners) {
            }
        };
        ServiceRegistration<ListenerHook> hookReg = context.registerService(ListenerHook.class, hook, null);
        ServiceRegistration<LayoutProvider> providerReg = null;
        try {
            CompletableFuture<String> printed = CompletableFuture.supplyAsync(() -> {
                try {
                    return gogo("pagehint:layout --wait 20s --arch toy64 --machine toy --ram 3G --json");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(waiting.await(20, TimeUnit.SECONDS)).as("layout looks for the provider").isTrue();
            assertThat(printed).as("it waits instead of failing").isNotDone();

            Hashtable<String, Object> props = new Hashtable<>();
            props.put(LayoutProvider.ARCH, "toy64");
            props.put(LayoutProvider.MACHINES, new String[] {"toy"});
            providerReg = context.registerService(LayoutProvider.class, CommandLineIT::toyLayout, props);

            JsonObject layout = JsonParser.parseString(printed.get(20, TimeUnit.SECONDS)).getAsJsonObject();
            assertThat(layout.get("ramBytes").getAsLong()).isEqualTo(3L << 30);
            assertThat(layout.getAsJsonArray("map")).extracting(e -> e.getAsJsonObject().get("type").getAsString())
                    .containsExactly("ram", "reserved", "ram", "hole", "ram");
            assertThat(layout.getAsJsonArray("map").get(3).getAsJsonObject().get("start").getAsString()).isEqualTo("0x80000000");
        } finally {
            hookReg.unregister();
            if (providerReg != null) {
                providerReg.unregister();
            }
        }
    }

    /** A q35-like machine: RAM below 2 GiB, a hole to 4 GiB, the rest above; a reserved legacy area. */
    private static GuestMemoryLayout toyLayout(MachineSpec spec) {
        long below = Math.min(spec.ramBytes(), 2L << 30);
        List<RamRange> ranges = spec.ramBytes() > below
                ? List.of(new RamRange(0, below, 0), new RamRange(4L << 30, spec.ramBytes() - below, below))
                : List.of(new RamRange(0, below, 0));
        return new GuestMemoryLayout(spec.arch(), spec.machine(), 4096,
                List.of(new RamBlock(0, "toy.ram", spec.ramBytes(), 4096, ranges)),
                List.of(new ReservedRange(0xa0000, 0x60000, "legacy")));
    }
}
