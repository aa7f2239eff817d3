package io.pagehint.engine.stream;

/** The body of a RESULT reply. */
public record SelfCheckReply(Outcome outcome, long pagesChecked, long mismatches, String summary) {

    /** The RESULT outcome codes of docs/STREAM.md. */
    public enum Outcome {
        VERIFIED(0), CHECK_FAILED(1), NOT_CHECKED(2);

        private final int code;

        Outcome(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Outcome of(int code) throws StreamFormatException {
            for (Outcome o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            throw new StreamFormatException("unknown RESULT outcome " + code);
        }
    }
}
