package io.pagehint.runtime.migration;

import java.net.InetSocketAddress;

/** HOST:PORT on the command line, for IPv4, names, and [IPv6]:PORT. */
public final class HostPort {

    private HostPort() {
    }

    public static InetSocketAddress parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + s);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + s);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            // found here, before anything is created for a migration, not as a trace from bind or connect
            throw new IllegalArgumentException("cannot resolve host " + host + " in " + s);
        }
        return address;
    }
}
