package io.pagehint.channel.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutates valid inputs into the kind of damage a fuzzer finds: flipped bits, bytes and integer
 * fields set to edge values, truncation, deletion, duplication, insertion of random bytes, and
 * splices of two inputs. Deterministic for a seed.
 */
public final class Mutator {

    private static final long[] EDGES = {0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 255, 256, 1023, 1024, 4095, 4096, 65535, 65536,
        0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2};

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** One to four mutations of one of {@code corpus}. */
    public byte[] mutate(List<byte[]> corpus) {
        byte[] b = corpus.get(random.nextInt(corpus.size())).clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = once(b, corpus);
        }
        return b;
    }

    private byte[] once(byte[] b, List<byte[]> corpus) {
        if (b.length == 0) {
            return randomBytes(1 + random.nextInt(64));
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = (byte) random.nextInt(256);
            case 2 -> putEdge(b, at, 1 << random.nextInt(4)); // 1, 2, 4 or 8 bytes
            case 3 -> b = Arrays.copyOf(b, at);
            case 4 -> {
                int len = 1 + random.nextInt(Math.min(64, b.length - at));
                byte[] c = new byte[b.length - len];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + len, c, at, b.length - at - len);
                b = c;
            }
            case 5 -> {
                int len = 1 + random.nextInt(Math.min(256, b.length - at));
                byte[] c = new byte[b.length + len];
                System.arraycopy(b, 0, c, 0, at + len);
                System.arraycopy(b, at, c, at + len, b.length - at);
                b = c;
            }
            case 6 -> {
                byte[] ins = randomBytes(1 + random.nextInt(32));
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                b = c;
            }
            case 7 -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                byte[] c = Arrays.copyOf(b, at + other.length - from);
                System.arraycopy(other, from, c, at, other.length - from);
                b = c;
            }
            default -> putEdge(b, at & ~3, 4); // an aligned 32-bit field, where lengths and counts live
        }
        return b;
    }

    private void putEdge(byte[] b, int at, int width) {
        long v = random.nextInt(4) == 0 ? random.nextLong() : EDGES[random.nextInt(EDGES.length)];
        for (int i = 0; i < width && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        random.nextBytes(r);
        return r;
    }

    /** The iterations of a fuzz test: {@code pagehint.fuzz.iterations} or the default. */
    public static int iterations(int defaultCount) {
        return Integer.getInteger("pagehint.fuzz.iterations", defaultCount);
    }

    /** The seed of a fuzz test: {@code pagehint.fuzz.seed} or a fixed one, so a failure can be replayed. */
    public static long seed() {
        return Long.getLong("pagehint.fuzz.seed", 20160322L);
    }
}
