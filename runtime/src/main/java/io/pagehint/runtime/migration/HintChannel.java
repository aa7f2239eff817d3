package io.pagehint.runtime.migration;

import io.pagehint.api.hint.HintSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * The host end of a guest's hint channel, to configure in this runtime: which transport, the
 * socket the guest's driver connects to, and further configuration properties of the channel's
 * component (for example {@code queue.size} of the virtio device).
 */
public record HintChannel(Kind kind, Path socket, Map<String, String> options) {

    /**
     * @throws IllegalArgumentException if the host end could not listen at {@code socket}: its folder
     *                                  is missing, or something other than a (stale) socket is there
     */
    public HintChannel {
        options = Map.copyOf(options);
        checkSocketPath(socket);
    }

    /**
     * The host end replaces a stale socket but never another file (PROTOCOL.md, common conventions);
     * said here in one line, before anything is configured, rather than as a failed component and a
     * wait for a channel that cannot appear.
     */
    private static void checkSocketPath(Path socket) {
        Path folder = socket.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--channel-socket " + socket + ": the folder " + folder + " does not exist");
        }
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isOther()) {
                throw new IllegalArgumentException("--channel-socket " + socket + " is a "
                        + (a.isDirectory() ? "folder" : a.isSymbolicLink() ? "symbolic link" : "regular file")
                        + ", not a socket: name a path where the host end can listen");
            }
        } catch (NoSuchFileException absent) {
            // the usual case: the host end creates it
        } catch (IOException e) {
            throw new IllegalArgumentException("--channel-socket " + socket + ": " + e.getMessage());
        }
    }

    public HintChannel(Kind kind, Path socket) {
        this(kind, socket, Map.of());
    }

    /** The transports, by their command-line names. */
    public enum Kind {
        SERIAL("serial", "io.pagehint.channel.serial", HintSource.TRANSPORT_SERIAL, "socket.path"),
        VIRTIO("virtio", "io.pagehint.channel.virtio", HintSource.TRANSPORT_VIRTIO_BALLOON, "doorbell.path");

        final String cliName;
        final String factoryPid;
        final String transport;
        final String socketProperty;

        Kind(String cliName, String factoryPid, String transport, String socketProperty) {
            this.cliName = cliName;
            this.factoryPid = factoryPid;
            this.transport = transport;
            this.socketProperty = socketProperty;
        }

        public String transport() {
            return transport;
        }

        /** The name on the command line, as {@code pagehint guest --serial|--virtio} and {@code --channel} take it. */
        public String cliName() {
            return cliName;
        }

        /** The kind a command-line name stands for; null for "none". */
        public static Kind of(String cliName) {
            for (Kind k : values()) {
                if (k.cliName.equals(cliName)) {
                    return k;
                }
            }
            if ("none".equals(cliName)) {
                return null;
            }
            throw new IllegalArgumentException("no hint channel called " + cliName + " (serial, virtio or none)");
        }

        /** Like {@link #of}, for a command whose runs need hints: "none" is refused too. */
        public static Kind hinting(String cliName) {
            Kind k = of(cliName);
            if (k == null) {
                throw new IllegalArgumentException("hinted runs need a hint channel: serial or virtio, not none");
            }
            return k;
        }
    }

    Map<String, Object> configuration(String vmId) {
        Map<String, Object> c = new java.util.HashMap<>(options);
        c.putAll(Map.of("vm.id", vmId, "vm.target", "(vm.id=" + vmId + ")", kind.socketProperty, socket.toString()));
        return c;
    }
}
