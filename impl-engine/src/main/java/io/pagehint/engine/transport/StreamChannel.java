package io.pagehint.engine.transport;

import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * One connection of a migration as the stream code sees it: bytes in, bytes out (gathering, so a
 * batch of pages goes out in one call), blocking. Plain TCP or TLS underneath; {@link #close()}
 * may be called from any thread and wakes a read or write blocked on it.
 */
public interface StreamChannel extends ByteChannel, GatheringByteChannel {

    /** Whether the bytes are encrypted and the peer authenticated (TLS). */
    boolean secure();

    /** Who is at the other end, for messages: the address, and the certificate's subject under TLS. */
    String peer();
}
