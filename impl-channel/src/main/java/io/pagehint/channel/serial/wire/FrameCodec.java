package io.pagehint.channel.serial.wire;

import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import io.pagehint.channel.serial.wire.Message.Error;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message.MemInfoRequest;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Encodes messages into frames and decodes payloads into messages (PROTOCOL.md A.1, A.3). */
public final class FrameCodec {

    private FrameCodec() {
    }

    /** Bytes of the whole frame that carries {@code m}. */
    public static int frameBytes(Message m) {
        return Frame.HEADER_BYTES + m.payloadBytes();
    }

    /**
     * Writes the frame of {@code m} with {@code sequence} at the position of {@code out} (which
     * must be little-endian and have {@link #frameBytes} bytes left).
     */
    public static void encode(Message m, int sequence, ByteBuffer out) {
        if (out.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("frames are little-endian");
        }
        out.putInt(Frame.MAGIC).put((byte) Frame.VERSION).put((byte) m.type().code()).putShort((short) 0)
                .putInt(sequence).putInt(m.payloadBytes());
        if (m instanceof Hello h) {
            out.putInt(h.maxFrame()).putInt(h.pageSize()).putLong(h.features()).put((byte) h.poison()).put(new byte[7]);
        } else if (m instanceof Welcome w) {
            out.putInt(w.maxFrame()).putInt(0).putLong(w.features());
        } else if (m instanceof MemInfoRequest r) {
            out.putLong(r.tag());
        } else if (m instanceof MemInfo i) {
            out.putLong(i.tag()).putLong(i.freePages()).putLong(i.cachedPages()).putLong(i.maxPfn())
                    .putInt(i.pageSize()).putInt(0);
        } else if (m instanceof BitmapRequest r) {
            out.putLong(r.commandId()).putInt(r.flags()).putInt(0);
        } else if (m instanceof ChunkWords c) {
            out.putLong(c.commandId()).putLong(c.firstPfn()).putInt(c.words().length).putInt(0);
            putLongs(out, c.words());
        } else if (m instanceof ChunkRanges c) {
            out.putLong(c.commandId()).putInt(c.runCount()).putInt(0);
            putLongs(out, c.runs());
        } else if (m instanceof BitmapDone d) {
            out.putLong(d.commandId()).putLong(d.pages()).putInt(d.chunks()).putInt(d.status());
        } else if (m instanceof Stop s) {
            out.putLong(s.commandId());
        } else if (m instanceof Error e) {
            byte[] text = Error.messageBytes(e.message());
            out.putInt(e.code()).putInt(text.length).putLong(e.commandId()).put(text);
        } else {
            throw new IllegalStateException("unknown message " + m);
        }
    }

    private static void putLongs(ByteBuffer out, long[] values) {
        out.asLongBuffer().put(values);
        out.position(out.position() + 8 * values.length);
    }

