package io.pagehint.engine.toy;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hints from a toy guest: on each request a thread walks the guest's free pages as they are at
 * that moment and hands them on in pieces, at a pace the test sets — fast, or slow enough that a
 * request spans several rounds and harvests (the regime where a late hint loses writes).
 */
public final class ToyHintSource implements HintSource {

    private final ToyGuest guest;
    private final int wordsPerChunk;
    private final Duration pace;
    private final int reusePerChunk;
    final AtomicInteger requests = new AtomicInteger();
    /** Stale messages counted over the source's life (a channel counts from its start, not per migration). */
    public final java.util.concurrent.atomic.AtomicLong staleMessages = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean lateGuest;

    public ToyHintSource(ToyGuest guest, int wordsPerChunk, Duration pace) {
        this(guest, wordsPerChunk, pace, 0);
    }

    /**
     * @param reusePerChunk under memory pressure the guest reuses this many pages of each piece
     *                      while the piece is in flight (Linux's shrinker handing hinted blocks back)
     */
    public ToyHintSource(ToyGuest guest, int wordsPerChunk, Duration pace, int reusePerChunk) {
        this.guest = guest;
        this.wordsPerChunk = wordsPerChunk;
        this.pace = pace;
        this.reusePerChunk = reusePerChunk;
    }

    /** From now on the guest answers each request once more after it ended: one stale message per request. */
    public void answerLate() {
        lateGuest = true;
    }

    @Override
    public long staleMessagesDropped() {
        return staleMessages.get();
    }

    @Override
    public String transport() {
        return "toy";
    }

    @Override
    public boolean isGuestConnected() {
        return true;
    }

    @Override
    public Optional<GuestMemInfo> memInfo(Duration timeout) {
        return Optional.of(new GuestMemInfo(guest.freePfns.cardinality(), 0, guest.layout().pfnLimit() - 1, 4096));
    }

    @Override
    public OptionalInt pagePoison() {
        Integer p = guest.behaviour().poison();
        return p == null ? OptionalInt.empty() : OptionalInt.of(p);
    }

    private volatile String readyRemark = "";

    /** What each request says when it ends READY (a source's remark, e.g. why it had nothing); empty by default. */
    public void readyRemark(String remark) {
        this.readyRemark = remark;
    }

    @Override
    public HintRequest request(HintRequestOptions options, HintConsumer consumer) {
        requests.incrementAndGet();
        if (lateGuest) {
            staleMessages.incrementAndGet();
        }
        Request r = new Request(options.commandId(), consumer);
        Thread t = new Thread(r::walk, "toy-hints-" + options.commandId());
        t.setDaemon(true);
        t.start();
        return r;
    }

    private final class Request implements HintRequest {
        private final long id;
        private final HintConsumer consumer;
        private final Object delivery = new Object();
        private volatile HintStatus status = HintStatus.IN_PROGRESS;
        private boolean stopped;

        Request(long id, HintConsumer consumer) {
            this.id = id;
            this.consumer = consumer;
        }

        void walk() {
            var free = guest.freePfns;
            for (long w = 0; w < free.wordCount(); w += wordsPerChunk) {
                int n = (int) Math.min(wordsPerChunk, free.wordCount() - w);
                long[] words = new long[n];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    words[i] = free.word(w + i);
                    any |= words[i] != 0;
                }
                if (!any) {
                    continue; // a guest reports free pages, not holes
                }
                // the hint is in flight for a while after the guest looked: its pages may be reused meanwhile
                if (reusePerChunk > 0) {
                    guest.reuse(pick(words, w << 6, reusePerChunk), id * 1000 + w);
                }
                if (!pace.isZero()) {
                    try {
                        Thread.sleep(pace.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                synchronized (delivery) {
                    if (stopped) {
                        return;
                    }
                    consumer.onChunk(new HintChunk.Words(id, w << 6, words));
                }
            }
            synchronized (delivery) {
                if (!stopped) {
                    status = HintStatus.READY;
                    consumer.onFinished(id, HintStatus.READY, readyRemark);
                }
            }
        }

        private long[] pick(long[] words, long firstPfn, int n) {
            long[] out = new long[n];
            int k = 0;
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(id ^ firstPfn);
            for (int tries = 0; tries < 8 * n && k < n; tries++) {
                int i = rnd.nextInt(words.length);
                if (words[i] != 0) {
                    long bits = words[i];
                    int bit = rnd.nextInt(Long.bitCount(bits));
                    for (int b = 0; b < bit; b++) {
                        bits &= bits - 1;
                    }
                    out[k++] = firstPfn + 64L * i + Long.numberOfTrailingZeros(bits);
                }
            }
            return java.util.Arrays.copyOf(out, k);
        }

        @Override
        public long commandId() {
            return id;
        }

        @Override
        public HintStatus status() {
            return status;
        }

        @Override
        public void stop() {
            synchronized (delivery) {
                if (!stopped && status == HintStatus.IN_PROGRESS) {
                    status = HintStatus.FAILED;
                    consumer.onFinished(id, HintStatus.FAILED, "stopped");
                }
                stopped = true;
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
