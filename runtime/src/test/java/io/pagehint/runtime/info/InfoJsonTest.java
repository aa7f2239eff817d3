package io.pagehint.runtime.info;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InfoJsonTest {

    @Test
    void servicePropertiesKeepTheirJsonTypes() {
        assertThat(InfoJson.json(new String[] {"pc", "q35"}).toString()).isEqualTo("[\"pc\",\"q35\"]");
        assertThat(InfoJson.json(new long[] {1, 2}).toString()).isEqualTo("[1,2]");
        assertThat(InfoJson.json(42L).toString()).isEqualTo("42");
        assertThat(InfoJson.json(true).toString()).isEqualTo("true");
        assertThat(InfoJson.json(List.of("a")).toString()).isEqualTo("[\"a\"]");
        assertThat(InfoJson.json("x86_64").toString()).isEqualTo("\"x86_64\"");
        assertThat(InfoJson.json(null).toString()).isEqualTo("null");
    }

    @Test
    void theTextFormPrintsArraysAsLists() {
        assertThat(InfoText.text(new String[] {"pc", "q35"})).isEqualTo("[pc, q35]");
        assertThat(InfoText.text(new int[] {1, 2})).isEqualTo("[1, 2]");
        assertThat(InfoText.text(7)).isEqualTo("7");
    }
}