    /**
     * Decodes the payload of a frame of {@code type} (position to limit of {@code payload},
     * little-endian). The caller has checked that the length fits the type's shape.
     *
     * @throws WireException {@link ErrorCode#BAD_LENGTH} if a count disagrees with the length,
     *                       {@link ErrorCode#BAD_FIELD} if a field has a value the message does not allow
     */
    public static Message decode(MessageType type, ByteBuffer payload) throws WireException {
        int length = payload.remaining();
        try {
            return switch (type) {
                case HELLO -> {
                    int maxFrame = payload.getInt();
                    int pageSize = payload.getInt();
                    requireFrameSize(maxFrame);
                    requirePageSize(pageSize);
                    Hello h = new Hello(maxFrame, pageSize, payload.getLong(), payload.get() & 0xFF);
                    requireZero(payload, 7);
                    yield h;
                }
                case WELCOME -> {
                    int maxFrame = payload.getInt();
                    requireFrameSize(maxFrame);
                    requireZero(payload, 4);
                    yield new Welcome(maxFrame, payload.getLong());
                }
                case MEMINFO_REQUEST -> new MemInfoRequest(payload.getLong());
                case MEMINFO -> {
                    MemInfo i = new MemInfo(payload.getLong(), payload.getLong(), payload.getLong(), payload.getLong(), payload.getInt());
                    requireZero(payload, 4);
                    yield i;
                }
                case BITMAP_REQUEST -> {
                    BitmapRequest r = new BitmapRequest(payload.getLong(), payload.getInt());
                    requireZero(payload, 4);
                    yield r;
                }
                case CHUNK_WORDS -> {
                    long commandId = payload.getLong();
                    long firstPfn = payload.getLong();
                    long n = Integer.toUnsignedLong(payload.getInt());
                    requireZero(payload, 4);
                    if (n != (length - 24L) / 8) {
                        throw new WireException(ErrorCode.BAD_LENGTH, commandId, "CHUNK_WORDS count " + n + " does not match length " + length);
                    }
                    long[] words = new long[(int) n];
                    payload.asLongBuffer().get(words);
                    yield new ChunkWords(commandId, firstPfn, words);
                }
                case CHUNK_RANGES -> {
                    long commandId = payload.getLong();
                    long n = Integer.toUnsignedLong(payload.getInt());
                    requireZero(payload, 4);
                    if (n != (length - 16L) / 16) {
                        throw new WireException(ErrorCode.BAD_LENGTH, commandId, "CHUNK_RANGES count " + n + " does not match length " + length);
                    }
                    long[] runs = new long[(int) (2 * n)];
                    payload.asLongBuffer().get(runs);
                    yield new ChunkRanges(commandId, runs);
                }
                case BITMAP_DONE -> new BitmapDone(payload.getLong(), payload.getLong(), payload.getInt(), payload.getInt());
                case STOP -> new Stop(payload.getLong());
                case ERROR -> {
                    int code = payload.getInt();
                    long m = Integer.toUnsignedLong(payload.getInt());
                    long commandId = payload.getLong();
                    if (m > Error.MAX_MESSAGE_BYTES) {
                        throw new WireException(ErrorCode.BAD_LENGTH, "ERROR text of " + m + " bytes is longer than "
                                + Error.MAX_MESSAGE_BYTES);
                    }
                    if (m != length - 16L) {
                        throw new WireException(ErrorCode.BAD_LENGTH, "ERROR text of " + m + " bytes needs a payload of "
                                + (16 + m) + " bytes, not " + length);
                    }
                    byte[] text = new byte[(int) m];
                    payload.get(text);
                    yield new Error(code, commandId, utf8(text));
                }
            };
        } catch (IllegalArgumentException e) {
            throw new WireException(ErrorCode.BAD_FIELD, e.getMessage());
        }
    }

    /**
     * The handshake's frame size and page size: a value the other side cannot work with is
     * INCOMPATIBLE, not BAD_FIELD (PROTOCOL.md A.1 step 8, A.4 step 2), so a peer learns that
     * the handshake cannot succeed rather than that it sent a broken frame.
     */
    private static void requireFrameSize(int maxFrame) throws WireException {
        if (!Frame.isValidLimit(Integer.toUnsignedLong(maxFrame))) {
            throw new WireException(ErrorCode.INCOMPATIBLE, "max_frame " + Integer.toUnsignedString(maxFrame) + " is not between "
                    + Frame.MIN_FRAME + " and " + Frame.MAX_FRAME);
        }
    }

    /** HELLO's page size, as {@link #requireFrameSize}. */
    private static void requirePageSize(int pageSize) throws WireException {
        if (pageSize < 4096 || Integer.bitCount(pageSize) != 1) {
            throw new WireException(ErrorCode.INCOMPATIBLE, "page_size " + Integer.toUnsignedString(pageSize)
                    + " is not a power of two >= 4096");
        }
    }

    private static void requireZero(ByteBuffer payload, int bytes) throws WireException {
        for (int i = 0; i < bytes; i++) {
            if (payload.get() != 0) {
                throw new WireException(ErrorCode.BAD_FIELD, "reserved bytes are not zero");
            }
        }
    }

    /** Text for logs: malformed UTF-8 is replaced, never an error. */
    private static String utf8(byte[] text) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            return CharBuffer.wrap("?").toString();
        }
    }
}
