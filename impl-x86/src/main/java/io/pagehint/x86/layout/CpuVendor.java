package io.pagehint.x86.layout;

import java.util.Locale;

/** The vendor the guest's CPU model reports; only AMD guests get the HyperTransport hole below 1 TiB. */
enum CpuVendor {
    INTEL, AMD;

    static CpuVendor parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cpu-vendor: '" + text + "' is neither intel nor amd");
        }
    }
}
