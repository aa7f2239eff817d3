package io.pagehint.x86.layout;

/**
 * A QEMU machine-type version ("7.0" in {@code pc-q35-7.0}, "1.7" in {@code pc-i440fx-1.7}). QEMU
 * keeps the guest-visible layout of each versioned machine type fixed so that guests can migrate
 * between QEMU releases; the layout rules that depend on the version are on {@link X86MachineType}.
 * {@link #LATEST} stands for the unversioned alias ({@code pc}, {@code q35}), which is the newest
 * versioned type of the QEMU release.
 */
record MachineVersion(int major, int minor) implements Comparable<MachineVersion> {

    /** The newest machine type; every compatibility switch is in its modern position. */
    static final MachineVersion LATEST = new MachineVersion(Integer.MAX_VALUE, 0);
    /** The oldest machine types modelled: pc-i440fx-1.4 and pc-q35-1.4 (the first q35). */
    static final MachineVersion OLDEST = new MachineVersion(1, 4);

    /**
     * Parses "X.Y" or "latest".
     *
     * @throws IllegalArgumentException if it is neither, or older than {@link #OLDEST}
     */
    static MachineVersion parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("latest")) {
            return LATEST;
        }
        int dot = t.indexOf('.');
        MachineVersion v;
        try {
            if (dot <= 0 || dot == t.length() - 1) {
                throw new NumberFormatException();
            }
            v = new MachineVersion(Integer.parseInt(t.substring(0, dot)), Integer.parseInt(t.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("machine-version: '" + text + "' is not a QEMU machine version such as 7.2 or latest");
        }
        if (v.major < 0 || v.minor < 0 || v.compareTo(OLDEST) < 0) {
            throw new IllegalArgumentException("machine-version: " + text + " is older than " + OLDEST
                    + ", the oldest machine type modelled");
        }
        return v;
    }

    /** Whether this version is older than {@code major.minor}. */
    boolean before(int major, int minor) {
        return compareTo(new MachineVersion(major, minor)) < 0;
    }

    @Override
    public int compareTo(MachineVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return this.equals(LATEST) ? "latest" : major + "." + minor;
    }
}
