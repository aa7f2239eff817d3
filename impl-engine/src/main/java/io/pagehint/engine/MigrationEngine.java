package io.pagehint.engine;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationListener;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.migration.ReceiveOptions;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.engine.destination.DestinationMigration;
import io.pagehint.engine.events.MigrationEventPoster;
import io.pagehint.engine.events.MigrationLog;
import io.pagehint.engine.report.Events;
import io.pagehint.engine.source.SourceMigration;
import io.pagehint.engine.transport.TlsCredentials;
import java.nio.file.Path;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration engine as an OSGi service. It sees architectures and transports only as services:
 * tighteners (chosen by {@link BitmapTightener#ARCH} and {@link BitmapTightener#MACHINES}) and hint
 * sources (chosen by {@link VirtualMachine#VM_ID} and {@link HintSource#TRANSPORT}), all bound
 * dynamically, so an arch or channel bundle can be stopped, updated or replaced while the engine
 * runs: a migration whose hint source or tightener leaves goes on without hints and loses nothing.
 *
 * <p>It owns running work, so it is immediate (the last consumer letting go of the service does not
 * deactivate it) and takes a new configuration in {@link #modified}: a migration keeps the settings
 * it started with, new ones get the new settings. Only the bundle stopping cancels migrations.
 *
 * <p>A guest is migrated by one migration at a time: {@link #migrate} refuses a second one for
 * the same {@link VirtualMachine#id()} while the first runs.
 */
@Component(service = MigrationService.class, configurationPid = MigrationEngine.PID, immediate = true)
@Designate(ocd = MigrationEngine.Config.class)
public final class MigrationEngine implements MigrationService {

    public static final String PID = "io.pagehint.engine";

    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);

    @ObjectClassDefinition(name = "pagehint migration engine",
            description = "Pre-copy live migration that skips the pages a guest hints free.")
    public @interface Config {
        @AttributeDefinition(name = "Event interval (ms)", description = "How often progress events go out while a round runs.")
        long event_interval_ms() default 100;

        @AttributeDefinition(name = "Stall timeout (s)", description = "A destination gives up when it receives nothing"
                + " for this long, or when the handshake, one record, or the wait for COMMIT after its RESULT takes longer.")
        long stall_timeout_s() default 30;

        @AttributeDefinition(name = "Initial throttle (%)", description = "Auto-converge's first vCPU throttle.")
        int throttle_initial() default 20;

        @AttributeDefinition(name = "Throttle step (%)", description = "Auto-converge's increment per round that does not converge.")
        int throttle_increment() default 10;

        @AttributeDefinition(name = "TLS credentials folder", required = false,
                description = "A folder laid out as QEMU's x509 credentials (ca-cert.pem, server-cert.pem, server-key.pem,"
                        + " client-cert.pem, client-key.pem): migrations that name none use TLS 1.3 with these. Empty: plain TCP.")
        String tls_creds() default "";

        @AttributeDefinition(name = "Authorized client subjects", required = false,
                description = "Subject DNs (RFC 4514) of the source certificates a destination accepts; empty: any the CA signed.")
        String[] tls_authz() default {};

        @AttributeDefinition(name = "Allow plaintext", description = "Let a destination listen without TLS on an address"
                + " that is not loopback. Off: the stream carries the guest's whole memory.")
        boolean allow_plaintext() default false;
    }

    /** What the configuration says about the transport, for migrations that do not say. */
    private record TransportDefaults(Path tlsCredentials, Set<String> authorizedSubjects, boolean allowPlaintext) {
        static final TransportDefaults NONE = new TransportDefaults(null, Set.of(), false);

        static TransportDefaults of(Config config) {
            return new TransportDefaults(
                    config.tls_creds() == null || config.tls_creds().isBlank() ? null : Path.of(config.tls_creds().trim()),
                    config.tls_authz() == null ? Set.of() : Set.of(config.tls_authz()), config.allow_plaintext());
        }
    }

    /** A service with its properties. */
    private record Registered<S>(S service, Map<String, Object> properties) {
        int ranking() {
            return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        }
    }

    private volatile EngineSettings settings;
    /** The configuration's transport defaults; like the settings, a new configuration is for migrations started after it. */
    private volatile TransportDefaults transport;
    /** Test seam (package-private constructor only): applies hints after harvests, which loses guest writes. */
    private final boolean applyStaleHints;
    // ids keep rising across engine restarts, as a hint source may outlive us
    private final AtomicLong commandIds = new AtomicLong(System.currentTimeMillis() * 1000);
    private final List<Registered<BitmapTightener>> tighteners = new CopyOnWriteArrayList<>();
    private final List<Registered<HintSource>> hintSources = new CopyOnWriteArrayList<>();
    private final List<MigrationListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Migration> active = ConcurrentHashMap.newKeySet();
    /** The running source migration of each guest, by VM id: one at a time. */
    private final Map<String, Migration> migrating = new ConcurrentHashMap<>();
    private final Services services = new RegistryServices();
    /** Lifecycle and progress to EventAdmin, when there is one (README, "Events"). */
    private final MigrationEventPoster eventPoster = new MigrationEventPoster();

    @Activate
    public MigrationEngine(Config config) {
        this(EngineSettings.of(config), false, TransportDefaults.of(config));
    }

    /** An engine outside a framework: add services with the {@code add*} methods. */
    public MigrationEngine(EngineSettings settings) {
        this(settings, false);
    }

    /**
     * The race tests' seam, out of any operator's reach: with {@code applyStaleHints} the rule "no
     * hint after the harvest" is off, and migrations of a busy guest lose writes.
     */
    MigrationEngine(EngineSettings settings, boolean applyStaleHints) {
        this(settings, applyStaleHints, TransportDefaults.NONE);
    }

    private MigrationEngine(EngineSettings settings, boolean applyStaleHints, TransportDefaults transport) {
        this.settings = settings;
        this.transport = transport;
        this.applyStaleHints = applyStaleHints;
        if (applyStaleHints) {
            LOG.warn("TEST SEAM on: hints are applied after dirty-log harvests; migrations can LOSE GUEST WRITES");
        }
    }

    /** A new configuration: for migrations started from now on; running ones keep theirs and go on. */
    @Modified
    void modified(Config config) {
        settings = EngineSettings.of(config);
        transport = TransportDefaults.of(config);
        LOG.debug("new engine settings {}; {} migrations running keep theirs", settings, active.size());
    }

    /** The settings new migrations get. */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * @throws IllegalStateException at once, if the guest is being migrated already
     */
    @Override
    public Migration migrate(VirtualMachine vm, InetSocketAddress destination, MigrationOptions options,
                             MigrationListener listener) {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(destination, "destination");
        // a guest without a dirty log (a QEMU guest seen from outside) is refused before anything starts
        Optional<String> refusal = vm.migrationRefusal();
        if (refusal.isPresent()) {
            throw new IllegalArgumentException(refusal.get());
        }
        MigrationOptions o = options == null ? MigrationOptions.defaults() : options;
        TransportDefaults t = transport;
        if (o.tlsCredentials() == null && t.tlsCredentials() != null) {
            o = o.toBuilder().tlsCredentials(t.tlsCredentials()).build();
        }
        SourceMigration m = new SourceMigration(vm, destination, o, services, settings, commandIds,
                new Events(listener, () -> listeners, eventPoster), applyStaleHints);
        Migration running = migrating.putIfAbsent(vm.id(), m);
        if (running != null) {
            throw new IllegalStateException("guest " + vm.id() + " is already being migrated (migration " + running.id()
                    + ", " + running.phase() + "); a guest is migrated by one migration at a time");
        }
        m.result().whenComplete((r, e) -> migrating.remove(vm.id(), m));
        String peer = destination.getHostString() + ":" + destination.getPort();
        start(m, () -> {
            // on the migration's thread, so EventAdmin delivers STARTED before its progress
            announce(m, vm.id(), peer);
            m.run();
        });
        return m;
    }

    @Override
    public IncomingMigration receive(InetSocketAddress listen, IncomingVm vm, MigrationListener listener) throws IOException {
        return receive(listen, vm, ReceiveOptions.defaults(), listener);
    }

    @Override
    public IncomingMigration receive(InetSocketAddress listen, IncomingVm vm, ReceiveOptions options,
                                     MigrationListener listener) throws IOException {
        Objects.requireNonNull(listen, "listen");
        ReceiveOptions o = options == null ? ReceiveOptions.defaults() : options;
        TransportDefaults t = transport;
        Path folder = o.tlsCredentials() != null ? o.tlsCredentials() : t.tlsCredentials();
        Set<String> subjects = !o.authorizedSubjects().isEmpty() ? o.authorizedSubjects() : t.authorizedSubjects();
        TlsCredentials tls = null;
        if (folder != null) {
            tls = TlsCredentials.load(folder, TlsCredentials.Role.SERVER, subjects);
        } else if (!subjects.isEmpty()) {
            throw new IOException("an authorization list of certificate subjects needs TLS credentials");
        } else if (!o.allowPlaintext() && !t.allowPlaintext()
                && (listen.getAddress() == null || !listen.getAddress().isLoopbackAddress())) {
            // secure by default: off this host, plaintext hands the guest's memory to the network
            throw new IOException("refusing to listen on " + listen.getHostString() + " without TLS: the stream carries"
                    + " the guest's whole memory (give TLS credentials, or allow plaintext explicitly)");
        }
        Events events = new Events(listener, () -> listeners, eventPoster);
        DestinationMigration m = new DestinationMigration(listen, vm, tls, settings, events);
        String listening = m.address().getHostString() + ":" + m.address().getPort();
        // STARTED under the source's id, once the destination has read it and answered (Events)
        events.holdUntilIdKnown(() -> announce(m, vm.id(), listening));
        start(m, m);
        return m;
    }

    @Override
    public List<Migration> active() {
        return List.copyOf(active);
    }

    /** The log line and the STARTED event of a migration, under the id it has now. */
    private void announce(Migration m, String vmId, String peer) {
        MigrationLog.started(m.id(), m.role(), vmId, peer);
        eventPoster.started(m.id(), m.role(), vmId, peer);
    }

    /** Runs {@code body} on the migration's own thread; the migration ends with the report it completes. */
    private void start(Migration m, Runnable body) {
        active.add(m);
        m.result().whenComplete((r, e) -> {
            active.remove(m);
            if (r != null) {
                MigrationLog.ended(r);
                eventPoster.ended(r);
            }
        });
        Thread t = new Thread(body, "pagehint-" + m.role().name().toLowerCase() + "-" + m.id().substring(0, 8));
        t.start();
    }

    /**
     * The bundle stops (never a reconfiguration, see {@link #modified}): cancels what is still
     * running and waits a little for it to wind down (guests resumed, sockets closed).
     */
    @Deactivate
    void deactivate() {
        List<Migration> running = active();
        running.forEach(Migration::cancel);
        for (Migration m : running) {
            try {
                m.await(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (TimeoutException e) {
                LOG.warn("migration {} did not end within 5 s of the engine stopping", m.id());
            }
        }
    }

    // ------------------------------------------------------------------ services

    @Reference(service = BitmapTightener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addTightener(BitmapTightener tightener, Map<String, Object> properties) {
        tighteners.add(new Registered<>(tightener, Map.copyOf(properties)));
    }

    public void removeTightener(BitmapTightener tightener) {
        tighteners.removeIf(r -> r.service() == tightener);
        serviceGone(tightener, "the tightener");
    }

    @Reference(service = HintSource.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addHintSource(HintSource source, Map<String, Object> properties) {
        hintSources.add(new Registered<>(source, Map.copyOf(properties)));
    }

    public void removeHintSource(HintSource source) {
        hintSources.removeIf(r -> r.service() == source);
        serviceGone(source, "the " + source.transport() + " hint source");
    }

    @Reference(service = MigrationListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    public void addListener(MigrationListener listener) {
        listeners.add(listener);
    }

    public void removeListener(MigrationListener listener) {
        listeners.remove(listener);
    }

    /** Optional: without an EventAdmin the engine posts no events and misses nothing else. */
    @Reference(service = EventAdmin.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setEventAdmin(EventAdmin admin) {
        eventPoster.eventAdmin(admin);
    }

    public void unsetEventAdmin(EventAdmin admin) {
        eventPoster.eventAdminGone(admin);
    }

    private void serviceGone(Object service, String what) {
        for (Migration m : active) {
            if (m instanceof SourceMigration s) {
                s.serviceGone(service, what);
            }
        }
    }

    /** Looks services up by their properties in what is bound now. */
    private final class RegistryServices implements Services {

        @Override
        public Optional<BitmapTightener> tightener(String arch, String machine) {
            return best(tighteners, p -> arch.equals(p.get(BitmapTightener.ARCH)) && values(p.get(BitmapTightener.MACHINES)).contains(machine));
        }

        @Override
        public Optional<HintSource> hintSource(String vmId, String transport) {
            return best(hintSources, p -> vmId.equals(String.valueOf(p.get(VirtualMachine.VM_ID)))
                    && (transport == null || transport.equals(p.get(HintSource.TRANSPORT))));
        }

        @Override
        public List<MigrationListener> listeners() {
            return listeners;
        }

        private <S> Optional<S> best(List<Registered<S>> all, java.util.function.Predicate<Map<String, Object>> match) {
            return all.stream().filter(r -> match.test(r.properties()))
                    .max(Comparator.comparingInt(Registered::ranking)).map(Registered::service);
        }

        private Collection<String> values(Object property) {
            List<String> out = new ArrayList<>();
            if (property instanceof String s) {
                out.add(s);
            } else if (property instanceof String[] a) {
                out.addAll(List.of(a));
            } else if (property instanceof Collection<?> c) {
                c.forEach(v -> out.add(String.valueOf(v)));
            }
            return out;
        }
    }

    /** The services this engine sees now: for tests and embedders. */
    public Services services() {
        return services;
    }
}
