package io.pagehint.engine.stream;

/** The kind of a round in a ROUND record. */
public enum RoundKind {
    BULK(1),
    ITERATE(2),
    /** The guest is paused: stop-and-copy. */
    FINAL(3);

    private final int code;

    RoundKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RoundKind of(int code) throws StreamFormatException {
        for (RoundKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new StreamFormatException("unknown round kind " + code);
    }
}
