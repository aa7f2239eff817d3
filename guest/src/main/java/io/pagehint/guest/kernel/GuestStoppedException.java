package io.pagehint.guest.kernel;

/** The guest is shutting down: a thread waiting to run guest code gives up. */
public class GuestStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GuestStoppedException(String message) {
        super(message);
    }
}
