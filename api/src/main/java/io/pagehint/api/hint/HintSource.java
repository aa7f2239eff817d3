package io.pagehint.api.hint;

import io.pagehint.api.memory.GuestMemInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The host end of a channel that carries free-page hints from one guest: what a transport bundle
 * provides and the engine consumes (API 7a and 7b of the design note). Registered as a service,
 * one per guest, with {@link #TRANSPORT} and {@code vm.id}
 * ({@link io.pagehint.api.vm.VirtualMachine#VM_ID}) properties.
 *
 * <p>The guest is untrusted. An implementation validates every hint against the guest's layout
 * before handing it on, answers malformed input with an error and a reset of the channel, never
 * lets an exception reach the caller's thread from guest data, and bounds the memory and time any
 * guest message can cost.
 */
@ConsumerType
public interface HintSource {

    /** Service property (String): the transport, {@link #TRANSPORT_SERIAL} or {@link #TRANSPORT_VIRTIO_BALLOON}. */
    String TRANSPORT = "pagehint.transport";
    /** The design note's transport: a virtio-serial port carrying a framed protocol. */
    String TRANSPORT_SERIAL = "virtio-serial";
    /** The standard transport: a virtio-balloon device with VIRTIO_BALLOON_F_FREE_PAGE_HINT. */
    String TRANSPORT_VIRTIO_BALLOON = "virtio-balloon";

    /** The transport's name, the value of {@link #TRANSPORT}. */
    String transport();

    /** Whether a guest driver is attached and has finished its handshake. */
    boolean isGuestConnected();

    /**
     * API 7a, {@code get_guest_mem_info}: the guest's memory info, or empty when the transport or
     * the guest cannot tell (the note's {@code false}).
     *
     * @throws HintException if the channel fails or the guest does not answer within {@code timeout}
     */
    Optional<GuestMemInfo> memInfo(Duration timeout) throws HintException;

    /**
     * The byte every free page of the guest holds, when the guest poisons free pages (page
     * poisoning, or 0 with init-on-free); empty when free pages hold whatever was last written.
     * A page skipped because it was hinted free must read back as this value after migration.
     */
    OptionalInt pagePoison();

    /**
     * API 7b, streaming form: asks the guest for its free pages; chunks go to {@code consumer} as
     * they arrive. Never throws for a guest or channel problem: the request then ends with
     * {@link HintStatus#UNSUPPORTED} or {@link HintStatus#FAILED} through
     * {@link HintConsumer#onFinished}.
     *
     * @throws IllegalArgumentException if {@code options.commandId()} is not above every id this
     *                                  source has been given before
     */
    HintRequest request(HintRequestOptions options, HintConsumer consumer);

    /**
     * Messages from the guest this source dropped, since it was created, because they answered a
     * request or a question that had already ended: chunks and ends of a stopped or superseded
     * request, a second answer to one memory-info question. The guest was late, not wrong, and
     * nothing of such a message was used. 0 for a transport that does not count them.
     *
     * @since 1.1
     */
    default long staleMessagesDropped() {
        return 0;
    }

    /**
     * API 7b, polling form ({@code get_free_page_bmap}): collects the hints into a loose bitmap of
     * {@code pfnLimit} pages whose status the caller polls.
     */
    default FreePageBitmapRequest requestBitmap(HintRequestOptions options, long pfnLimit, int guestPageSize) {
        FreePageBitmapRequest collector = new FreePageBitmapRequest(options.commandId(), pfnLimit, guestPageSize);
        collector.attach(request(options, collector));
        return collector;
    }
}
