package io.pagehint.reference.control;

import java.util.concurrent.TimeoutException;

/** What the control socket drives: the guest process. */
public interface ControlHandler {

    /** Parks every vCPU at a safepoint; returns when no guest write is in flight. */
    void pause() throws TimeoutException, InterruptedException;

    void resume();

    /** 0 to 99. */
    void throttle(int percent);

    GuestStatus status();

    /** Asks the guest to shut down; returns at once. */
    void quit();
}
