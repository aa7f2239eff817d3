package io.pagehint.guest.testing;

import io.pagehint.guest.boot.GuestLauncher;
import io.pagehint.reference.testing.TestLayouts;
import java.util.Arrays;

/**
 * The guest as its own OS process, for tests: {@code TestGuestMain guest <pagehint guest options>}
 * or {@code TestGuestMain check <pagehint guest-check options>}. The same code as the runtime's
 * commands, with the layout built without an OSGi framework.
 */
public final class TestGuestMain {

    private TestGuestMain() {
    }

    public static void main(String[] args) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int code = switch (args.length == 0 ? "" : args[0]) {
            case "guest" -> GuestLauncher.runGuest(rest, TestLayouts::of, System.out, System.err);
            case "check" -> GuestLauncher.runCheck(rest, TestLayouts::of, System.out, System.err);
            default -> {
                System.err.println("usage: TestGuestMain guest|check <options>");
                yield 2;
            }
        };
        System.exit(code);
    }
}
