package io.pagehint.guest.kernel;

/**
 * Design note 4b: the loose free-page bitmap copied from the bitmap the allocator keeps in guest
 * RAM, piece by piece in ascending PFN order, without taking the zone locks (see {@link KeptBitmap}).
 */
final class KeptBitmapReader {

    private KeptBitmapReader() {
    }

    static void stream(KeptBitmap kept, ExecutionGate gate, long[] piece, HintingSupport.BitmapSink sink) {
        long words = kept.words();
        for (long w = 0; w < words; w += piece.length) {
            int n = (int) Math.min(piece.length, words - w);
            gate.enter();
            try {
                kept.copy(w, piece, n);
            } finally {
                gate.exit();
            }
            boolean any = false;
            for (int i = 0; i < n && !any; i++) {
                any = piece[i] != 0;
            }
            if (any) {
                sink.accept(w << 6, piece, n);
            }
        }
    }
}
