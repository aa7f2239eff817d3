package io.pagehint.guest.driver;

/** A running guest end of a free-page-hint channel. Closing it disconnects and releases what it holds. */
public interface GuestDriver extends AutoCloseable {

    /** The transport, as {@code io.pagehint.api.hint.HintSource#TRANSPORT} names it. */
    String transport();

    @Override
    void close();
}
