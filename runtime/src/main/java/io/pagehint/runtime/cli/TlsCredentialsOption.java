package io.pagehint.runtime.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --tls-creds}: this end's TLS credentials folder, for both ends of a migration ({@code migrate}
 * is the client, {@code receive} the server). {@code @Mixin TlsCredentialsOption tls;}
 */
public final class TlsCredentialsOption {

    @Option(names = "--tls-creds", paramLabel = "<dir>",
            description = "TLS 1.3 with mutual X.509 authentication: a folder with ca-cert.pem and this end's certificate and key, "
                    + "as QEMU's (migrate: client-cert.pem, client-key.pem; receive: server-cert.pem, server-key.pem).")
    Path folder;

    /**
     * The folder given, or null for none; a usage error if it is not a folder.
     *
     * @param role "client" or "server": whose files the error message names
     */
    public Path folder(String role) {
        if (folder != null && !Files.isDirectory(folder)) {
            throw new CliException("--tls-creds " + folder + " is not a folder (ca-cert.pem, " + role + "-cert.pem, "
                    + role + "-key.pem)", PagehintCli.EXIT_USAGE);
        }
        return folder;
    }
}
