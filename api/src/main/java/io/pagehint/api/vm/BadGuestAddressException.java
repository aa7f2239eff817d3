package io.pagehint.api.vm;

/** A guest-physical address range that is not the guest's RAM: outside it, in a hole, or overflowing. */
public class BadGuestAddressException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadGuestAddressException(long gpa, long length) {
        super("guest-physical range 0x" + Long.toHexString(gpa) + "+" + length + " is not guest RAM");
    }
}
