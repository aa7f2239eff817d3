package io.pagehint.qemu.qmp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of QEMU's machine protocol (QMP) on a UNIX socket: reads the greeting, leaves
 * capabilities negotiation with {@code qmp_capabilities}, then runs one command at a time.
 * QMP is newline-separated JSON; asynchronous events are read and dropped. A reader thread takes
 * QEMU's messages off the socket, so every wait has a deadline even though the socket blocks.
 * Every failure is a {@link QmpException} with a one-line message.
 */
public final class QmpClient implements AutoCloseable {

    /** The reader's mark for "the connection ended" in the queue. */
    private static final JsonObject CLOSED = new JsonObject();
    /** Bounds a message QEMU may send (its largest answers, query-qmp-schema, are ~200 KiB). */
    private static final int MAX_LINE = 4 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final Duration timeout;
    private final Thread reader;
    private volatile String readerFailure;
    private volatile boolean ended;

    private QmpClient(Path socket, SocketChannel channel, Duration timeout) {
        this.socket = socket;
        this.channel = channel;
        this.timeout = timeout;
        this.reader = new Thread(this::readLoop, "pagehint-qmp-" + socket.getFileName());
        this.reader.setDaemon(true);
    }

    /**
     * Connects to the QMP socket, reads the greeting and negotiates capabilities. Each answer is
     * awaited at most {@code timeout}.
     */
    public static QmpClient connect(Path socket, Duration timeout) throws QmpException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new QmpException("cannot connect to QEMU's QMP socket " + socket + ": " + oneLine(e));
        }
        QmpClient c = new QmpClient(socket, ch, timeout);
        c.reader.start();
        try {
            JsonObject greeting = c.next();
            if (!greeting.has("QMP")) {
                throw new QmpException("QMP socket " + socket + " did not greet with QMP: " + abbreviate(greeting));
            }
            c.execute("qmp_capabilities", null);
            return c;
        } catch (QmpException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Runs {@code command} with {@code arguments} (may be null) and returns its {@code return}
     * value (an empty object for commands that return nothing).
     *
     * @throws QmpException if QEMU answers with an error (its class and description), or not in time
     */
    public synchronized JsonElement execute(String command, JsonObject arguments) throws QmpException {
        String id = "pagehint-" + ids.incrementAndGet();
        JsonObject request = new JsonObject();
        request.addProperty("execute", command);
        if (arguments != null) {
            request.add("arguments", arguments);
        }
        request.addProperty("id", id);
        try {
            // channel.write, not a Channels stream: those lock the channel while the reader blocks in read
            ByteBuffer b = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new QmpException("QMP " + command + ": cannot write to " + socket + ": " + oneLine(e));
        }
        while (true) {
            JsonObject reply = next();
            if (reply.has("event")) {
                continue;
            }
            JsonElement replyId = reply.get("id");
            if (replyId != null && !replyId.isJsonNull() && !id.equals(asString(replyId))) {
                continue; // the answer to an earlier command that timed out
            }
            if (reply.has("error")) {
                JsonObject error = reply.getAsJsonObject("error");
                throw new QmpException("QMP " + command + " failed: " + asString(error.get("class")) + ": "
                        + asString(error.get("desc")));
            }
            if (reply.has("return")) {
                return reply.get("return");
            }
            throw new QmpException("QMP " + command + ": QEMU answered neither return nor error: " + abbreviate(reply));
        }
    }

    /** {@code query-status}: the VM's run state as QEMU names it (running, paused, shutdown, ...). */
    public String status() throws QmpException {
        JsonElement r = execute("query-status", null);
        if (!r.isJsonObject() || !r.getAsJsonObject().has("status")) {
            throw new QmpException("QMP query-status answered without a status: " + abbreviate(r));
        }
        return asString(r.getAsJsonObject().get("status"));
    }

    /** Whether the connection is still open and being read. */
    public boolean isOpen() {
        return channel.isOpen() && !ended;
    }

    private JsonObject next() throws QmpException {
        JsonObject m;
        try {
            m = replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for QEMU on " + socket);
        }
        if (m == null) {
            throw new QmpException("QEMU did not answer on " + socket + " within " + timeout.toMillis() + " ms");
        }
        if (m == CLOSED) {
            replies.offer(CLOSED); // later calls see it too
            throw new QmpException("QEMU closed its QMP socket " + socket + (readerFailure == null ? "" : ": " + readerFailure));
        }
        return m;
    }

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocate(64 << 10);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(in) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte c = in.get();
                    if (c != '\n') {
                        if (line.size() >= MAX_LINE) {
                            throw new IOException("a QMP message longer than " + MAX_LINE + " bytes");
                        }
                        line.write(c);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8).trim();
                    line.reset();
                    if (text.isEmpty()) {
                        continue;
                    }
                    JsonElement e = JsonParser.parseString(text);
                    if (!e.isJsonObject()) {
                        throw new JsonParseException("not a JSON object: " + abbreviate(e));
                    }
                    replies.offer(e.getAsJsonObject());
                }
                in.clear();
            }
        } catch (IOException | RuntimeException e) {
            if (channel.isOpen()) {
                readerFailure = oneLine(e);
            }
        } finally {
            ended = true;
            replies.offer(CLOSED);
        }
    }

    private static String asString(JsonElement e) {
        return e == null || e.isJsonNull() ? "?" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private static String abbreviate(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we are done with
        }
    }
}
