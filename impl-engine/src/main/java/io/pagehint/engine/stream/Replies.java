package io.pagehint.engine.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** The destination's replies (docs/STREAM.md section 4): writing them, and reading them at the source. */
public final class Replies {

    private Replies() {
    }

    /** A reply as the source reads it. */
    public sealed interface Reply {
        record Accept() implements Reply {
        }

        record Reject(String reason) implements Reply {
        }

        record Result(SelfCheckReply result) implements Reply {
        }

        record Error(String reason) implements Reply {
        }
    }

    public static void accept(WritableByteChannel out) throws IOException {
        write(out, StreamFormat.REPLY_ACCEPT, ByteBuffer.allocate(0));
    }

    public static void reject(WritableByteChannel out, String reason) throws IOException {
        write(out, StreamFormat.REPLY_REJECT, string(reason));
    }

    public static void error(WritableByteChannel out, String reason) throws IOException {
        write(out, StreamFormat.REPLY_ERROR, string(reason));
    }

    public static void result(WritableByteChannel out, SelfCheckReply r) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(StreamFormat.MAX_REPLY_BODY);
        b.put((byte) r.outcome().code()).putLong(r.pagesChecked()).putLong(r.mismatches());
        Wire.putString(b, r.summary());
        write(out, StreamFormat.REPLY_RESULT, b.flip());
    }

    /** Reads one reply; a closed connection or malformed reply is an exception naming what went wrong. */
    public static Reply read(ReadableByteChannel in) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(StreamFormat.RECORD_HEADER_LENGTH);
        readFully(in, h);
        h.flip();
        int type = h.get() & 0xFF;
        int flags = h.get() & 0xFF;
        int reserved = h.getShort() & 0xFFFF;
        long length = h.getInt() & 0xFFFF_FFFFL;
        if (flags != 0 || reserved != 0 || length > StreamFormat.MAX_REPLY_BODY) {
            throw new StreamFormatException("malformed reply header (type 0x" + Integer.toHexString(type) + ")");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length);
        readFully(in, b);
        b.flip();
        Reply reply = switch (type) {
            case StreamFormat.REPLY_ACCEPT -> new Reply.Accept();
            case StreamFormat.REPLY_REJECT -> new Reply.Reject(Wire.getString(b, "reject reason"));
            case StreamFormat.REPLY_ERROR -> new Reply.Error(Wire.getString(b, "error reason"));
            case StreamFormat.REPLY_RESULT -> new Reply.Result(new SelfCheckReply(
                    SelfCheckReply.Outcome.of(Wire.u8(b, "outcome")), Wire.u64(b, "pagesChecked"),
                    Wire.u64(b, "mismatches"), Wire.getString(b, "summary")));
            default -> throw new StreamFormatException("unknown reply type 0x" + Integer.toHexString(type));
        };
        Wire.expectEnd(b, "reply");
        return reply;
    }

    private static ByteBuffer string(String s) {
        ByteBuffer b = ByteBuffer.allocate(Wire.stringBytes(s));
        Wire.putString(b, s);
        return b.flip();
    }

    private static void write(WritableByteChannel out, int type, ByteBuffer body) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(StreamFormat.RECORD_HEADER_LENGTH + body.remaining());
        h.put((byte) type).put((byte) 0).putShort((short) 0).putInt(body.remaining()).put(body).flip();
        while (h.hasRemaining()) {
            out.write(h);
        }
    }

    private static void readFully(ReadableByteChannel in, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (in.read(dst) < 0) {
                throw new EOFException("the destination closed the connection");
            }
        }
    }
}
